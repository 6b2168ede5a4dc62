// util: exact 64-bit weighted comparisons, overhead wrap, fls, gcd, high product word.
import test from 'ava';
import fc from 'fast-check';
import { connOverhead, fls, gcd, mulGt, mulHigh32, mulLt } from '../../../../src/engine/sched/util.js';
import { dest } from './fixtures.js';

test('mulGt / mulLt equal BigInt (s64)a*b vs (s64)c*d for any int32', (t) => {
  const i32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
  fc.assert(
    fc.property(i32, i32, i32, i32, (a, b, c, d) => {
      const p = BigInt(a) * BigInt(b);
      const q = BigInt(c) * BigInt(d);
      return mulGt(a, b, c, d) === p > q && mulLt(a, b, c, d) === p < q;
    }),
    { numRuns: 5000 },
  );
  // equal products that doubles cannot tell apart from their neighbours
  t.false(mulGt(0x7fffffff, 0x7ffffffe, 0x7ffffffe, 0x7fffffff));
  t.true(mulGt(0x7fffffff, 0x7fffffff, 0x7ffffffe, 0x7fffffff));
  t.false(mulLt(0x7fffffff, 0x7fffffff, 0x7ffffffe, 0x7fffffff));
});

test('mulHigh32 equals the BigInt high word', (t) => {
  fc.assert(
    fc.property(
      fc.nat(0xffffffff),
      fc.nat(0xffffffff),
      (a, b) => mulHigh32(a, b) === Number((BigInt(a) * BigInt(b)) >> 32n),
    ),
    { numRuns: 5000 },
  );
  t.pass();
});

test('connOverhead is the C int (activeconns << 8) + inactconns, wrapping like -fno-strict-overflow', (t) => {
  const d = dest('10.0.0.1', 80, 1);
  d.activeConns = 3;
  d.inactConns = 7;
  t.is(connOverhead(d), 775);
  d.activeConns = 1 << 23; // << 8 reaches 2^31
  d.inactConns = 0;
  t.is(connOverhead(d), -0x80000000);
});

test('fls and gcd', (t) => {
  t.deepEqual([0, 1, 2, 3, 63, 64, 200, 0x80000000].map(fls), [0, 1, 2, 2, 6, 7, 8, 32]);
  t.is(gcd(12, 18), 6);
  t.is(gcd(7, 3), 1);
  t.is(gcd(100, 3000), 100);
});
