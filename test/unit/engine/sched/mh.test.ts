// mh (ip_vs_mh.c) and hsiphash (lib/siphash.c, 64-bit: SipHash-1-3): a BigInt SipHash reference
// checked against the published SipHash-2-4 vectors, the 32-bit-pair hsiphash checked against
// it, a slow Maglev table checked against the scheduler's, and the kernel case mh-4.
import test from 'ava';
import fc from 'fast-check';
import type { Dest } from '../../../../src/engine/service/dest.js';
import { MH_TAB_SIZE, MhScheduler, mh, mhHash1 } from '../../../../src/engine/sched/mh.js';
import { SVC_F_SCHED1, SVC_F_SCHED2 } from '../../../../src/engine/sched/types.js';
import { hsiphash1u32 } from '../../../../src/engine/sched/util.js';
import {
  DestChange,
  buildByAdds,
  dest,
  flow4,
  ip4,
  octet,
  setOverload,
  setWeight,
  svcInfo,
} from './fixtures.js';

const M64 = (1n << 64n) - 1n;
const rotl = (x: bigint, b: number): bigint => ((x << BigInt(b)) | (x >> BigInt(64 - b))) & M64;

/** Reference SipHash-c-d over bytes, 128-bit key as two little-endian u64 words. */
function sipRef(c: number, d: number, k0: bigint, k1: bigint, msg: number[]): bigint {
  let v0 = 0x736f6d6570736575n ^ k0;
  let v1 = 0x646f72616e646f6dn ^ k1;
  let v2 = 0x6c7967656e657261n ^ k0;
  let v3 = 0x7465646279746573n ^ k1;
  const round = (): void => {
    v0 = (v0 + v1) & M64;
    v1 = rotl(v1, 13) ^ v0;
    v0 = rotl(v0, 32);
    v2 = (v2 + v3) & M64;
    v3 = rotl(v3, 16) ^ v2;
    v0 = (v0 + v3) & M64;
    v3 = rotl(v3, 21) ^ v0;
    v2 = (v2 + v1) & M64;
    v1 = rotl(v1, 17) ^ v2;
    v2 = rotl(v2, 32);
  };
  const full = msg.length - (msg.length % 8);
  for (let i = 0; i < full; i += 8) {
    let m = 0n;
    for (let j = 7; j >= 0; j--) m = (m << 8n) | BigInt(msg[i + j]!);
    v3 ^= m;
    for (let r = 0; r < c; r++) round();
    v0 ^= m;
  }
  let b = BigInt(msg.length & 0xff) << 56n;
  for (let j = full; j < msg.length; j++) b |= BigInt(msg[j]!) << BigInt(8 * (j - full));
  v3 ^= b;
  for (let r = 0; r < c; r++) round();
  v0 ^= b;
  v2 ^= 0xffn;
  for (let r = 0; r < d; r++) round();
  return v0 ^ v1 ^ v2 ^ v3;
}

const le4 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
/** Reference hsiphash(&v, 4, key) on 64-bit: low 32 bits of SipHash-1-3. */
const hsipRef = (v: number, k: bigint): number => Number(sipRef(1, 3, k, k, le4(v)) & 0xffffffffn);

test('SipHash reference matches the published SipHash-2-4 vectors (key 00..0f)', (t) => {
  const k0 = 0x0706050403020100n;
  const k1 = 0x0f0e0d0c0b0a0908n;
  t.is(sipRef(2, 4, k0, k1, []), 0x726fdb47dd0e0e31n);
  t.is(sipRef(2, 4, k0, k1, [0]), 0x74f839c593dc67fdn);
  // the example of the SipHash paper, appendix A: message 00..0e
  t.is(
    sipRef(
      2,
      4,
      k0,
      k1,
      Array.from({ length: 15 }, (_, i) => i),
    ),
    0xa129ca6149be45e5n,
  );
});

test('hsiphash1u32 (uint32 pairs) equals the BigInt SipHash-1-3 reference', (t) => {
  fc.assert(
    fc.property(fc.nat(0xffffffff), fc.bigInt(0n, M64), fc.bigInt(0n, M64), (v, k0, k1) => {
      const want = Number(sipRef(1, 3, k0, k1, le4(v)) & 0xffffffffn);
      const got = hsiphash1u32(
        v,
        Number(k0 >> 32n),
        Number(k0 & 0xffffffffn),
        Number(k1 >> 32n),
        Number(k1 & 0xffffffffn),
      );
      return got === want;
    }),
    { numRuns: 2000 },
  );
  t.is(mhHash1(ip4('192.168.70.101'), 0, 0), hsipRef(ip4('192.168.70.101'), 2654435761n));
});

/** Slow reference of ip_vs_mh_permutate + ip_vs_mh_populate from last_weight. */
function refTable(list: Dest[]): number[] {
  const M = MH_TAB_SIZE;
  let g = 0;
  let maxw = 0;
  for (const d of list) {
    if (d.lastWeight > 0) {
      let a = d.lastWeight;
      let b = g;
      while (b) [a, b] = [b, a % b];
      g = g > 0 ? a : d.lastWeight;
    }
    maxw = Math.max(maxw, d.lastWeight);
  }
  const table = new Array<number>(M).fill(-1);
  if (g < 1) return table;
  const rshift = Math.max(0, 32 - Math.clz32(Math.floor(maxw / g)) - 6);
  const ds = list.map((d) => {
    const v = (d.addrFold + d.port) >>> 0;
    const lw = d.lastWeight;
    return {
      perm: hsipRef(v, 2654435761n) % M,
      skip: (hsipRef(v, 2654446892n) % (M - 1)) + 1,
      turns: Math.floor(lw / g) >> rshift || (lw !== 0 ? 1 : 0),
    };
  });
  let n = 0;
  for (;;) {
    for (let i = 0; i < ds.length; i++) {
      const s = ds[i]!;
      for (let k = 0; k < s.turns; k++) {
        while (table[s.perm] !== -1) s.perm = (s.perm + s.skip) % M;
        table[s.perm] = i;
        if (++n === M) return table;
      }
    }
  }
}

function tableIdx(s: MhScheduler, list: Dest[]): number[] {
  return s.lookup.map((d) => (d === null ? -1 : list.indexOf(d)));
}

test('kernel case mh-4: 20 recorded picks', (t) => {
  const b = buildByAdds(mh, [
    dest('10.0.1.71', 80, 1),
    dest('10.0.1.72', 80, 1),
    dest('10.0.1.73', 80, 1),
    dest('10.0.1.74', 80, 1),
  ]);
  const clients: [string, number][] = [];
  const hosts = [101, 110, 119, 128, 137, 146, 155, 164, 173, 182, 191, 200, 209, 218, 227, 236];
  hosts.forEach((h, i) => clients.push(['192.168.' + String(70 + (i % 4)) + '.' + String(h), 48001 + i]));
  clients.push(
    ['192.168.70.101', 49001],
    ['192.168.71.146', 49006],
    ['192.168.72.191', 49011],
    ['192.168.73.236', 49016],
  );
  const got = clients.map(([c, p]) => octet(b.sched.schedule(flow4(c, p, '10.0.0.70'), 0)));
  t.deepEqual(got, [73, 73, 71, 73, 73, 71, 74, 74, 72, 74, 72, 71, 71, 71, 74, 74, 73, 71, 72, 74]);
  t.deepEqual(tableIdx(b.sched as MhScheduler, b.list), refTable(b.list));
});

test('weighted tables equal the slow reference (turns, rshift)', (t) => {
  for (const weights of [
    [1, 2, 3],
    [100, 1000, 3000],
    [1, 200, 7],
    [5, 0, 5],
  ]) {
    const list = weights.map((w, i) => dest('10.1.0.' + String(i + 1), 8080, w));
    const s = new MhScheduler(svcInfo());
    s.update(list, DestChange.Init, null);
    t.deepEqual(tableIdx(s, list), refTable(list), weights.join(':'));
  }
});

test('quiescing (weight 0) keeps the table; the dest becomes unavailable', (t) => {
  const list = [
    dest('10.0.1.74', 80, 1),
    dest('10.0.1.73', 80, 1),
    dest('10.0.1.72', 80, 1),
    dest('10.0.1.71', 80, 1),
  ];
  const s = new MhScheduler(svcInfo());
  s.update(list, DestChange.Init, null);
  const before = tableIdx(s, list);
  const q = list[1]!; // .73
  setWeight(q, 0);
  s.update(list, DestChange.Edit, q);
  t.deepEqual(tableIdx(s, list), before);
  t.is(s.schedule(flow4('192.168.70.101', 1), 0), null); // was .73
  t.is(octet(s.schedule(flow4('192.168.72.119', 1), 0)), 71);
  const fb = new MhScheduler(svcInfo(SVC_F_SCHED1));
  fb.update(list, DestChange.Init, null);
  const alt = fb.schedule(flow4('192.168.70.101', 1), 0);
  t.not(alt, null);
  t.not(alt, q);
  // the fallback re-hashes with roffset = o + ihash, first o that lands on an available dest
  const addr = ip4('192.168.70.101');
  const ih = mhHash1(addr, 0, 0) % MH_TAB_SIZE;
  let want: Dest | null = null;
  for (let o = 0; o < MH_TAB_SIZE && want === null; o++) {
    const d = fb.lookup[mhHash1(addr, 0, (o + ih) % MH_TAB_SIZE) % MH_TAB_SIZE]!;
    if (d.weight > 0) want = d;
  }
  t.is(alt, want);
  // all last_weight 0 (only possible when added with weight 0): empty table
  const z = new MhScheduler(svcInfo(SVC_F_SCHED1));
  z.update([dest('10.0.0.1', 80, 0)], DestChange.Init, null);
  t.is(z.schedule(flow4('1.1.1.1', 1), 0), null);
});

test('mh-port hashes the client port; overload makes a dest unavailable', (t) => {
  const list = [dest('10.0.1.72', 80, 1), dest('10.0.1.71', 80, 1)];
  const s = new MhScheduler(svcInfo(SVC_F_SCHED2));
  s.update(list, DestChange.Init, null);
  const f = flow4('192.0.2.9', 40000);
  t.is(s.slotOf(f), hsipRef((ip4('192.0.2.9') + 40000) >>> 0, 2654435761n) % MH_TAB_SIZE);
  const d = s.schedule(f, 0)!;
  setOverload(d, true);
  t.is(s.schedule(f, 0), null);
});
