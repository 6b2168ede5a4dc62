// twos (ip_vs_twos.c): two weighted random picks from get_random_u32_below(total + 1).
import test from 'ava';
import { TwosScheduler } from '../../../../src/engine/sched/twos.js';
import { DestChange, dest, octet, setOverload, setWeight, svcInfo } from './fixtures.js';
import { randomU32Below, mulHigh32 } from '../../../../src/engine/sched/util.js';

function scripted(words: number[]): { random: () => number; calls: () => number } {
  let i = 0;
  return { random: () => words[i++ % words.length]!, calls: () => i };
}

test('get_random_u32_below: Lemire multiply-shift with the kernel rejection bound', (t) => {
  const r = scripted([0xffffffff]);
  t.is(randomU32Below(5, r.random), 4);
  const z = scripted([0, 0x40000000]);
  t.is(randomU32Below(5, z.random), 1); // low32(5 * 0) = 0 < (2^32 - 5) % 5 = 1: redraw
  t.is(z.calls(), 2);
  t.is(randomU32Below(0, scripted([1234]).random), 1234);
  for (const [a, b] of [
    [0xffffffff, 0xffffffff],
    [0x12345678, 0x9abcdef0],
    [7, 0x80000001],
  ] as const) {
    t.is(mulHigh32(a, b), Number((BigInt(a) * BigInt(b)) >> 32n));
  }
});

test('picks: rweight1 and rweight2 walk the eligible dests; less loaded choice2 wins', (t) => {
  const a = dest('10.0.0.1', 80, 1);
  const b = dest('10.0.0.2', 80, 2);
  const c = dest('10.0.0.3', 80, 1);
  const list = [c, b, a]; // added a, b, c
  const r = scripted([0xffffffff, 0x40000000]); // rweight1 = 4 -> .1, rweight2 = 1 -> .3
  const s = new TwosScheduler(svcInfo(0, r.random));
  s.update(list, DestChange.Init, null);
  t.is(octet(s.schedule(null as never, 0)), 1); // equal load: choice1
  a.activeConns = 1;
  t.is(octet(s.schedule(null as never, 0)), 3); // 1*256 > 1*0: choice2
  t.is(r.calls(), 4);
});

test('rweight 0 lands on the first eligible dest; weight 0 and overload are not eligible', (t) => {
  const a = dest('10.0.0.1', 80, 1);
  const b = dest('10.0.0.2', 80, 3);
  const z = dest('10.0.0.9', 80, 0);
  const list = [z, b, a];
  const s = new TwosScheduler(svcInfo(0, scripted([0x10, 0x10]).random)); // total 4: 5*16 >> 32 = 0
  s.update(list, DestChange.Init, null);
  t.is(octet(s.schedule(null as never, 0)), 2);
  setOverload(b, true);
  t.is(octet(s.schedule(null as never, 0)), 1);
  setWeight(a, 0);
  t.is(s.schedule(null as never, 0), null);
});
