// wrr (ip_vs_wrr.c): exact stepping, state kept across dest additions, edits reset the cursor.
import test from 'ava';
import type { Dest } from '../../../../src/engine/service/dest.js';
import { wrr } from '../../../../src/engine/sched/wrr.js';
import {
  DestChange,
  buildByAdds,
  dest,
  flow4,
  octet,
  picks,
  setOverload,
  setWeight,
  svcInfo,
} from './fixtures.js';

/** A service created with its whole list at once (init_service on an existing list). */
function initWith(list: Dest[]) {
  const s = wrr.create(svcInfo());
  s.update(list, DestChange.Init, null);
  return s;
}

test('kernel case nat-wrr-3: 2:3:1 added .21 .22 .23 -> recorded 12 picks', (t) => {
  const b = buildByAdds(wrr, [dest('10.0.1.21', 80, 2), dest('10.0.1.22', 80, 3), dest('10.0.1.23', 80, 1)]);
  const got: (number | null)[] = [];
  for (let i = 0; i < 12; i++) {
    got.push(octet(b.sched.schedule(flow4('192.168.2.' + String(101 + i), 41001 + i, '10.0.0.20'), i * 30)));
  }
  t.deepEqual(got, [23, 22, 21, 22, 22, 21, 23, 22, 21, 22, 22, 21]);
});

test('init_service on list A=4 B=3 C=2 -> A A B A B C A B C', (t) => {
  const s = initWith([dest('10.0.0.1', 80, 4), dest('10.0.0.2', 80, 3), dest('10.0.0.3', 80, 2)]);
  t.deepEqual(picks(s, 18), [1, 1, 2, 1, 2, 3, 1, 2, 3, 1, 1, 2, 1, 2, 3, 1, 2, 3]);
});

test('gcd step: A=4 B=2 C=2 -> A A B C repeating; A=5 B=1 -> A A A A A B', (t) => {
  const s = initWith([dest('10.0.0.1', 80, 4), dest('10.0.0.2', 80, 2), dest('10.0.0.3', 80, 2)]);
  t.deepEqual(picks(s, 8), [1, 1, 2, 3, 1, 1, 2, 3]);
  const s2 = initWith([dest('10.0.0.1', 80, 5), dest('10.0.0.2', 80, 1)]);
  t.deepEqual(picks(s2, 12), [1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 2]);
});

test('built by additions (C=2, B=3, A=4 added in that order): first round is cw=1', (t) => {
  const b = buildByAdds(wrr, [dest('10.0.0.3', 80, 2), dest('10.0.0.2', 80, 3), dest('10.0.0.1', 80, 4)]);
  t.deepEqual(
    b.list.map((d) => octet(d)),
    [1, 2, 3],
  );
  t.deepEqual(picks(b.sched, 12), [1, 2, 3, 1, 1, 2, 1, 2, 3, 1, 2, 3]);
});

test('upd_dest resets the cursor to the head and keeps cw when in range', (t) => {
  const a = dest('10.0.0.1', 80, 1);
  const b = buildByAdds(wrr, [dest('10.0.0.3', 80, 1), dest('10.0.0.2', 80, 1), a]);
  t.deepEqual(picks(b.sched, 2), [1, 2]);
  b.sched.update(b.list, DestChange.Edit, a);
  t.deepEqual(picks(b.sched, 3), [1, 2, 3]);
});

test('upd_dest with gcd > 1 rounds cw to a multiple of di plus one', (t) => {
  const a = dest('10.0.0.1', 80, 6);
  const bb = dest('10.0.0.2', 80, 3);
  const s = initWith([a, bb]); // di 3, mw 4, cw 4
  t.deepEqual(picks(s, 1), [1]); // cw still 4 after the pick
  setWeight(bb, 4); // di 2, mw 5; cw 4 -> (4/2)*2+1 = 5
  s.update([a, bb], DestChange.Edit, bb);
  t.deepEqual(picks(s, 4), [1, 1, 2, 1]);
});

test('weight 0 is never picked; all weight 0 -> null', (t) => {
  const a = dest('10.0.0.1', 80, 2);
  const z = dest('10.0.0.2', 80, 0);
  const s = initWith([z, a]);
  t.deepEqual(picks(s, 4), [1, 1, 1, 1]);
  setWeight(a, 0);
  s.update([z, a], DestChange.Edit, a);
  t.deepEqual(picks(s, 2), [null, null]);
});

test('overload: the last pass reaches dests before the cursor, then fails', (t) => {
  const a = dest('10.0.0.1', 80, 1);
  const bb = dest('10.0.0.2', 80, 1);
  const c = dest('10.0.0.3', 80, 1);
  const s = initWith([a, bb, c]);
  t.deepEqual(picks(s, 1), [1]);
  setOverload(bb, true);
  setOverload(c, true);
  t.deepEqual(picks(s, 2), [1, 1]);
  setOverload(a, true);
  t.deepEqual(picks(s, 2), [null, null]);
  setOverload(c, false);
  t.deepEqual(picks(s, 2), [3, 3]);
});
