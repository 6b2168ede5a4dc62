// sed, nq, fo, ovf: the small weighted pickers (ip_vs_sed.c, ip_vs_nq.c, ip_vs_fo.c, ip_vs_ovf.c).
import test from 'ava';
import { fo } from '../../../../src/engine/sched/fo.js';
import { nq } from '../../../../src/engine/sched/nq.js';
import { ovf } from '../../../../src/engine/sched/ovf.js';
import { sed } from '../../../../src/engine/sched/sed.js';
import { buildByAdds, dest, picks, setOverload, setWeight } from './fixtures.js';

test('sed: (active+1)/weight, inactive ignored, ties to the newer dest', (t) => {
  const a = dest('10.0.0.1', 80, 1);
  const bb = dest('10.0.0.2', 80, 3);
  const b = buildByAdds(sed, [a, bb]); // list .2 .1
  const seq: (number | null)[] = [];
  for (let i = 0; i < 6; i++) {
    const d = b.sched.schedule(null as never, 0)!;
    d.activeConns++;
    seq.push(d.addr[0]! & 0xff);
  }
  // .2: 1/3 .1: 1/1 -> .2; 2/3 vs 1 -> .2; 3/3 vs 1 -> tie .2; 4/3 vs 1 -> .1; 4/3 vs 2 -> .2; 5/3 vs 2 -> .2
  t.deepEqual(seq, [2, 2, 2, 1, 2, 2]);
  // .2 6/3 vs .1 2/1: a tie stays with .2 (6*1 > 2*3 is false); inactive conns do not count
  a.inactConns = 1000;
  t.deepEqual(picks(b.sched, 1), [2]);
});

test('sed: weight 0 and overloaded skipped', (t) => {
  const a = dest('10.0.0.1', 80, 1);
  const bb = dest('10.0.0.2', 80, 0);
  const b = buildByAdds(sed, [a, bb]);
  t.deepEqual(picks(b.sched, 1), [1]);
  setOverload(a, true);
  t.deepEqual(picks(b.sched, 1), [null]);
});

test('nq: first idle dest in list order wins at once, else sed rule', (t) => {
  const a = dest('10.0.0.1', 80, 1);
  const bb = dest('10.0.0.2', 80, 5);
  const c = dest('10.0.0.3', 80, 1);
  const b = buildByAdds(nq, [a, bb, c]); // list .3 .2 .1
  c.activeConns = 1;
  bb.activeConns = 9;
  t.deepEqual(picks(b.sched, 1), [1]); // .1 idle
  a.activeConns = 1;
  // .3: 2/1, .2: 10/5 = 2 (tie, stays .3), .1: 2/1 tie
  t.deepEqual(picks(b.sched, 1), [3]);
  bb.activeConns = 8; // 9/5 < 2
  t.deepEqual(picks(b.sched, 1), [2]);
  setWeight(a, 0);
  a.activeConns = 0; // idle but weight 0: skipped
  t.deepEqual(picks(b.sched, 1), [2]);
  setOverload(bb, true);
  setOverload(c, true);
  t.deepEqual(picks(b.sched, 1), [null]);
});

test('fo: highest weight, first on ties, weight 0 never', (t) => {
  const a = dest('10.0.0.1', 80, 5);
  const bb = dest('10.0.0.2', 80, 5);
  const c = dest('10.0.0.3', 80, 2);
  const b = buildByAdds(fo, [a, bb, c]); // list .3 .2 .1
  t.deepEqual(picks(b.sched, 2), [2, 2]);
  setOverload(bb, true);
  t.deepEqual(picks(b.sched, 1), [1]);
  setWeight(a, 0);
  setWeight(c, 0);
  t.deepEqual(picks(b.sched, 1), [null]);
});

test('ovf: highest weight until active > weight (== still eligible), then the next', (t) => {
  const a = dest('10.0.0.1', 80, 3);
  const bb = dest('10.0.0.2', 80, 2);
  const b = buildByAdds(ovf, [a, bb]);
  const seq: (number | null)[] = [];
  for (let i = 0; i < 9; i++) {
    const d = b.sched.schedule(null as never, 0);
    if (d !== null) d.activeConns++;
    seq.push(d === null ? null : d.addr[0]! & 0xff);
  }
  // .1 takes active 0..3 (4 conns), then .2 takes 0..2 (3 conns), then none
  t.deepEqual(seq, [1, 1, 1, 1, 2, 2, 2, null, null]);
  a.activeConns = 0;
  setWeight(a, 0);
  t.deepEqual(picks(b.sched, 1), [null]);
  bb.activeConns = 2;
  t.deepEqual(picks(b.sched, 1), [2]);
});
