// Fuzzing the engine's packet path (house style §4.10 "Fuzzing"): random frames, and frames
// mutated from real ones (the kernel recordings' and the generated golden cases' in.pcap: bytes
// flipped, truncated, extended, with or without a fixed-up IPv4 header checksum), fed through an
// engine carrying DR, NAT and TUN services over IPv4 and IPv6 (every kernel case's rules plus the
// generated hostile case's). Invariants, checked per frame:
// - processBatch never throws;
// - each frame gets exactly one verdict: rxFrames grows by 1 and exactly one of txFrames, passed
//   or one drop counter grows by 1, except that an ICMP error answering the frame (TTL exceeded,
//   too big, no dest) is a transmitted frame whose drop reason is counted too;
// - a transmitted frame lies within its rx slot, comes from that frame, and every IPv4 header it
//   carries (outer and, for IPIP, inner) has a valid checksum;
// - dest counters never go negative and the conn table never exceeds its capacity.
// Batches: a batch of frames gives the same output bytes and counters as the same frames one by
// one (zero-copy tx and copying tx). Table full: a tiny table drops with table_full, nothing else.
// Bounded runs with fixed seeds: the file runs in a few seconds.
import test from 'ava';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRuleSet } from '../../../src/control/engine-apply.js';
import { parseRulesFile } from '../../../src/control/rules-file.js';
import { setNeighbor } from '../../../src/engine/engine-config.js';
import { Engine } from '../../../src/engine/engine.js';
import { DROP_NAMES } from '../../../src/engine/verdict.js';
import { readCaptureFile } from '../../../src/io/pcap.js';
import { csumAdd, csumFold, parseIpv4Addr, parseIpv6Addr } from '../../../src/wire/index.js';
import { FrameBatch } from '../../../src/wire/frame-batch.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const KERNEL = join(ROOT, 'test/golden/kernel-cases');
const GENERATED = join(ROOT, 'test/golden/cases');
const SLOT = 2048;
const HEADROOM = 128;
const LOCAL_MAC = 0x0200000000fe;
/** Drop reasons that come with an ICMP error sent back (the frame is answered, not just dropped). */
const ANSWERED = new Set(['ttl_exceeded', 'too_big', 'no_dest']);

function dirs(root: string): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== '_gen')
    .map((d) => join(root, d.name));
}

const RULES = [
  ...dirs(KERNEL).map((d) => readFileSync(join(d, 'rules.txt'), 'utf8')),
  readFileSync(join(GENERATED, 'hostile', 'rules.txt'), 'utf8'),
  readFileSync(join(GENERATED, 'tun-ipv6', 'rules.txt'), 'utf8'),
  readFileSync(join(GENERATED, 'nat-ipv6', 'rules.txt'), 'utf8'),
].join('\n');

/** Every address of the corpus replay arguments and rules gets its conventional neighbour MAC. */
const NEIGHBORS: string[] = [];
for (const d of dirs(KERNEL)) {
  const a = readFileSync(join(d, 'replay-args'), 'utf8').trim().split(/\s+/);
  for (let i = 0; i < a.length; i += 2) if (a[i] === '--neigh') NEIGHBORS.push(a[i + 1]!);
}
for (const m of RULES.matchAll(/-r (?:\[([0-9a-f:]+)\]|([0-9.]+)):\d+/g)) {
  const ip = (m[1] ?? m[2])!;
  const w = m[1] !== undefined ? parseIpv6Addr(ip)![3]! : parseIpv4Addr(ip)!;
  NEIGHBORS.push(ip + '=02:00:00:00:00:' + (w & 0xff).toString(16).padStart(2, '0'));
}

/** Frames of every kernel and generated in.pcap: the seeds of the mutations. */
const CORPUS: Uint8Array[] = [...dirs(KERNEL), ...dirs(GENERATED)].flatMap((d) =>
  readCaptureFile(join(d, 'in.pcap'))
    .map((f) => Uint8Array.from(f.data))
    .filter((b) => b.length <= SLOT - HEADROOM - 64),
);

function makeEngine(capacity = 4096): Engine {
  const engine = new Engine({
    localMac: LOCAL_MAC,
    localIp4: parseIpv4Addr('10.0.0.254')!,
    localIp6: parseIpv6Addr('fd00::fe')!,
    seed: 1,
    capacity,
    v6Capacity: Math.min(capacity, 1024),
  });
  const parsed = parseRulesFile(RULES);
  if (!parsed.ok) throw parsed.error;
  loadRuleSet(engine.state, parsed.ruleset, parsed.timeouts);
  for (const n of NEIGHBORS) {
    const [ip, mac] = n.split('=') as [string, string];
    const macNum = parseInt(mac.replaceAll(':', ''), 16);
    const v4 = parseIpv4Addr(ip);
    if (v4 !== null) setNeighbor(engine.state, 4, Uint32Array.of(v4, 0, 0, 0), macNum);
    else setNeighbor(engine.state, 6, parseIpv6Addr(ip)!, macNum);
  }
  return engine;
}

interface Counts {
  rx: number;
  tx: number;
  passed: number;
  drops: number[];
}

function counts(e: Engine): Counts {
  const s = e.state;
  return { rx: s.rxFrames, tx: s.txFrames, passed: s.passed, drops: Array.from(s.drops) };
}

/** The IPv4 header at b[o..] sums to 0xffff (valid), or the bytes there are not a whole header. */
function ipv4HeaderOk(b: Uint8Array, o: number, end: number): string | null {
  if (end - o < 20) return 'IPv4 header truncated';
  const hl = (b[o]! & 0x0f) * 4;
  if (b[o]! >>> 4 !== 4 || hl < 20 || o + hl > end) return 'not an IPv4 header';
  return csumFold(csumAdd(b, o, hl, 0)) === 0xffff ? null : 'IPv4 header checksum wrong';
}

/** Problems with a transmitted frame b[off, off+len) (IPv4 header checksums: outer and IPIP inner). */
function outputProblem(b: Uint8Array, off: number, len: number): string | null {
  if (len < 14) return 'output shorter than an Ethernet header';
  let l3 = off + 14;
  let type = (b[off + 12]! << 8) | b[off + 13]!;
  if (type === 0x8100) {
    type = (b[off + 16]! << 8) | b[off + 17]!;
    l3 += 4;
  }
  if (type !== 0x0800) return null;
  const end = off + len;
  const outer = ipv4HeaderOk(b, l3, end);
  if (outer !== null) return outer;
  if (b[l3 + 9] === 4) return ipv4HeaderOk(b, l3 + (b[l3]! & 0x0f) * 4, end);
  return null;
}

/** One frame through the engine in a one-slot batch; returns a problem or null. */
function checkOne(e: Engine, frame: Uint8Array, now: number): string | null {
  const rx = new FrameBatch(1, SLOT, HEADROOM);
  const tx = rx.txView();
  if (!rx.put(0, frame)) return null;
  rx.count = 1;
  const before = counts(e);
  const n = e.processBatch(rx, now, tx);
  const after = counts(e);
  const dDrops = after.drops.map((v, i) => v - before.drops[i]!);
  const dropSum = dDrops.reduce((a, b) => a + b, 0);
  const reasons = dDrops.flatMap((v, i) => (v > 0 ? [DROP_NAMES[i]!] : []));
  const dPass = after.passed - before.passed;
  if (after.rx - before.rx !== 1) return 'rxFrames moved by ' + (after.rx - before.rx);
  if (after.tx - before.tx !== n) return 'txFrames moved by ' + (after.tx - before.tx) + ', returned ' + n;
  if (n < 0 || n > 1) return 'returned ' + n + ' frames for one';
  const one =
    (n === 1 && dPass === 0 && dropSum === 0) ||
    (n === 0 && dPass === 1 && dropSum === 0) ||
    (n === 0 && dPass === 0 && dropSum === 1) ||
    (n === 1 && dPass === 0 && dropSum === 1 && ANSWERED.has(reasons[0]!));
  if (!one) return 'not exactly one verdict: tx ' + n + ', passed ' + dPass + ', drops ' + reasons.join(',');
  if (n === 1) {
    const off = tx.off[0]!;
    const len = tx.len[0]!;
    if (tx.src[0] !== 0) return 'output attributed to rx ' + tx.src[0];
    if (off < 0 || off + len > SLOT || len <= 0)
      return 'output [' + off + ', ' + (off + len) + ') outside the slot';
    const p = outputProblem(tx.data, off, len);
    if (p !== null) return p + ' (drops ' + reasons.join(',') + ')';
  }
  return stateProblem(e);
}

function stateProblem(e: Engine): string | null {
  const st = e.state;
  for (const d of st.dests) {
    if (d !== null && (d.activeConns < 0 || d.inactConns < 0 || d.persistConns < 0)) {
      return 'negative conn counter on dest ' + d.id;
    }
  }
  if (st.conns.count < 0 || st.conns.count > st.conns.capacity) return 'conn count ' + st.conns.count;
  return null;
}

/** A mutation of a corpus frame. */
type Mutation =
  | { kind: 'flip'; at: number; mask: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'truncate'; to: number }
  | { kind: 'extend'; bytes: Uint8Array };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('flip' as const),
      at: fc.nat(1600),
      mask: fc.integer({ min: 1, max: 255 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('set' as const),
      at: fc.nat(80),
      value: fc.integer({ min: 0, max: 255 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), to: fc.nat(1600) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('extend' as const),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }),
    }),
  },
);

function mutate(seed: Uint8Array, ms: Mutation[], fixCsum: boolean): Uint8Array {
  let b = Uint8Array.from(seed);
  for (const m of ms) {
    if (m.kind === 'flip' && b.length > 0) b[m.at % b.length]! ^= m.mask;
    else if (m.kind === 'set' && b.length > 0) b[m.at % b.length] = m.value;
    else if (m.kind === 'truncate') b = b.slice(0, m.to % (b.length + 1));
    else if (m.kind === 'extend') {
      const x = new Uint8Array(b.length + m.bytes.length);
      x.set(b, 0);
      x.set(m.bytes, b.length);
      b = x;
    }
  }
  // Optionally repair the IPv4 header checksum so the frame gets past validation into the engine.
  if (fixCsum && b.length >= 34 && b[12] === 0x08 && b[13] === 0x00 && b[14]! >>> 4 === 4) {
    const hl = (b[14]! & 0x0f) * 4;
    if (hl >= 20 && 14 + hl <= b.length) {
      b[24] = 0;
      b[25] = 0;
      const c = ~csumFold(csumAdd(b, 14, hl, 0)) & 0xffff;
      b[24] = c >>> 8;
      b[25] = c & 0xff;
    }
  }
  return b;
}

const corpusFrame = fc.nat(CORPUS.length - 1).map((i) => CORPUS[i]!);
const mutatedFrame = fc
  .tuple(corpusFrame, fc.array(mutationArb, { minLength: 1, maxLength: 3 }), fc.nat(3))
  .map(([seed, ms, fix]) => mutate(seed, ms, fix !== 0));

/** Random bytes, half of them behind a plausible Ethernet + IP version prefix. */
const randomFrame = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc
    .tuple(
      fc.constantFrom(0x0800, 0x86dd, 0x0806, 0x8100),
      fc.uint8Array({ minLength: 0, maxLength: 200 }),
      fc.constantFrom(0x45, 0x46, 0x4f, 0x60, 0x00),
    )
    .map(([type, rest, vihl]) => {
      const b = new Uint8Array(15 + rest.length);
      b.set([2, 0, 0, 0, 0, 0xfe, 2, 0, 0, 0, 0, 0x65, type >>> 8, type & 0xff, vihl], 0);
      b.set(rest, 15);
      return b;
    }),
);

const T0 = 1767225600000;

test('corpus: every seed frame alone gets exactly one verdict and well-formed output', (t) => {
  const e = makeEngine();
  t.true(CORPUS.length > 200, 'corpus of ' + CORPUS.length + ' frames');
  CORPUS.forEach((f, i) => {
    const p = checkOne(e, f, T0 + i * 10);
    if (p !== null) t.fail('corpus frame ' + i + ': ' + p);
  });
  t.true(e.state.txFrames > 100, 'the corpus reaches the forwarders');
});

test('random frames: no exception, one verdict each, outputs in their slot with valid IPv4 checksums', (t) => {
  const e = makeEngine();
  let now = T0;
  fc.assert(
    fc.property(randomFrame, (f) => {
      now += 7;
      const p = checkOne(e, f, now);
      if (p !== null) throw new Error(p);
    }),
    { numRuns: 3000, seed: 0x5eed1 },
  );
  t.pass();
});

test('mutated corpus frames: no exception, one verdict each, outputs well formed', (t) => {
  const e = makeEngine();
  let now = T0;
  fc.assert(
    fc.property(mutatedFrame, (f) => {
      now += 3;
      const p = checkOne(e, f, now);
      if (p !== null) throw new Error(p);
    }),
    { numRuns: 4000, seed: 0x5eed2 },
  );
  // The mutations reach deep into the engine, not only its first checks.
  const reasons = DROP_NAMES.filter((_, i) => e.state.drops[i]! > 0);
  t.true(reasons.length >= 9, 'drop reasons seen: ' + reasons.join(', '));
  t.true(e.state.txFrames > 500, 'forwarded ' + e.state.txFrames);
});

test('sequences of good and mutated frames with clock jumps keep every invariant', (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.oneof(corpusFrame, mutatedFrame, randomFrame), fc.nat(400_000)), {
        minLength: 1,
        maxLength: 60,
      }),
      (seq) => {
        const e = makeEngine(256);
        let now = T0;
        for (const [f, gap] of seq) {
          now += gap;
          const p = checkOne(e, f, now);
          if (p !== null) throw new Error(p);
        }
      },
    ),
    { numRuns: 150, seed: 0x5eed3 },
  );
  t.pass();
});

/** Frames through one batch; the outputs (bytes) and counters. */
function runBatch(
  e: Engine,
  frames: Uint8Array[],
  now: number,
  shared: boolean,
): { out: string[]; c: Counts } {
  const rx = new FrameBatch(frames.length, SLOT, HEADROOM);
  frames.forEach((f, i) => rx.put(i, f));
  rx.count = frames.length;
  const tx = shared ? rx.txView() : new FrameBatch(frames.length, SLOT, HEADROOM);
  const n = e.processBatch(rx, now, tx);
  const out: string[] = [];
  for (let j = 0; j < n; j++) {
    const off = tx.off[j]!;
    const len = tx.len[j]!;
    const slot = shared ? tx.src[j]! : j;
    if (off < slot * SLOT || off + len > (slot + 1) * SLOT) throw new Error('tx ' + j + ' outside its slot');
    out.push(tx.src[j] + ':' + Buffer.from(tx.data.subarray(off, off + len)).toString('hex'));
  }
  return { out, c: counts(e) };
}

test('a batch gives the same output and counters as its frames one by one (zero-copy and copying tx)', (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(corpusFrame, corpusFrame, mutatedFrame), { minLength: 1, maxLength: 24 }),
      fc.boolean(),
      (frames, shared) => {
        const batched = runBatch(makeEngine(256), frames, T0, shared);
        const single = makeEngine(256);
        const out: string[] = [];
        frames.forEach((f, i) => {
          const r = runBatch(single, [f], T0, true);
          for (const o of r.out) out.push(i + o.slice(o.indexOf(':')));
        });
        if (JSON.stringify(batched.out) !== JSON.stringify(out)) throw new Error('outputs differ');
        if (JSON.stringify(batched.c) !== JSON.stringify(counts(single))) throw new Error('counters differ');
      },
    ),
    { numRuns: 120, seed: 0x5eed4 },
  );
  t.pass();
});

test('table full: a tiny conn table drops new conns with table_full and keeps every invariant', (t) => {
  const e = makeEngine(8);
  // SYNs from many clients to kernel case dr-rr-3's service 10.0.0.10:80: take its first SYN and
  // vary the client address (IPv4 header and TCP checksums are patched for a valid frame).
  const syn = readCaptureFile(join(KERNEL, 'dr-rr-3', 'in.pcap'))[0]!.data;
  for (let i = 0; i < 40; i++) {
    const f = Uint8Array.from(syn);
    f[29] = (f[29]! + i + 1) & 0xff; // last byte of the source address
    // One's-complement fix of both checksums for the +i+1 in the low byte of a 16-bit word.
    for (const at of [24, 14 + 20 + 16]) {
      const old = (f[at]! << 8) | f[at + 1]!;
      const oldByte = syn[29]!;
      const sum = csumFold((~old & 0xffff) + (~oldByte & 0xffff) + f[29]);
      const c = ~sum & 0xffff;
      f[at] = c >>> 8;
      f[at + 1] = c & 0xff;
    }
    const p = checkOne(e, f, T0 + i);
    if (p !== null) t.fail('SYN ' + i + ': ' + p);
  }
  const full = e.state.drops[DROP_NAMES.indexOf('table_full')]!;
  t.is(e.state.conns.count, 8);
  t.is(full, 40 - 8, 'every SYN beyond the capacity is dropped as table_full');
  t.is(e.state.txFrames, 8);
});
