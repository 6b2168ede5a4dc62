// dh (ip_vs_dh.c): 256 buckets cycling the list, hash_32 of the destination address.
import test from 'ava';
import type { DhScheduler } from '../../../../src/engine/sched/dh.js';
import { dh } from '../../../../src/engine/sched/dh.js';
import {
  DestChange,
  DEST_F_AVAILABLE,
  buildByAdds,
  del,
  dest,
  flow4,
  ip4,
  octet,
  refHash32,
  setOverload,
  setWeight,
  svcInfo,
} from './fixtures.js';

test('table cycles through the list; bucket = hash_32(daddr, 8)', (t) => {
  const d1 = dest('10.0.0.1', 80, 1);
  const d2 = dest('10.0.0.2', 80, 5);
  const d3 = dest('10.0.0.3', 80, 1);
  const b = buildByAdds(dh, [d1, d2, d3]); // list .3 .2 .1
  const s = b.sched as DhScheduler;
  t.deepEqual(
    s.buckets.slice(0, 7).map((d) => octet(d)),
    [3, 2, 1, 3, 2, 1, 3],
  );
  for (const daddr of ['192.0.2.1', '198.51.100.77', '203.0.113.200', '10.9.8.7']) {
    const want = [3, 2, 1][refHash32(ip4(daddr), 8) % 3];
    t.is(octet(s.schedule(flow4('1.1.1.1', 1, daddr), 0)), want!, daddr);
  }
  // the source address does not matter
  t.is(s.schedule(flow4('9.9.9.9', 2, '192.0.2.1'), 0), s.schedule(flow4('8.8.8.8', 3, '192.0.2.1'), 0));
});

test('hash values pinned: 192.0.2.1 -> bucket', (t) => {
  t.is(refHash32(ip4('192.0.2.1'), 8), Number(((BigInt(ip4('192.0.2.1')) * 0x61c88647n) % 2n ** 32n) >> 24n));
  const b = buildByAdds(dh, [dest('10.0.0.1', 80, 1), dest('10.0.0.2', 80, 1)]);
  // 10.0.0.1 hashes to bucket 39 (odd) -> second list entry .1; 1.2.3.4 -> 52 (even) -> .2
  t.is(octet(b.sched.schedule(flow4('7.7.7.7', 1, '10.0.0.1'), 0)), 1);
  t.is(octet(b.sched.schedule(flow4('7.7.7.7', 1, '1.2.3.4'), 0)), 2);
});

test('no fallback: weight 0, overload or not AVAILABLE -> null', (t) => {
  const d1 = dest('10.0.0.1', 80, 1);
  const d2 = dest('10.0.0.2', 80, 1);
  const b = buildByAdds(dh, [d1, d2]);
  const f = flow4('7.7.7.7', 1, '10.0.0.1'); // -> .1
  setWeight(d1, 0);
  t.is(b.sched.schedule(f, 0), null);
  setWeight(d1, 1);
  setOverload(d1, true);
  t.is(b.sched.schedule(f, 0), null);
  setOverload(d1, false);
  d1.flags &= ~DEST_F_AVAILABLE;
  t.is(b.sched.schedule(f, 0), null);
});

test('rebuilt on add and del, not on edit', (t) => {
  const d1 = dest('10.0.0.1', 80, 1);
  const d2 = dest('10.0.0.2', 80, 1);
  const d3 = dest('10.0.0.3', 80, 1);
  const b = buildByAdds(dh, [d1, d2, d3]);
  del(b, d2);
  const s = b.sched as DhScheduler;
  t.deepEqual(
    s.buckets.slice(0, 4).map((d) => octet(d)),
    [3, 1, 3, 1],
  );
  s.update([d1, d3], DestChange.Edit, d1); // an upd_dest would not rebuild
  t.deepEqual(
    s.buckets.slice(0, 4).map((d) => octet(d)),
    [3, 1, 3, 1],
  );
  const e = dh.create(svcInfo());
  e.update([], DestChange.Init, null);
  t.is(e.schedule(flow4('1.1.1.1', 1), 0), null);
});
