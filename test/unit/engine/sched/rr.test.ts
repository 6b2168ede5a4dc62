// rr (ip_vs_rr.c): newest first, cursor semantics on add/del, weight 0 and overload skipped.
import test from 'ava';
import { rr } from '../../../../src/engine/sched/rr.js';
import { buildByAdds, del, dest, octet, picks, setOverload, setWeight, flow4 } from './fixtures.js';

test('kernel case dr-rr-3: added .1 .2 .3 -> picks .3 .2 .1 .3 .2 .1', (t) => {
  const b = buildByAdds(rr, [dest('10.0.1.1', 80, 1), dest('10.0.1.2', 80, 1), dest('10.0.1.3', 80, 1)]);
  const clients = [
    '192.168.1.101',
    '192.168.1.102',
    '192.168.1.103',
    '192.168.1.104',
    '192.168.1.105',
    '192.168.1.106',
  ];
  const got = clients.map((c, i) => octet(b.sched.schedule(flow4(c, 40001 + i, '10.0.0.10'), i * 10)));
  t.deepEqual(got, [3, 2, 1, 3, 2, 1]);
});

test('weight 0 and overloaded dests are skipped; none usable -> null', (t) => {
  const a = dest('10.0.0.1', 80, 1);
  const bb = dest('10.0.0.2', 80, 0);
  const c = dest('10.0.0.3', 80, 1);
  const b = buildByAdds(rr, [a, bb, c]);
  t.deepEqual(picks(b.sched, 4), [3, 1, 3, 1]);
  setOverload(c, true);
  t.deepEqual(picks(b.sched, 3), [1, 1, 1]);
  setWeight(a, 0);
  t.deepEqual(picks(b.sched, 2), [null, null]);
});

test('no add_dest hook: a new dest lands at the head and is reached on wrap', (t) => {
  const b = buildByAdds(rr, [dest('10.0.0.1', 80, 1), dest('10.0.0.2', 80, 1), dest('10.0.0.3', 80, 1)]);
  t.deepEqual(picks(b.sched, 2), [3, 2]); // cursor on .2
  const d4 = dest('10.0.0.4', 80, 1);
  b.list.unshift(d4);
  b.sched.update(b.list, 1, d4);
  t.deepEqual(picks(b.sched, 5), [1, 4, 3, 2, 1]);
});

test('del_dest of the cursor moves it to the previous node', (t) => {
  const d1 = dest('10.0.0.1', 80, 1);
  const d2 = dest('10.0.0.2', 80, 1);
  const d3 = dest('10.0.0.3', 80, 1);
  const b = buildByAdds(rr, [d1, d2, d3]); // list .3 .2 .1
  t.deepEqual(picks(b.sched, 2), [3, 2]); // cursor .2
  del(b, d2); // cursor -> .3
  t.deepEqual(picks(b.sched, 3), [1, 3, 1]);
  const b2 = buildByAdds(rr, [dest('10.0.0.1', 80, 1), dest('10.0.0.2', 80, 1), dest('10.0.0.3', 80, 1)]);
  t.deepEqual(picks(b2.sched, 1), [3]); // cursor on the first node
  del(b2, b2.list[0]!); // cursor -> head
  t.deepEqual(picks(b2.sched, 3), [2, 1, 2]);
});

test('deleting a dest that is not the cursor keeps the cursor', (t) => {
  const d1 = dest('10.0.0.1', 80, 1);
  const b = buildByAdds(rr, [d1, dest('10.0.0.2', 80, 1), dest('10.0.0.3', 80, 1)]);
  t.deepEqual(picks(b.sched, 1), [3]);
  del(b, d1);
  t.deepEqual(picks(b.sched, 3), [2, 3, 2]);
});

test('the cursor dest itself is checked last in the second pass', (t) => {
  const d1 = dest('10.0.0.1', 80, 1);
  const d2 = dest('10.0.0.2', 80, 1);
  const b = buildByAdds(rr, [d1, d2]);
  t.deepEqual(picks(b.sched, 1), [2]);
  setOverload(d1, true);
  t.deepEqual(picks(b.sched, 2), [2, 2]);
});
