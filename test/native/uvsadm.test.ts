// uvsadm against a real uvsd in network namespaces (DR): the table is built with uvsadm only
// (-A/-a), HTTP through the VIP reaches the new dests, `-e -w 0` drains a dest, `-Ln --stats`
// counters move with traffic, `-Lnc` shows the conns, 10 concurrent uvsadm runs all succeed.
// uvsadm runs from the host namespace: the control socket is a file (UVS_SOCKET).
// Bounded: a handful of requests, every wait has a deadline, namespaces removed in all cases.
import test from 'ava';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const isRoot = process.getuid?.() === 0;
const ROOT = resolve(import.meta.dirname, '..', '..');
const P = `uvsa${process.pid % 100000}`;
const NS = { sw: `${P}sw`, cl: `${P}cl`, dir: `${P}dir`, rs1: `${P}r1`, rs2: `${P}r2` };
const VIP = '10.9.1.10';

function sh(cmd: string, timeoutMs = 20_000): { status: number | null; out: string } {
  const r = spawnSync('bash', ['-c', cmd], { encoding: 'utf8', timeout: timeoutMs });
  return { status: r.status, out: (r.stdout ?? '') + (r.stderr ?? '') };
}

function must(cmd: string): void {
  const r = sh(cmd);
  if (r.status !== 0) throw new Error(`${cmd}: ${r.out}`);
}

function teardown(): void {
  for (const ns of Object.values(NS))
    sh(`ip netns pids ${ns} 2>/dev/null | xargs -r kill -9; ip netns del ${ns} 2>/dev/null`);
}

function topology(): ChildProcess[] {
  must(`ip netns add ${NS.sw} && ip -n ${NS.sw} link add br0 type bridge && ip -n ${NS.sw} link set br0 up`);
  const hosts: [string, string][] = [
    [NS.cl, '10.9.1.1'],
    [NS.dir, '10.9.1.254'],
    [NS.rs1, '10.9.1.11'],
    [NS.rs2, '10.9.1.12'],
  ];
  for (const [ns, ip] of hosts) {
    must(
      [
        `ip netns add ${ns}`,
        `ip link add e0 netns ${ns} type veth peer name p-${ns.slice(-3)} netns ${NS.sw}`,
        `ip -n ${NS.sw} link set p-${ns.slice(-3)} master br0 up`,
        `ip -n ${ns} addr add ${ip}/24 dev e0`,
        `ip -n ${ns} link set e0 up`,
        `ip -n ${ns} link set lo up`,
      ].join(' && '),
    );
  }
  const servers: ChildProcess[] = [];
  for (const [ns, name] of [
    [NS.rs1, 'rs1'],
    [NS.rs2, 'rs2'],
  ] as const) {
    must(
      `ip -n ${ns} addr add ${VIP}/32 dev lo && ip netns exec ${ns} sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2`,
    );
    const js = `require('http').createServer((q,s)=>{s.setHeader('connection','close');s.end('${name}\\n')}).listen(80)`;
    servers.push(spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', js], { stdio: 'ignore' }));
  }
  return servers;
}

async function waitFor(what: string, fn: () => boolean, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (fn()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function get(): string {
  const r = sh(
    `ip netns exec ${NS.cl} timeout 3 bash -c 'exec 3<>/dev/tcp/${VIP}/80; printf "GET / HTTP/1.0\\r\\n\\r\\n" >&3; cat <&3' 2>&1`,
    6000,
  );
  const body = r.out.split('\r\n\r\n')[1];
  return body === undefined ? `error: ${r.out.trim()}` : body.trim();
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
  teardown();
  const dir = mkdtempSync(join(tmpdir(), 'uvsadm-native-'));
  const sock = join(dir, 'uvsd.sock');
  let uvsd: ChildProcess | null = null;
  const servers = topology();
  try {
    t.is(uvsadm(sock, '-Ln').code, 2, 'no daemon yet: exit 2');
    uvsd = spawn(
      'ip',
      ['netns', 'exec', NS.dir, process.execPath, join(ROOT, 'bin/uvsd'), '--iface', 'e0', '--socket', sock],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let log = '';
    uvsd.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    uvsd.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    await waitFor('uvsd ready', () => log.includes('uvsd ready')).catch((e: Error) => {
      throw new Error(`${e.message}\n${log}`);
    });
    await waitFor(
      'real servers up',
      () => sh(`ip netns exec ${NS.rs2} ss -ltn | grep -q ':80 '`).status === 0,
    );

    t.deepEqual(uvsadm(sock, '-A', '-t', `${VIP}:80`, '-s', 'rr'), { code: 0, out: '', err: '' });
    t.is(uvsadm(sock, '-a', '-t', `${VIP}:80`, '-r', '10.9.1.11', '-g').code, 0);
    await new Promise((r) => setTimeout(r, 2500)); // uvsd ARPs for a new dest once a second
    t.deepEqual([get(), get()], ['rs1', 'rs1'], log);

    t.is(uvsadm(sock, '-a', '-t', `${VIP}:80`, '-r', '10.9.1.12', '-g').code, 0);
    await new Promise((r) => setTimeout(r, 2500));
    const mixed = [get(), get(), get(), get()];
    t.deepEqual(
      [...mixed].sort(),
      ['rs1', 'rs1', 'rs2', 'rs2'],
      `rr over both: ${mixed.join(' ')}\n${log}\n${uvsadm(sock, '-Ln').out}${uvsadm(sock, '-Lnc').out}`,
    );

    const before = uvsadm(sock, '-Ln', '--stats');
    t.is(before.code, 0);
    t.deepEqual(statsRow(before.out, '10.9.1.12:80').slice(0, 1), [2]);

    t.is(uvsadm(sock, '-e', '-t', `${VIP}:80`, '-r', '10.9.1.11', '-g', '-w', '0').code, 0);
    t.deepEqual([get(), get(), get()], ['rs2', 'rs2', 'rs2'], 'weight 0 drains rs1');

    const after = uvsadm(sock, '-Ln', '--stats');
    const b = statsRow(before.out, '10.9.1.12:80');
    const a = statsRow(after.out, '10.9.1.12:80');
    t.is(a[0], (b[0] ?? 0) + 3, 'Conns +3 on rs2');
    t.true((a[1] ?? 0) >= (b[1] ?? 0) + 3 * 4, `InPkts moved: ${b[1]} -> ${a[1]}`);
    t.deepEqual(statsRow(after.out, '10.9.1.11:80'), statsRow(before.out, '10.9.1.11:80'), 'rs1 untouched');

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
    t.is(get().startsWith('error'), true, 'service gone: no answer through the VIP');
  } finally {
    uvsd?.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    uvsd?.kill('SIGKILL');
    for (const s of servers) s.kill('SIGKILL');
    teardown();
    rmSync(dir, { recursive: true, force: true });
  }
});
