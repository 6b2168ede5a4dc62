// sh (ip_vs_sh.c): weighted 256-bucket table, hash_32 of the source address, sh-port, sh-fallback.
import test from 'ava';
import { SH_TAB_SIZE, ShScheduler, sh } from '../../../../src/engine/sched/sh.js';
import { SVC_F_SCHED1, SVC_F_SCHED2 } from '../../../../src/engine/sched/types.js';
import { hash32 } from '../../../../src/engine/sched/util.js';
import {
  DestChange,
  buildByAdds,
  dest,
  flow4,
  ip4,
  octet,
  refHash32,
  setOverload,
  setWeight,
  svcInfo,
} from './fixtures.js';

test('hash_32 equals an independent BigInt computation', (t) => {
  for (const v of [0, 1, 0xffffffff, 0x80000000, ip4('172.16.0.110'), ip4('10.0.0.1'), 123456789]) {
    for (const bits of [8, 10, 20]) t.is(hash32(v, bits), refHash32(v, bits));
  }
});

test('kernel case tun-sh-2: buckets and picks by client address', (t) => {
  const b = buildByAdds(sh, [dest('10.0.1.31', 443, 1), dest('10.0.1.32', 443, 1)]);
  const clients = [
    '172.16.0.110',
    '172.16.1.117',
    '172.16.2.124',
    '172.16.3.131',
    '172.16.4.138',
    '172.16.5.145',
  ];
  clients.push('172.16.6.152', '172.16.7.159');
  const s = b.sched as ShScheduler;
  t.deepEqual(
    clients.map((c) => s.bucketOf(flow4(c, 42001, '10.0.0.30', 443))),
    [28, 145, 6, 123, 240, 101, 218, 79],
  );
  const got = clients.map((c, i) => octet(s.schedule(flow4(c, 42001 + i, '10.0.0.30', 443), 0)));
  t.deepEqual(got, [32, 31, 32, 31, 32, 31, 32, 31]);
  // repeat clients from new ports stick (no sh-port)
  const again = ['172.16.0.110', '172.16.3.131', '172.16.6.152'].map((c, i) =>
    octet(s.schedule(flow4(c, 43001 + i, '10.0.0.30', 443), 0)),
  );
  t.deepEqual(again, [32, 31, 32]);
});

test('fill by weight in list order; weight 0 still takes one bucket', (t) => {
  const a = dest('10.0.0.1', 80, 1);
  const bb = dest('10.0.0.2', 80, 2);
  const c = dest('10.0.0.3', 80, 1);
  const s = sh.create(svcInfo());
  s.update([a, bb, c], DestChange.Init, null);
  const tab = s.buckets.map((d) => octet(d));
  t.deepEqual(tab.slice(0, 8), [1, 2, 2, 3, 1, 2, 2, 3]);
  t.is(tab.length, SH_TAB_SIZE);
  // ipvs.md §1.12 examples: 10.0.0.1 -> 39 -> C, 10.0.0.2 -> 137 -> B, 192.168.1.100 -> 89 -> B, 1.2.3.4 -> 52 -> A
  const ex = ['10.0.0.1', '10.0.0.2', '192.168.1.100', '1.2.3.4'];
  t.deepEqual(
    ex.map((c) => s.bucketOf(flow4(c, 1))),
    ex.map((c) => refHash32(ip4(c), 8)),
  );
  t.deepEqual(
    ex.map((c) => s.bucketOf(flow4(c, 1))),
    [39, 137, 89, 52],
  );
  t.deepEqual(
    ex.map((c) => octet(s.schedule(flow4(c, 1), 0))),
    [3, 2, 2, 1],
  );
  setWeight(bb, 0);
  s.update([a, bb, c], DestChange.Edit, bb);
  t.deepEqual(
    s.buckets.slice(0, 6).map((d) => octet(d)),
    [1, 2, 3, 1, 2, 3],
  );
  t.is(s.schedule(flow4('1.2.3.4', 1), 0), null); // bucket 52 -> .2, weight 0: unavailable
  t.is(octet(s.schedule(flow4('10.0.0.2', 1), 0)), 3); // bucket 137 -> .3
});

test('sh-port hashes the client source port (TCP/UDP/SCTP only)', (t) => {
  const s = new ShScheduler(svcInfo(SVC_F_SCHED2));
  const list = [dest('10.0.0.1', 80, 1), dest('10.0.0.2', 80, 1)];
  s.update(list, DestChange.Init, null);
  const f = flow4('192.0.2.7', 5000);
  t.is(s.bucketOf(f), refHash32(ip4('192.0.2.7') + 5000, 8));
  t.is(s.bucketOf(flow4('192.0.2.7', 5000, '10.0.0.1', 80, 17)), refHash32(ip4('192.0.2.7') + 5000, 8));
  t.is(s.bucketOf(flow4('192.0.2.7', 5000, '10.0.0.1', 80, 1)), refHash32(ip4('192.0.2.7'), 8));
  const plain = new ShScheduler(svcInfo(0));
  t.is(plain.bucketOf(f), refHash32(ip4('192.0.2.7'), 8));
});

test('unavailable without fallback -> null; with sh-fallback probes (2*ihash + o) & 255', (t) => {
  const a = dest('10.0.0.1', 80, 1);
  const bb = dest('10.0.0.2', 80, 1);
  const list = [a, bb]; // even buckets .1, odd .2
  const f = flow4('10.0.0.1', 1); // bucket 39 -> .2
  const plain = new ShScheduler(svcInfo(0));
  const fb = new ShScheduler(svcInfo(SVC_F_SCHED1));
  plain.update(list, DestChange.Init, null);
  fb.update(list, DestChange.Init, null);
  t.is(octet(plain.schedule(f, 0)), 2);
  setOverload(bb, true);
  t.is(plain.schedule(f, 0), null);
  t.is(octet(fb.schedule(f, 0)), 1); // probe (39 + 39) & 255 = 78, even -> .1
  setOverload(a, true);
  t.is(fb.schedule(f, 0), null);
  // probing starts at 2*ihash: make that bucket's dest unavailable, the next probe is odd
  const f2 = flow4('10.0.0.2', 1); // bucket 137 -> .2
  setOverload(a, false);
  setOverload(bb, false);
  setWeight(bb, 0);
  t.is(octet(fb.schedule(f2, 0)), 1); // 274 & 255 = 18 -> .1
  setWeight(bb, 1);
  setWeight(a, 0);
  const f3 = flow4('1.2.3.4', 1); // bucket 52 -> .1 unavailable; 104 -> .1; 105 -> .2
  t.is(octet(fb.schedule(f3, 0)), 2);
});

test('no dests: every bucket empty -> null', (t) => {
  const s = sh.create(svcInfo(SVC_F_SCHED1));
  s.update([], DestChange.Init, null);
  t.is(s.schedule(flow4('1.1.1.1', 1), 0), null);
});
