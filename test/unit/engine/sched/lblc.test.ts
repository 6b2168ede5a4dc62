// lblc (ip_vs_lblc.c): cache by destination address, is_overloaded, AVAILABLE, the 60-s GC.
import test from 'ava';
import type { FlowInfo } from '../../../../src/engine/sched/types.js';
import type { LblcScheduler } from '../../../../src/engine/sched/lblc.js';
import {
  ADDR_TABLE_INITIAL,
  ENTRY_TIMEOUT_MS,
  LBLC_MAX_SIZE,
  LBLC_TAB_SIZE,
  lblc,
} from '../../../../src/engine/sched/lblc.js';
import {
  DestChange,
  DEST_F_AVAILABLE,
  buildByAdds,
  del,
  dest,
  flow4,
  octet,
  refHash32,
  setOverload,
  setWeight,
} from './fixtures.js';

function toDst(n: number): FlowInfo {
  const f = flow4('192.0.2.1', 1000);
  f.daddr[0] = n >>> 0;
  f.daddrFold = n >>> 0;
  return f;
}

test('sticky per destination address; wlc for new addresses', (t) => {
  const a = dest('10.0.0.1', 80, 1);
  const b = dest('10.0.0.2', 80, 1);
  const s = buildByAdds(lblc, [a, b]).sched; // list .2 .1
  const x = flow4('198.51.100.1', 1, '203.0.113.10');
  t.is(octet(s.schedule(x, 0)), 2);
  b.activeConns = 1;
  t.is(octet(s.schedule(flow4('198.51.100.2', 2, '203.0.113.10'), 1)), 2); // same daddr, other client
  t.is(octet(s.schedule(flow4('198.51.100.1', 1, '203.0.113.11'), 2)), 1); // new daddr: wlc
  t.is(octet(s.schedule(toDst(0), 3)), 1); // wlc again: .2 256 > .1 0
});

test('is_overloaded: active > weight and some dest below half its weight -> rescheduled', (t) => {
  const a = dest('10.0.0.1', 80, 1);
  const b = dest('10.0.0.2', 80, 1);
  const s = buildByAdds(lblc, [a, b]).sched;
  const x = flow4('198.51.100.1', 1, '203.0.113.10');
  t.is(octet(s.schedule(x, 0)), 2);
  b.activeConns = 2;
  a.activeConns = 1; // 1*2 < 1 is false: no dest below half its weight
  t.is(octet(s.schedule(x, 1)), 2);
  a.activeConns = 0; // now .1 qualifies: .2 is overloaded
  t.is(octet(s.schedule(x, 2)), 1);
  a.activeConns = 1;
  t.is(octet(s.schedule(x, 3)), 1); // the entry now holds .1
});

test('the cached path tests AVAILABLE and weight but not the OVERLOAD flag (kernel)', (t) => {
  const a = dest('10.0.0.1', 80, 1);
  const b = dest('10.0.0.2', 80, 1);
  const built = buildByAdds(lblc, [a, b]);
  const s = built.sched;
  const x = flow4('198.51.100.1', 1, '203.0.113.10');
  t.is(octet(s.schedule(x, 0)), 2);
  setOverload(b, true);
  t.is(octet(s.schedule(x, 1)), 2);
  setOverload(b, false);
  setWeight(b, 0);
  t.is(octet(s.schedule(x, 2)), 1);
  setWeight(b, 1);
  t.is(octet(s.schedule(x, 3)), 1);
  del(built, a); // AVAILABLE cleared: rescheduled to .2
  t.is(a.flags & DEST_F_AVAILABLE, 0);
  t.is(octet(s.schedule(x, 4)), 2);
  setOverload(b, true);
  t.is(octet(s.schedule(flow4('1.1.1.1', 1, '203.0.113.99'), 5)), null); // wlc finds nothing
});

test('IPv6 destinations compare all four words', (t) => {
  const s = buildByAdds(lblc, [dest('10.0.0.1', 80, 1), dest('10.0.0.2', 80, 1)]).sched as LblcScheduler;
  const mk = (w: number[]): FlowInfo => ({
    af: 6,
    proto: 6,
    saddr: Uint32Array.of(0xfd000000, 0, 0, 1),
    daddr: Uint32Array.from(w),
    saddrFold: 0xfd000001,
    daddrFold: (w[0]! ^ w[1]! ^ w[2]! ^ w[3]!) >>> 0,
    sport: 1,
    dport: 80,
  });
  const p = mk([0x20010db8, 0, 0, 1]);
  const q = mk([0x20010db8, 0, 1, 0]); // same fold, other address
  s.schedule(p, 0);
  t.is(s.table.entries, 1);
  t.is(s.table.find(q), -1);
  s.schedule(q, 0);
  t.is(s.table.entries, 2);
  t.not(s.table.find(p), s.table.find(q));
});

test('full expiration check on every 30th run (sysctl lblc_expiration)', (t) => {
  const s = buildByAdds(lblc, [dest('10.0.0.1', 80, 1)]).sched as LblcScheduler;
  s.table.expiration = 10 * 60_000;
  s.expire(0); // arms the timer: first run at 60 s
  s.schedule(toDst(0x0a000001), 0);
  for (let k = 1; k <= 29; k++) s.expire(k * 60_000);
  t.is(s.table.entries, 1); // runs 1..29 only count
  s.expire(29 * 60_000 + 59_999);
  t.is(s.table.entries, 1);
  s.expire(30 * 60_000);
  t.is(s.table.entries, 0);
});

test('default expiration is 24 h: a day-old idle entry survives until the full check', (t) => {
  const s = buildByAdds(lblc, [dest('10.0.0.1', 80, 1)]).sched as LblcScheduler;
  s.expire(0);
  s.schedule(toDst(0x0a000001), 0);
  for (let k = 1; k <= 30; k++) s.expire(k * 60_000);
  t.is(s.table.entries, 1);
  const day = 24 * 3600_000;
  for (let k = 31; k <= 60; k++) s.expire(day + k * 60_000);
  t.is(s.table.entries, 0);
});

test('partial GC above max_size: idle >= 6 min, from rover + 1, until goal met', (t) => {
  const s = buildByAdds(lblc, [dest('10.0.0.1', 80, 1), dest('10.0.0.2', 80, 1)]).sched as LblcScheduler;
  s.table.grow(LBLC_MAX_SIZE * 2);
  const n = LBLC_MAX_SIZE + 300;
  const perBucket = new Array<number>(LBLC_TAB_SIZE).fill(0);
  s.expire(0);
  for (let i = 0; i < n; i++) {
    const a = 0x0a000000 + i * 7;
    s.schedule(toDst(a), 0);
    perBucket[refHash32(a, 10)]!++;
  }
  t.is(s.table.entries, n);
  s.expire(60_000); // over max_size, but nothing idle for 6 min yet
  t.is(s.table.entries, n);
  s.expire(60_000 + ENTRY_TIMEOUT_MS); // everything is idle: delete bucket by bucket from 1
  const goal = Math.trunc((300 * 4) / 3);
  let removed = 0;
  let b = 0;
  while (removed < goal) removed += perBucket[++b]!;
  t.is(s.table.entries, n - removed);
  t.true(removed >= goal);
});

test('entry pool: full -> served without caching; grows in expire()', (t) => {
  const s = buildByAdds(lblc, [dest('10.0.0.1', 80, 1)]).sched as LblcScheduler;
  for (let i = 0; i < ADDR_TABLE_INITIAL + 1; i++) t.is(octet(s.schedule(toDst(i + 1), 0)), 1);
  t.is(s.table.entries, ADDR_TABLE_INITIAL);
  s.expire(1000);
  t.is(s.table.capacity, ADDR_TABLE_INITIAL * 2);
  s.schedule(toDst(ADDR_TABLE_INITIAL + 1), 1000);
  t.is(s.table.entries, ADDR_TABLE_INITIAL + 1);
});

test('init_service starts an empty cache', (t) => {
  const b = buildByAdds(lblc, [dest('10.0.0.1', 80, 1)]);
  const s = b.sched as LblcScheduler;
  s.schedule(toDst(5), 0);
  t.is(s.table.entries, 1);
  s.update(b.list, DestChange.Init, null);
  t.is(s.table.entries, 0);
});
