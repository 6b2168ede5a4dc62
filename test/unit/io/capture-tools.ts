/**
 * Test helpers for the capture codec: temp dirs, external tools (tshark, tcpdump, dumpcap,
 * text2pcap, editcap) and loopback traffic. Tools are required: a missing tool fails the test
 * with the package to install (CI installs tshark, tcpdump and wireshark-common).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';

const PACKAGES: Record<string, string> = {
  tshark: 'tshark',
  dumpcap: 'wireshark-common',
  text2pcap: 'wireshark-common',
  editcap: 'wireshark-common',
  tcpdump: 'tcpdump',
};

/** Throws (failing the test) unless the tool runs. */
export function requireTool(name: string): void {
  const r = spawnSync(name, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  if (r.error !== undefined) {
    throw new Error(
      'required tool ' +
        name +
        ' is not available (' +
        r.error.message +
        '): apt-get install ' +
        (PACKAGES[name] ?? name),
    );
  }
}

/** A fresh temp directory removed when the test ends. */
export function tempDir(t: ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'uvs-pcap-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Run a tool to completion (bounded); throws with its stderr on failure. Returns stdout. */
export function run(cmd: string, args: readonly string[], input?: string): string {
  requireTool(cmd);
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    timeout: 60_000,
    input: input ?? '',
    env: { ...process.env, TZ: 'UTC' },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error !== undefined) throw r.error;
  if (r.status !== 0)
    throw new Error(cmd + ' ' + args.join(' ') + ' exited ' + String(r.status) + ': ' + r.stderr);
  return r.stdout;
}

/** tshark -r file, one array of the requested fields per frame. */
export function tsharkFields(file: string, fields: readonly string[]): string[][] {
  const args = ['-r', file, '-T', 'fields', '-E', 'separator=\t'];
  for (const f of fields) args.push('-e', f);
  const out = run('tshark', args);
  return out
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split('\t'));
}

/** "sec.nnnnnnnnn", as tshark prints frame.time_epoch. */
export function epochString(tsSec: number, tsNsec: number): string {
  return String(tsSec) + '.' + String(tsNsec).padStart(9, '0');
}

/** A random high UDP port for one capture. */
export function randomPort(): number {
  return 20000 + Math.floor(Math.random() * 40000);
}

/**
 * Start a capture tool that exits on its own after a bounded count, wait until it reports ready
 * on stderr, then send UDP datagrams "uvs-<i>" to 127.0.0.1:port every 20 ms until it exits.
 * Bounded: at most maxSend datagrams and timeoutMs overall (the tool is killed on timeout).
 */
export function captureLoopback(
  cmd: string,
  args: readonly string[],
  ready: RegExp,
  port: number,
  timeoutMs = 20_000,
  maxSend = 200,
): Promise<void> {
  requireTool(cmd);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const sock = createSocket('udp4');
    let stderr = '';
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    let sending = false;
    const finish = (err: Error | null): void => {
      clearTimeout(deadline);
      if (timer !== undefined) clearInterval(timer);
      sock.close();
      if (err !== null) reject(err);
      else resolve();
    };
    const deadline = setTimeout(() => {
      child.kill('SIGKILL');
      finish(new Error(cmd + ' did not finish within ' + String(timeoutMs) + ' ms; stderr: ' + stderr));
    }, timeoutMs);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      stderr += s;
      if (!sending && ready.test(stderr)) {
        sending = true;
        timer = setInterval(() => {
          if (sent >= maxSend) return;
          sock.send('uvs-' + String(sent), port, '127.0.0.1');
          sent++;
        }, 20);
      }
    });
    child.on('error', (e) => finish(e));
    child.on('exit', (code, signal) => {
      if (code === 0) finish(null);
      else if (signal !== 'SIGKILL')
        finish(new Error(cmd + ' exited ' + String(code) + '/' + String(signal) + ': ' + stderr));
    });
  });
}
