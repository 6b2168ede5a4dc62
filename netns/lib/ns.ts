/**
 * Network-namespace primitives for the topology library: run-scoped names, synchronous `ip`
 * commands, child processes inside a namespace, and cleanup that runs in every case.
 *
 * Owns: the naming scheme `uvsn-<tag>-<pid>-<role>` (so a later run recognises and removes the
 * namespaces of a run whose process is gone), the registry of live namespaces and the
 * process-level hooks (exit, SIGINT, SIGTERM, SIGHUP) that remove them, and tool lookup.
 * Must not: touch the host's own namespace (every link is created directly inside a namespace
 * of ours) or remove a namespace whose creating process is still alive, other than its own.
 * Invariants: every namespace this process creates is in `live` until deleted; deleting one
 * first kills every process inside it (a namespace lives on while a process holds it).
 * Needs root (CAP_SYS_ADMIN for `ip netns add`, CAP_NET_ADMIN for links).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, createWriteStream, existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** NS_NAME_RE matches a library namespace name: tag, pid of the creating process, role. */
export const NS_NAME_RE = /^uvsn-([a-z0-9]{1,10})-(\d+)-([a-z0-9]+)$/;

const live = new Set<string>();
const procs = new Set<ChildProcess>();
let hooked = false;

/** runPrefix is the prefix of every namespace a run with this tag creates in this process. */
export function runPrefix(tag: string): string {
  if (!/^[a-z0-9]{1,10}$/.test(tag)) throw new Error(`bad topology tag '${tag}' (a-z0-9, 1-10 chars)`);
  return `uvsn-${tag}-${process.pid}-`;
}

/** findTool looks an executable up in PATH and the sbin directories (a non-root PATH lacks them). */
export function findTool(name: string): string | null {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}

/** projectRoot is the folder holding the uvs package.json (works from netns/ and from dist/netns/). */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'uvs')
      return dir;
    dir = dirname(dir);
  }
  throw new Error('cannot find the uvs project root');
}

/** run executes a command synchronously (10 s bound) and returns stdout; throws with stderr. */
export function run(cmd: string, args: readonly string[], timeoutMs = 10_000): string {
  try {
    return execFileSync(cmd, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
    });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    const detail = (e.stderr ?? '').trim() || e.message;
    throw new Error(`${cmd} ${args.join(' ')}: ${detail}`);
  }
}

/** tryRun is run() that reports failure as null. */
export function tryRun(cmd: string, args: readonly string[], timeoutMs = 10_000): string | null {
  try {
    return run(cmd, args, timeoutMs);
  } catch {
    return null;
  }
}

/** nsExec runs a command inside a namespace and returns its stdout. */
export function nsExec(ns: string, cmd: string, ...args: string[]): string {
  return run('ip', ['netns', 'exec', ns, cmd, ...args]);
}

/** nsIp runs `ip -n ns ...`. */
export function nsIp(ns: string, ...args: string[]): string {
  return run('ip', ['-n', ns, ...args]);
}

/** nsSysctl sets sysctls inside a namespace (keys and values as `k=v`). */
export function nsSysctl(ns: string, ...kv: string[]): void {
  nsExec(ns, 'sysctl', '-qw', ...kv);
}

/** nsAdd creates a namespace (removing a stale one of the same name first) with lo up. */
export function nsAdd(name: string): void {
  hookExit();
  nsDel(name);
  run('ip', ['netns', 'add', name]);
  live.add(name);
  nsIp(name, 'link', 'set', 'lo', 'up');
}

/** nsDel kills every process in the namespace and removes it; quiet when it is already gone. */
export function nsDel(name: string): void {
  const pids = tryRun('ip', ['netns', 'pids', name]);
  if (pids !== null) {
    for (const p of pids.split('\n')) {
      const pid = Number(p.trim());
      if (Number.isInteger(pid) && pid > 1 && pid !== process.pid) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  }
  tryRun('ip', ['netns', 'del', name]);
  live.delete(name);
}

/** listNs lists every namespace name on the host. */
export function listNs(): string[] {
  const out = tryRun('ip', ['netns', 'list']) ?? '';
  return out
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n !== '');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}

/** sweepDeadRuns removes library namespaces whose creating process no longer exists; returns them. */
export function sweepDeadRuns(): string[] {
  const removed: string[] = [];
  for (const name of listNs()) {
    const m = NS_NAME_RE.exec(name);
    if (m === null) continue;
    const pid = Number(m[2]);
    if (pid === process.pid || alive(pid)) continue;
    nsDel(name);
    removed.push(name);
  }
  return removed;
}

/** SpawnedProcess is a child running inside a namespace, its output kept in memory and a log file. */
export interface SpawnedProcess {
  readonly child: ChildProcess;
  readonly name: string;
  /** Everything it printed so far (stdout and stderr interleaved). */
  output(): string;
  /** Resolves when its output contains `text`; rejects at the deadline or if it exits first. */
  waitFor(text: string, ms: number): Promise<void>;
  /**
   * Sends `signal` (null: none, just wait), resolves with the exit code (null if killed by a
   * signal); SIGKILLs it at the deadline.
   */
  stop(signal: NodeJS.Signals | null, ms: number): Promise<number | null>;
}

/** nsSpawn starts `argv` inside `ns`; output goes to memory and, when given, appends to `logFile`. */
export function nsSpawn(
  ns: string,
  name: string,
  argv: readonly string[],
  opts: { logFile?: string; env?: NodeJS.ProcessEnv } = {},
): SpawnedProcess {
  hookExit();
  const child = spawn('ip', ['netns', 'exec', ns, ...argv], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: opts.env ?? process.env,
  });
  procs.add(child);
  let out = '';
  const log = opts.logFile === undefined ? null : createWriteStream(opts.logFile, { flags: 'a' });
  const onData = (d: Buffer): void => {
    out += d.toString();
    log?.write(d);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  child.on('error', (err) => onData(Buffer.from(`spawn error: ${err.message}\n`)));
  const exited = new Promise<number | null>((resolve) => {
    child.on('close', (code) => {
      procs.delete(child);
      log?.end();
      resolve(code);
    });
  });
  const waitFor = (text: string, ms: number): Promise<void> =>
    new Promise((resolve, reject) => {
      let done = false;
      const finish = (err: Error | null): void => {
        if (done) return;
        done = true;
        clearInterval(poll);
        clearTimeout(timer);
        if (err === null) resolve();
        else reject(err);
      };
      const poll = setInterval(() => {
        if (out.includes(text)) finish(null);
      }, 20);
      const timer = setTimeout(() => finish(new Error(`${name}: no '${text}' within ${ms} ms`)), ms);
      void exited.then((code) => {
        if (out.includes(text)) finish(null);
        else finish(new Error(`${name} exited (code ${String(code)}) before '${text}'`));
      });
    });
  const stop = async (signal: NodeJS.Signals | null, ms: number): Promise<number | null> => {
    if (signal !== null && child.exitCode === null && child.signalCode === null) child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  return { child, name, output: () => out, waitFor, stop };
}

/** killAll SIGKILLs every child this library started that is still running. */
export function killAll(): void {
  for (const c of procs) c.kill('SIGKILL');
  procs.clear();
}

/** removeAll kills our children and removes every live namespace of this process. */
export function removeAll(): void {
  killAll();
  for (const n of [...live]) nsDel(n);
}

/** liveNamespaces lists the namespaces this process created and has not removed yet. */
export function liveNamespaces(): string[] {
  return [...live];
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', removeAll);
  const codes: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      removeAll();
      process.exit(codes[sig]);
    });
  }
}
