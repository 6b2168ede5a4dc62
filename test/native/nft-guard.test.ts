// The kernel guard in a network namespace: installed, replaced without duplicates, removed, and
// it really stops the director's kernel from answering a VIP (no RST to a SYN), while other
// traffic still reaches it. The ruleset text itself is pinned too.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import {
  guardCounters,
  guardRuleset,
  installGuard,
  removeGuard,
  systemNft,
  GuardError,
} from '../../src/io/nft-guard.js';

const isRoot = process.getuid?.() === 0;
const prefix = `uvsg${process.pid}`;

function sh(cmd: string): { status: number | null; out: string } {
  const r = spawnSync('bash', ['-c', cmd], { encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, out: r.stdout + r.stderr };
}

/** client ns (10.0.0.1) <-> director ns (10.0.0.254, VIP 10.0.0.10 on its veth). */
function withRig(name: string, fn: (client: string, director: string) => void): void {
  const client = `${prefix}${name}c`;
  const director = `${prefix}${name}d`;
  try {
    const setup = [
      `ip netns add ${client}`,
      `ip netns add ${director}`,
      `ip link add vc netns ${client} type veth peer name vd netns ${director}`,
      `ip -n ${client} addr add 10.0.0.1/24 dev vc`,
      `ip -n ${director} addr add 10.0.0.254/24 dev vd`,
      `ip -n ${director} addr add 10.0.0.10/32 dev vd`,
      `ip -n ${client} link set vc up`,
      `ip -n ${director} link set vd up`,
      `ip -n ${client} route add 10.0.0.10/32 dev vc`,
    ].join(' && ');
    const r = sh(setup);
    if (r.status !== 0) throw new Error(`rig setup failed: ${r.out}`);
    fn(client, director);
  } finally {
    sh(`ip netns del ${client} 2>/dev/null; ip netns del ${director} 2>/dev/null`);
  }
}

/** Connect from the client to host:port: 'refused' (kernel RST), 'timeout', or 'open'. */
function probe(client: string, host: string, port: number): string {
  const r = sh(
    `ip netns exec ${client} timeout 1.5 bash -c 'exec 3<>/dev/tcp/${host}/${port}' 2>&1; echo rc=$?`,
  );
  if (/rc=124/.test(r.out)) return 'timeout';
  if (/refused/i.test(r.out)) return 'refused';
  return /rc=0/.test(r.out) ? 'open' : r.out;
}

const spec = {
  ifaces: ['vd'],
  services: [{ af: 4 as const, proto: 'tcp' as const, vaddr: '10.0.0.10', vport: 80 }],
  natDests: [{ af: 4 as const, proto: 'tcp' as const, daddr: '10.0.1.21', dport: 8080 }],
};

test('guardRuleset: one table, sets per family, one ingress chain per interface', (t) => {
  const text = guardRuleset({ ...spec, ifaces: ['eth0', 'eth1.10'] });
  t.true(text.startsWith('table netdev uvs\ndelete table netdev uvs\ntable netdev uvs {\n'));
  t.regex(
    text,
    /set svc4 \{ type ipv4_addr \. inet_proto \. inet_service; elements = \{ 10\.0\.0\.10 \. tcp \. 80 \}; \}/,
  );
  t.regex(
    text,
    /set nat4 \{ type ipv4_addr \. inet_proto \. inet_service; elements = \{ 10\.0\.1\.21 \. tcp \. 8080 \}; \}/,
  );
  t.regex(text, /chain in_eth0 \{\n {4}type filter hook ingress device "eth0" priority -500; policy accept;/);
  t.regex(text, /chain in_eth1_10 \{\n {4}type filter hook ingress device "eth1\.10"/);
  t.is(text.match(/counter drop/g)?.length, 12);
});

test('systemNft is the nftables binary, not node_modules/.bin/nft', (t) => {
  t.false(systemNft().includes('node_modules'));
  const r = spawnSync(systemNft(), ['--version'], { encoding: 'utf8' });
  t.regex(r.stdout, /^nftables v\d/);
});

test('guardRuleset refuses names that could inject nft syntax', (t) => {
  t.throws(() => guardRuleset({ ...spec, ifaces: ['eth0"; flush ruleset; "'] }), { instanceOf: GuardError });
  t.throws(() => guardRuleset({ ...spec, table: 'x y' }), { instanceOf: GuardError });
});

test.serial('guard: the kernel stops answering the VIP service, and only it', (t) => {
  if (!isRoot) {
    t.pass('needs root');
    return;
  }
  withRig('a', (client, director) => {
    t.is(probe(client, '10.0.0.10', 80), 'refused', 'without the guard the kernel RSTs the SYN');
    installGuard(spec, { netns: director });
    t.is(probe(client, '10.0.0.10', 80), 'timeout', 'with the guard nothing answers');
    t.is(probe(client, '10.0.0.10', 81), 'refused', 'another port still reaches the kernel');
    const counters = guardCounters('uvs', { netns: director });
    t.true((counters?.get('in_vd:svc4') ?? 0) >= 1, JSON.stringify([...(counters ?? [])]));
    removeGuard('uvs', { netns: director });
    t.is(probe(client, '10.0.0.10', 80), 'refused', 'removed: the kernel answers again');
  });
});

test.serial('guard: reinstalling (a restart after kill -9) replaces the table, never duplicates it', (t) => {
  if (!isRoot) {
    t.pass('needs root');
    return;
  }
  withRig('b', (_client, director) => {
    installGuard(spec, { netns: director });
    installGuard(
      { ...spec, services: [...spec.services, { af: 4, proto: 'udp', vaddr: '10.0.0.10', vport: 53 }] },
      { netns: director },
    );
    const list = sh(`ip netns exec ${director} ${systemNft()} list ruleset`).out;
    t.is(list.match(/table netdev uvs/g)?.length, 1);
    t.is(list.match(/chain in_vd/g)?.length, 1);
    t.is(list.match(/counter packets \d+ bytes \d+ drop/g)?.length, 6);
    t.regex(list, /10\.0\.0\.10 \. udp \. 53/);
    removeGuard('uvs', { netns: director });
    removeGuard('uvs', { netns: director }); // absent: not an error
    t.is(guardCounters('uvs', { netns: director }), null);
  });
});

test.serial('guard: a ruleset nft rejects fails with nft’s reason and leaves no table', (t) => {
  if (!isRoot) {
    t.pass('needs root');
    return;
  }
  withRig('c', (_client, director) => {
    const bad = {
      ...spec,
      services: [{ af: 4 as const, proto: 'tcp' as const, vaddr: '10.0.0.300', vport: 80 }],
    };
    const err = t.throws(() => installGuard(bad, { netns: director }), { instanceOf: GuardError });
    t.regex(err?.message ?? '', /nft refused the guard ruleset: .*10\.0\.0\.300/s);
    t.is(guardCounters('uvs', { netns: director }), null, 'the transaction applied nothing');
  });
});
