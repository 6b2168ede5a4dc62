// `uvs demo` end to end (root): it builds its namespaces, runs uvsd in DR, TUN and NAT, and every
// one of the 12 HTTP requests per mode is answered, rr over 3 real servers giving exactly 4/4/4;
// it exits 0 within 90 s and leaves no namespace with its prefix behind. Run as an unprivileged
// user it explains what it needs, exits non-zero and creates nothing.
// Needs the compiled tree (bin/uvs runs dist/): `npx tsc -p tsconfig.json` or `npm install`.
import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatStatsListing } from '../../src/daemon/demo-format.js';
import type { DestJson, StatsJson } from '../../src/daemon/dataplane.js';

const isRoot = process.getuid?.() === 0;
const ROOT = resolve(import.meta.dirname, '..', '..');
const NOBODY = 65534;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  pid: number;
  stdout: string;
  stderr: string;
}

/** Runs `bin/uvs demo`, killing it (SIGINT, then SIGKILL) if it is not done after `ms`. */
function runDemo(ms: number, uid?: number): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [resolve(ROOT, 'bin/uvs'), 'demo'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(uid === undefined ? {} : { uid, gid: uid }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const soft = setTimeout(() => child.kill('SIGINT'), ms);
    const hard = setTimeout(() => child.kill('SIGKILL'), ms + 10_000);
    child.on('close', (code, signal) => {
      clearTimeout(soft);
      clearTimeout(hard);
      done({ code, signal, pid: child.pid!, stdout, stderr });
    });
  });
}

function namespacesWith(prefix: string): string[] {
  const out = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout ?? '';
  return out
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(prefix));
}

test.serial('uvs demo: DR, TUN and NAT each answer 12 of 12 requests, rr 4/4/4, nothing left', async (t) => {
  if (!isRoot) {
    t.pass('needs root');
    return;
  }
  const r = await runDemo(90_000);
  const prefix = `uvsn-demo-${r.pid}-`;
  const ctx = `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
  t.is(r.signal, null, `killed after 90 s\n${ctx}`);
  t.is(r.code, 0, ctx);
  t.true(r.stdout.includes(`(names ${prefix}*)`), ctx);
  t.is(r.stderr, '', 'nothing on stderr (uvsd logs go to a file)');

  const sections = new Map<string, string>();
  for (const part of r.stdout.split('\n== ').slice(1)) sections.set(part.split(',')[0]!.split(':')[0]!, part);
  for (const mode of ['DR', 'TUN', 'NAT']) {
    const s = sections.get(mode);
    if (s === undefined) {
      t.fail(`no ${mode} section\n${ctx}`);
      continue;
    }
    t.regex(s, /: rs3 rs2 rs1 rs3 rs2 rs1 rs3 rs2 rs1 rs3 rs2 rs1\n/, `${mode}: rr order, newest dest first`);
    for (const [i, rs] of ['rs1', 'rs2', 'rs3'].entries())
      t.regex(s, new RegExp(`^  ${rs} +10\\.77\\.0\\.1${i + 1}:80 +4$`, 'm'), `${mode} ${rs}`);
    t.true(s.includes('  every request answered: 12 of 12\n'), `${mode}\n${s}`);
    t.regex(s, /^ {2}TCP {2}10\.77\.0\.100:80 +12 /m, `${mode}: the listing counts 12 conns`);
    t.true(s.includes('  uvsd stopped cleanly\n'), mode);
  }
  t.regex(sections.get('DR') ?? '', /replies bypassed the director \(OutPkts 0\)/);
  t.regex(sections.get('TUN') ?? '', /replies bypassed the director \(OutPkts 0\)/);
  t.regex(sections.get('NAT') ?? '', /replies came back through the director \(OutPkts [1-9]\d*\)/);
  const summary = sections.get('Summary') ?? '';
  for (const mode of ['DR', 'TUN', 'NAT'])
    t.regex(summary, new RegExp(`^  ${mode} +12/12 +4 +4 +4$`, 'm'), `summary ${mode}\n${summary}`);
  t.deepEqual(namespacesWith(prefix), []);
});

test.serial(
  'uvs demo as an unprivileged user: explains it needs root, exits 1, creates nothing',
  async (t) => {
    if (!isRoot) {
      const r = await runDemo(30_000);
      t.is(r.code, 1);
      t.regex(r.stderr, /uvs demo needs root/);
      return;
    }
    const r = await runDemo(30_000, NOBODY);
    t.is(r.code, 1, r.stderr);
    t.regex(r.stderr, /^uvs demo needs root: it creates network namespaces/);
    t.is(r.stdout, '');
    t.deepEqual(namespacesWith(`uvsn-demo-${r.pid}-`), []);
  },
);

const stats = (
  conns: number,
  inPkts: number,
  outPkts: number,
  inBytes: number,
  outBytes: number,
): StatsJson => ({
  conns,
  inPkts,
  outPkts,
  inBytes,
  outBytes,
  cps: 0,
  inPps: 0,
  outPps: 0,
  inBps: 0,
  outBps: 0,
});

const dest = (addr: string, weight: number, s: StatsJson): DestJson => ({
  addr,
  port: 80,
  fwd: 'nat',
  weight,
  uThreshold: 0,
  lThreshold: 0,
  activeConns: s.conns,
  inactConns: 0,
  persistConns: 0,
  stats: s,
});

test("the demo's fallback listing is byte for byte the recorded ipvsadm -Ln --stats (nat-wrr-3)", (t) => {
  const recorded = readFileSync(
    resolve(ROOT, 'test/golden/kernel-cases/nat-wrr-3/dump/ipvsadm-Ln-stats.txt'),
    'utf8',
  );
  const text = formatStatsListing({
    connTableSize: 4096,
    totals: stats(12, 24, 12, 1008, 528),
    services: [
      {
        af: 4,
        proto: 'tcp',
        vaddr: '10.0.0.20',
        vport: 80,
        sched: 'wrr',
        persistent: false,
        persistTimeout: 0,
        netmask: [],
        onePacket: false,
        schedFlags: 0,
        stats: stats(12, 24, 12, 1008, 528),
        // kernel order, newest first: the listing sorts by address
        dests: [
          dest('10.0.1.23', 1, stats(2, 4, 2, 168, 88)),
          dest('10.0.1.22', 3, stats(6, 12, 6, 504, 264)),
          dest('10.0.1.21', 2, stats(4, 8, 4, 336, 176)),
        ],
      },
    ],
  });
  t.is(text, recorded);
});
