// lc (ip_vs_lc.c): overhead act*256+inact, strict <, ties to the newest, weight only as 0.
import test from 'ava';
import type { Dest } from '../../../../src/engine/service/dest.js';
import { lc } from '../../../../src/engine/sched/lc.js';
import { buildByAdds, dest, flow4, octet, picks, setOverload, setWeight } from './fixtures.js';

test('kernel case lc-dr: .53 .52 .51 .52 .53 .51 .52 .53', (t) => {
  const d51 = dest('10.0.1.51', 80, 1);
  const d52 = dest('10.0.1.52', 80, 3);
  const d53 = dest('10.0.1.53', 80, 1);
  const b = buildByAdds(lc, [d51, d52, d53]);
  const got: (number | null)[] = [];
  const syn = (i: number): Dest => {
    const d = b.sched.schedule(flow4('192.168.5.' + String(100 + i), 46000 + i, '10.0.0.50'), i * 10)!;
    d.activeConns++; // SYN_RECV counts as active
    got.push(octet(d));
    return d;
  };
  syn(1);
  const c2 = syn(2);
  syn(3);
  // c2: ACK -> ESTABLISHED (still active), FIN -> FIN_WAIT (inactive)
  c2.activeConns--;
  c2.inactConns++;
  syn(4);
  syn(5);
  syn(6);
  // c1: RST in SYN_RECV keeps SYN_RECV: no change
  syn(7);
  syn(8);
  t.deepEqual(got, [53, 52, 51, 52, 53, 51, 52, 53]);
  t.deepEqual(
    [d51, d52, d53].map((d) => [d.activeConns, d.inactConns]),
    [
      [2, 0],
      [2, 1],
      [3, 0],
    ],
  );
});

test('weights other than 0 are ignored; weight 0 and overload skipped', (t) => {
  const a = dest('10.0.0.1', 80, 100);
  const bb = dest('10.0.0.2', 80, 1);
  const b = buildByAdds(lc, [a, bb]);
  a.inactConns = 1;
  t.deepEqual(picks(b.sched, 1), [2]);
  bb.inactConns = 2;
  t.deepEqual(picks(b.sched, 1), [1]);
  setWeight(a, 0);
  t.deepEqual(picks(b.sched, 1), [2]);
  setOverload(bb, true);
  t.deepEqual(picks(b.sched, 1), [null]);
});
