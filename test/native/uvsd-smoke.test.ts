// uvsd with real traffic: a client, a director running uvsd and two real servers on one bridged
// LAN, each in its own network namespace. HTTP requests through the VIP in DR and NAT mode reach
// both servers in rr order; the control socket shows the counters; SIGTERM removes the guard.
// Bounded: 6 requests per mode, every wait has a deadline, namespaces removed in all cases.
import test, { type ExecutionContext } from 'ava';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { controlRequest } from '../../src/io/control-socket.js';
import { systemNft } from '../../src/io/nft-guard.js';

const isRoot = process.getuid?.() === 0;
const ROOT = resolve(import.meta.dirname, '..', '..');
const P = `uvss${process.pid % 100000}`;
const NS = { sw: `${P}sw`, cl: `${P}cl`, dir: `${P}dir`, rs1: `${P}r1`, rs2: `${P}r2` };
const VIP = '10.9.0.10';

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

/** The LAN; real servers serve their name over HTTP; `nat` routes their replies via the director. */
function topology(mode: 'dr' | 'tun' | 'nat'): ChildProcess[] {
  const nat = mode === 'nat';
  must(`ip netns add ${NS.sw} && ip -n ${NS.sw} link add br0 type bridge && ip -n ${NS.sw} link set br0 up`);
  const hosts: [string, string][] = [
    [NS.cl, '10.9.0.1'],
    [NS.dir, '10.9.0.254'],
    [NS.rs1, '10.9.0.11'],
    [NS.rs2, '10.9.0.12'],
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
    if (!nat) {
      must(
        [
          `ip -n ${ns} addr add ${VIP}/32 dev lo`,
          `ip netns exec ${ns} sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2`,
        ].join(' && '),
      );
    } else {
      must(`ip -n ${ns} route add 10.9.0.1/32 via 10.9.0.254`);
    }
    if (mode === 'tun') {
      const decap = spawn(
        'ip',
        ['netns', 'exec', ns, process.execPath, join(ROOT, 'bin/uvs'), 'decap', '--vip', VIP],
        {
          stdio: 'ignore',
        },
      );
      servers.push(decap);
    }
    const js = `require('http').createServer((q,s)=>{s.setHeader('connection','close');s.end('${name}\\n')}).listen(80,()=>console.log('up'))`;
    const srv = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', js], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    servers.push(srv);
  }
  return servers;
}

async function waitFor(what: string, fn: () => boolean | Promise<boolean>, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** One HTTP GET from the client to the VIP; the body (server name) or an error text. */
function get(): string {
  const r = sh(
    `ip netns exec ${NS.cl} timeout 3 bash -c 'exec 3<>/dev/tcp/${VIP}/80; printf "GET / HTTP/1.0\\r\\n\\r\\n" >&3; cat <&3' 2>&1`,
    6000,
  );
  const body = r.out.split('\r\n\r\n')[1];
  return body === undefined ? `error: ${r.out.trim()}` : body.trim();
}

async function runMode(t: ExecutionContext, mode: 'dr' | 'tun' | 'nat'): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'uvs-smoke-'));
  const sock = join(dir, 'uvsd.sock');
  const flag = { dr: '-g', tun: '-i', nat: '-m' }[mode];
  writeFileSync(
    join(dir, 'rules'),
    `-A -t ${VIP}:80 -s rr\n-a -t ${VIP}:80 -r 10.9.0.11:80 ${flag} -w 1\n-a -t ${VIP}:80 -r 10.9.0.12:80 ${flag} -w 1\n`,
  );
  let uvsd: ChildProcess | null = null;
  const servers = topology(mode);
  try {
    uvsd = spawn(
      'ip',
      [
        'netns',
        'exec',
        NS.dir,
        process.execPath,
        join(ROOT, 'bin/uvsd'),
        '--iface',
        'e0',
        '--rules',
        join(dir, 'rules'),
        '--socket',
        sock,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
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
    if (mode === 'tun')
      await waitFor('decap up', () => sh(`ip -n ${NS.rs2} link show uvsdecap0`).status === 0);
    // The director resolves the real servers' MACs by ARP.
    await waitFor('neighbours resolved', async () => {
      const st = (await controlRequest(sock, { v: 1, op: 'status' })) as {
        result?: { drops?: Record<string, number> };
      };
      return st.result !== undefined;
    });
    await new Promise((r) => setTimeout(r, 1500));
    const answers: string[] = [];
    for (let i = 0; i < 6; i++) answers.push(get());
    t.deepEqual(answers, ['rs2', 'rs1', 'rs2', 'rs1', 'rs2', 'rs1'], log);
    const list = (await controlRequest(sock, { v: 1, op: 'list' })) as {
      result: {
        services: {
          stats: { conns: number; inPkts: number; outPkts: number };
          dests: { activeConns: number; inactConns: number }[];
        }[];
      };
    };
    const svc = list.result.services[0]!;
    t.is(svc.stats.conns, 6);
    t.true(svc.stats.inPkts >= 6 * 4, `in packets ${svc.stats.inPkts}`);
    if (mode === 'nat') t.true(svc.stats.outPkts >= 6 * 3, `out packets ${svc.stats.outPkts}`);
    else t.is(svc.stats.outPkts, 0, 'DR/TUN replies bypass the director');
    const guard = sh(`ip netns exec ${NS.dir} ${systemNft()} list table netdev uvs`);
    t.is(guard.status, 0, 'guard installed while running');
    uvsd.kill('SIGTERM');
    await waitFor('uvsd exit', () => uvsd!.exitCode !== null);
    t.is(uvsd.exitCode, 0, log);
    t.not(
      sh(`ip netns exec ${NS.dir} ${systemNft()} list table netdev uvs`).status,
      0,
      'guard removed on exit',
    );
  } finally {
    uvsd?.kill('SIGKILL');
    for (const s of servers) s.kill('SIGKILL');
    teardown();
    rmSync(dir, { recursive: true, force: true });
  }
}

test.serial(
  'uvsd DR: HTTP through the VIP, rr over two real servers, replies bypass the director',
  async (t) => {
    if (!isRoot) {
      t.pass('needs root');
      return;
    }
    teardown();
    await runMode(t, 'dr');
  },
);

test.serial('uvsd TUN: HTTP through the VIP to real servers decapsulating with uvs decap', async (t) => {
  if (!isRoot) {
    t.pass('needs root');
    return;
  }
  teardown();
  await runMode(t, 'tun');
});

test.serial('uvsd NAT: HTTP through the VIP, rr over two real servers, replies un-NATed', async (t) => {
  if (!isRoot) {
    t.pass('needs root');
    return;
  }
  teardown();
  await runMode(t, 'nat');
});
