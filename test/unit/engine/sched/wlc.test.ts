// wlc (ip_vs_wlc.c): two-stage walk, strict >, exact 64-bit products.
import test from 'ava';
import type { Dest } from '../../../../src/engine/service/dest.js';
import { wlc } from '../../../../src/engine/sched/wlc.js';
import { buildByAdds, dest, flow4, octet, picks, setOverload, setWeight } from './fixtures.js';

test('kernel case wlc-established: .43 .42 .41 .42 | close c1 | .43 .42 .41 .43 .42 .42', (t) => {
  const d41 = dest('10.0.1.41', 80, 1);
  const d42 = dest('10.0.1.42', 80, 2);
  const d43 = dest('10.0.1.43', 80, 1);
  const b = buildByAdds(wlc, [d41, d42, d43]);
  const got: (number | null)[] = [];
  const syn = (c: string, port: number): Dest => {
    const d = b.sched.schedule(flow4(c, port, '10.0.0.40'), 0)!;
    d.activeConns++;
    got.push(octet(d));
    return d;
  };
  const c1 = syn('192.168.4.101', 44001);
  syn('192.168.4.102', 44002);
  syn('192.168.4.103', 44003);
  syn('192.168.4.104', 44004);
  c1.activeConns--; // FIN exchange -> TIME_WAIT: inactive
  c1.inactConns++;
  for (let i = 1; i <= 6; i++) syn('192.168.4.' + String(110 + i), 45000 + i);
  t.deepEqual(got, [43, 42, 41, 42, 43, 42, 41, 43, 42, 42]);
  t.deepEqual(
    [d41, d42, d43].map((d) => [d.activeConns, d.inactConns]),
    [
      [2, 0],
      [5, 0],
      [2, 1],
    ],
  );
});

test('ties stay with the newer dest; weight 0 never wins; overload skipped', (t) => {
  const a = dest('10.0.0.1', 80, 1);
  const bb = dest('10.0.0.2', 80, 2);
  const b = buildByAdds(wlc, [a, bb]); // list .2 .1
  bb.activeConns = 2; // 512/2 == 256/1
  a.activeConns = 1;
  t.deepEqual(picks(b.sched, 1), [2]);
  setWeight(bb, 0);
  t.deepEqual(picks(b.sched, 1), [1]);
  setWeight(bb, 2);
  bb.activeConns = 0;
  setOverload(bb, true);
  t.deepEqual(picks(b.sched, 1), [1]);
  setOverload(a, true);
  t.deepEqual(picks(b.sched, 1), [null]);
});

test('products beyond 2^53 compare exactly', (t) => {
  // loh*w(dest) vs doh*w(least) differ by 1 around 2^61: doubles would call them equal.
  const a = dest('10.0.0.1', 80, 0x7fffffff);
  const bb = dest('10.0.0.2', 80, 0x7ffffffe);
  const b = buildByAdds(wlc, [a, bb]); // list .2 (least first) .1
  bb.inactConns = 0x7ffffffe; // loh = 2^31 - 2, w(least) = 2^31 - 2
  a.inactConns = 0x7ffffffd; // doh = 2^31 - 3, w(dest) = 2^31 - 1
  // loh*w(dest) = (2^31-2)(2^31-1) = 2^62 - 3*2^31 + 2; doh*w(least) = (2^31-3)(2^31-2) = 2^62 - 5*2^31 + 6
  t.deepEqual(picks(b.sched, 1), [1]);
  a.inactConns = 0x7ffffffe; // now loh*w(dest) = (2^31-2)(2^31-1) > doh*w(least) = (2^31-2)(2^31-2)
  t.deepEqual(picks(b.sched, 1), [1]);
  a.inactConns = 0x7fffffff; // (2^31-2)(2^31-1) vs (2^31-1)(2^31-2): equal -> stays with .2
  t.deepEqual(picks(b.sched, 1), [2]);
});
