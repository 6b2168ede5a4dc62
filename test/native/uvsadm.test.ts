// uvsadm against a real uvsd in network namespaces (DR): the table is built with uvsadm only
// (-A/-a), HTTP through the VIP reaches the new dests, `-e -w 0` drains a dest, `-Ln --stats`
// counters move with traffic, `-Lnc` shows the conns, 10 concurrent uvsadm runs all succeed.
// uvsadm runs from the host namespace: the control socket is a file (UVS_SOCKET).
// Bounded: a handful of requests, every wait has a deadline, namespaces removed in all cases.
import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { withTopology, type Topology } from '../../netns/lib/topology.js';
import { sendRequests } from '../../netns/lib/traffic.js';

const isRoot = process.getuid?.() === 0;
const ROOT = resolve(import.meta.dirname, '..', '..');

/** One HTTP GET through the VIP: the real server's name, or 'error: ...'. */
async function get(topo: Topology): Promise<string> {
  const [a] = await sendRequests(topo, { kind: 'http', count: 1 });
  return a?.answer ?? 'error: no answer';
}

interface Out {
  code: number | null;
  out: string;
  err: string;
}

function uvsadm(sock: string, ...args: string[]): Out {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/uvsadm'), ...args], {
    encoding: 'utf8',
    timeout: 15_000,
    env: { ...process.env, UVS_SOCKET: sock },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function uvsadmAsync(sock: string, ...args: string[]): Promise<Out> {
  return new Promise((res) => {
    const c = spawn(process.execPath, [join(ROOT, 'bin/uvsadm'), ...args], {
      env: { ...process.env, UVS_SOCKET: sock },
    });
    let out = '';
    let err = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => c.kill('SIGKILL'), 15_000);
    c.on('close', (code) => {
      clearTimeout(timer);
      res({ code, out, err });
    });
  });
}

/** The `  -> addr` row of a --stats listing: Conns InPkts OutPkts InBytes OutBytes. */
function statsRow(text: string, addr: string): number[] {
  const line = text.split('\n').find((l) => l.startsWith(`  -> ${addr}`)) ?? '';
  return line.trim().split(/\s+/).slice(2).map(Number);
}

test.serial('uvsadm drives a running uvsd: forwarding, drain, counters, conns, concurrency', async (t) => {
  if (!isRoot) {
    t.pass('needs root');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'uvsadm-native-'));
  const sock = join(dir, 'uvsd.sock');
  try {
    await withTopology({ tag: 'uvsadm', mode: 'dr', realServers: 2, lan: '10.9.1' }, async (topo) => {
      const VIP = topo.vip;
      t.is(uvsadm(sock, '-Ln').code, 2, 'no daemon yet: exit 2');
      const uvsd = topo.spawn(topo.director.ns, 'uvsd', [
        process.execPath,
        join(ROOT, 'bin/uvsd'),
        '--iface',
        topo.director.ifname,
        '--socket',
        sock,
      ]);
      const log = (): string => uvsd.output();
      try {
        await uvsd.waitFor('uvsd ready', 15_000);
        t.deepEqual(uvsadm(sock, '-A', '-t', `${VIP}:80`, '-s', 'rr'), { code: 0, out: '', err: '' });
        t.is(uvsadm(sock, '-a', '-t', `${VIP}:80`, '-r', '10.9.1.11', '-g').code, 0);
        await new Promise((r) => setTimeout(r, 2500)); // uvsd ARPs for a new dest once a second
        t.deepEqual([await get(topo), await get(topo)], ['rs1', 'rs1'], log());

        t.is(uvsadm(sock, '-a', '-t', `${VIP}:80`, '-r', '10.9.1.12', '-g').code, 0);
        await new Promise((r) => setTimeout(r, 2500));
        const mixed = [await get(topo), await get(topo), await get(topo), await get(topo)];
        t.deepEqual(
          [...mixed].sort(),
          ['rs1', 'rs1', 'rs2', 'rs2'],
          `rr over both: ${mixed.join(' ')}\n${log()}\n${uvsadm(sock, '-Ln').out}${uvsadm(sock, '-Lnc').out}`,
        );

        const before = uvsadm(sock, '-Ln', '--stats');
        t.is(before.code, 0);
        t.deepEqual(statsRow(before.out, '10.9.1.12:80').slice(0, 1), [2]);

        t.is(uvsadm(sock, '-e', '-t', `${VIP}:80`, '-r', '10.9.1.11', '-g', '-w', '0').code, 0);
        t.deepEqual(
          [await get(topo), await get(topo), await get(topo)],
          ['rs2', 'rs2', 'rs2'],
          'weight 0 drains rs1',
        );

        const after = uvsadm(sock, '-Ln', '--stats');
        const b = statsRow(before.out, '10.9.1.12:80');
        const a = statsRow(after.out, '10.9.1.12:80');
        t.is(a[0], (b[0] ?? 0) + 3, 'Conns +3 on rs2');
        t.true((a[1] ?? 0) >= (b[1] ?? 0) + 3 * 4, `InPkts moved: ${b[1]} -> ${a[1]}`);
        t.deepEqual(
          statsRow(after.out, '10.9.1.11:80'),
          statsRow(before.out, '10.9.1.11:80'),
          'rs1 untouched',
        );

        const plain = uvsadm(sock, '-Ln');
        t.regex(plain.out, /\n {2}-> 10\.9\.1\.11:80 {17}Route {3}0 {6}/);
        const conns = uvsadm(sock, '-Lnc');
        t.is(conns.code, 0);
        const rows = conns.out.split('\n').filter((l) => l.startsWith('TCP '));
        t.is(rows.length, 9, conns.out);
        t.true(
          rows.every((r) => r.includes(` ${VIP}:80 `) && r.startsWith('TCP ')),
          conns.out,
        );
        t.true(rows.some((r) => r.endsWith('10.9.1.12:80')));

        const many = await Promise.all(Array.from({ length: 10 }, () => uvsadmAsync(sock, '-Ln', '--stats')));
        for (const m of many) {
          t.is(m.code, 0, m.err);
          t.true(m.out.startsWith('IP Virtual Server version 1.2.1 (size='), m.out);
        }
        t.deepEqual(uvsadm(sock, '-D', '-t', `${VIP}:80`), { code: 0, out: '', err: '' });
        t.is((await get(topo)).startsWith('error'), true, 'service gone: no answer through the VIP');
      } finally {
        await uvsd.stop('SIGTERM', 5000);
      }
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
