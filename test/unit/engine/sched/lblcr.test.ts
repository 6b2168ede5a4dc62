// lblcr (ip_vs_lblcr.c): a dest set per destination address, replication and set_max removal.
import test from 'ava';
import type { LblcrScheduler } from '../../../../src/engine/sched/lblcr.js';
import { lblcr } from '../../../../src/engine/sched/lblcr.js';
import { buildByAdds, del, dest, flow4, octet, setOverload } from './fixtures.js';

test('set grows on overload, shrinks by set_max after the expiration', (t) => {
  const a = dest('10.0.0.1', 80, 1);
  const b = dest('10.0.0.2', 80, 1);
  const s = buildByAdds(lblcr, [a, b]).sched as LblcrScheduler;
  s.table.expiration = 1000;
  const x = flow4('198.51.100.1', 1, '203.0.113.10');
  t.is(octet(s.schedule(x, 0)), 2); // new entry {.2}
  const e = s.table.find(x);
  t.is(s.table.setSize[e], 1);
  b.activeConns = 2; // .2 overloaded (2 > 1) while .1 is below half its weight
  t.is(octet(s.schedule(x, 10)), 1); // wlc pick .1 added at the set head
  t.is(s.table.setSize[e], 2);
  t.is(s.table.setLastmod[e], 10);
  a.activeConns = 1;
  t.is(octet(s.schedule(x, 20)), 1); // set_min: .1 (256) beats .2 (512)
  t.is(s.table.setSize[e], 2);
  t.is(octet(s.schedule(x, 1010)), 1); // 1010 > 10 + 1000 is false: no removal yet
  t.is(s.table.setSize[e], 2);
  t.is(octet(s.schedule(x, 1011)), 1); // set_max .2 removed, lastmod = now
  t.is(s.table.setSize[e], 1);
  t.is(s.table.setLastmod[e], 1011);
});

test('set_min skips OVERLOAD and unavailable members; no usable member -> wlc', (t) => {
  const a = dest('10.0.0.1', 80, 1);
  const b = dest('10.0.0.2', 80, 1);
  const c = dest('10.0.0.3', 80, 1);
  const built = buildByAdds(lblcr, [a, b, c]); // list .3 .2 .1
  const s = built.sched as LblcrScheduler;
  const x = flow4('198.51.100.1', 1, '203.0.113.10');
  t.is(octet(s.schedule(x, 0)), 3);
  setOverload(c, true);
  t.is(octet(s.schedule(x, 1)), 2); // set_min null -> wlc .2 -> set {.2 .3}
  setOverload(c, false);
  c.activeConns = 0;
  b.activeConns = 1;
  t.is(octet(s.schedule(x, 2)), 3); // set_min over {.2, .3}: .3 less loaded
  del(built, c);
  t.is(octet(s.schedule(x, 3)), 2); // .3 not AVAILABLE
  t.is(s.table.setSize[s.table.find(x)], 2);
});

test('a member already in the set is not inserted twice', (t) => {
  const a = dest('10.0.0.1', 80, 1);
  const s = buildByAdds(lblcr, [a]).sched as LblcrScheduler;
  const x = flow4('198.51.100.1', 1, '203.0.113.10');
  s.schedule(x, 0);
  a.activeConns = 5; // overloaded by count, but no other dest below half weight: kept
  t.is(octet(s.schedule(x, 1)), 1);
  t.is(s.table.setSize[s.table.find(x)], 1);
});
