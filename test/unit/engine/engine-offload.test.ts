// Offloads through processBatch (engine/offload.ts): CHECKSUM_PARTIAL frames kept partial for a
// link that finishes them, with the NAT rewrite moving the partial pseudo-header sum; byte-exact
// against the engine's full-checksum path once the kernel's finishing step (skb_checksum_help:
// sum [csum_start, end), fold, complement, 0 -> 0xffff) is simulated. GSO super-frames: kept with
// their metadata in DR/NAT, dropped (counted) for TUN and for links without offload, MTU checked
// per segment.
import test from 'ava';
import fc from 'fast-check';
import { buildFrame, type PacketSpec } from '../../../src/wire/builder.js';
import { csumAdd, csumFold, pseudoSum4, pseudoSum6 } from '../../../src/wire/checksum.js';
import {
  FrameBatch,
  GSO_NONE,
  GSO_SLOT_SIZE,
  GSO_TCPV4,
  GSO_TCPV6,
  META_CSUM_PARTIAL,
} from '../../../src/wire/frame-batch.js';
import { ip4, ip6, LOCAL_MAC, macFor, withEngine, type EngineHarness } from '../../helpers/engine-harness.js';

type Af = 4 | 6;
type Proto = 'tcp' | 'udp';
const VIP = { 4: '10.0.0.90', 6: 'fd00::90' } as const;
const RS = { 4: '10.0.1.91', 6: 'fd00::a:91' } as const;
const DPORT = 8080;
const VPORT = 80;

function rules(mode: 'dr' | 'nat' | 'tun', proto: Proto, af: Af): string {
  const p = proto === 'tcp' ? '-t' : '-u';
  const b = (a: string): string => (af === 6 ? `[${a}]` : a);
  const flag = { dr: '-g', nat: '-m', tun: '-i' }[mode];
  const dport = mode === 'nat' ? DPORT : VPORT;
  return `-A ${p} ${b(VIP[af])}:${VPORT} -s rr\n-a ${p} ${b(VIP[af])}:${VPORT} -r ${b(RS[af])}:${dport} ${flag} -w 1\n`;
}

interface Out {
  frame: Uint8Array | null;
  meta: number;
  csumStart: number;
  csumOff: number;
  gsoType: number;
  gsoSize: number;
}

/** One frame through processBatch with its offload metadata; the output and its metadata. */
function run(h: EngineHarness, frame: Uint8Array, meta = 0, gsoType = GSO_NONE, gsoSize = 0): Out {
  const rx = new FrameBatch(1, GSO_SLOT_SIZE);
  const tx = rx.txView();
  rx.put(0, frame, meta, gsoType, gsoSize);
  rx.count = 1;
  const n = h.engine.processBatch(rx, 1000, tx);
  if (n === 0) return { frame: null, meta: 0, csumStart: 0, csumOff: 0, gsoType: 0, gsoSize: 0 };
  const o = tx.off[0]!;
  return {
    frame: Uint8Array.from(tx.data.subarray(o, o + tx.len[0]!)),
    meta: tx.meta[0]!,
    csumStart: tx.csumStart[0]!,
    csumOff: tx.csumOff[0]!,
    gsoType: tx.gsoType[0]!,
    gsoSize: tx.gsoSize[0]!,
  };
}

function spec(
  af: Af,
  proto: Proto,
  src: string,
  sport: number,
  dst: string,
  dport: number,
  payload: Uint8Array,
  flags = 0x02,
): PacketSpec {
  const ip =
    af === 4
      ? { v: 4 as const, src: ip4(src), dst: ip4(dst), ttl: 64, id: 0x4242, df: true }
      : { v: 6 as const, src: ip6(src), dst: ip6(dst), hopLimit: 64 };
  const l4 =
    proto === 'tcp'
      ? { kind: 'tcp' as const, srcPort: sport, dstPort: dport, flags, seq: 7, ack: 9 }
      : { kind: 'udp' as const, srcPort: sport, dstPort: dport };
  return { ip, l4, payload };
}

function frameOf(s: PacketSpec, srcMac: number): Uint8Array {
  return buildFrame({ ...s, eth: { src: srcMac, dst: LOCAL_MAC } });
}

const l4Off = (f: Uint8Array): number => (f[12] === 0x86 ? 14 + 40 : 14 + (f[14]! & 0xf) * 4);
const csumAt = (f: Uint8Array, proto: Proto): number => l4Off(f) + (proto === 'tcp' ? 16 : 6);

/** What a local sender with checksum offload puts on the wire: the folded pseudo-header sum. */
function partialOf(f: Uint8Array, proto: Proto): Uint8Array {
  const p = Uint8Array.from(f);
  const l4 = l4Off(p);
  const len = p.length - l4;
  const pnum = proto === 'tcp' ? 6 : 17;
  const sum =
    p[12] === 0x86
      ? pseudoSum6(p, 22, 38, pnum, len)
      : pseudoSum4(
          ((p[26]! << 24) | (p[27]! << 16) | (p[28]! << 8) | p[29]!) >>> 0,
          ((p[30]! << 24) | (p[31]! << 16) | (p[32]! << 8) | p[33]!) >>> 0,
          pnum,
          len,
        );
  const at = csumAt(p, proto);
  const v = csumFold(sum);
  p[at] = v >> 8;
  p[at + 1] = v & 0xff;
  return p;
}

/** The kernel finishing a CHECKSUM_PARTIAL frame (net/core/dev.c skb_checksum_help()). */
function kernelFinish(o: Out): Uint8Array {
  const f = Uint8Array.from(o.frame!);
  const c = ~csumFold(csumAdd(f, o.csumStart, f.length - o.csumStart, 0)) & 0xffff;
  const at = o.csumStart + o.csumOff;
  const v = c === 0 ? 0xffff : c;
  f[at] = v >> 8;
  f[at + 1] = v & 0xff;
  return f;
}

const CLIENT = { 4: '192.168.9.101', 6: '2001:db8::65' } as const;

for (const af of [4, 6] as const) {
  for (const proto of ['tcp', 'udp'] as const) {
    test(`NAT ${proto} IPv${af}: a partial checksum stays partial; finished by the kernel it equals the full path, both ways`, (t) => {
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: 1, maxLength: 300 }),
          fc.integer({ min: 1024, max: 65535 }),
          (payload, cport) => {
            const full = withEngine({ rules: rules('nat', proto, af) });
            const part = withEngine({ rules: rules('nat', proto, af), offload: true });
            const cmac = macFor(af === 4 ? ip4(CLIENT[4]) : ip6(CLIENT[6]));
            const rsmac = macFor(af === 4 ? ip4(RS[4]) : ip6(RS[6]));
            const syn = frameOf({ ...spec(af, proto, CLIENT[af], cport, VIP[af], VPORT, payload) }, cmac);
            // In: client -> VIP.
            const a = run(full, syn);
            const b = run(part, partialOf(syn, proto), META_CSUM_PARTIAL);
            t.not(a.frame, null);
            t.is(b.meta, META_CSUM_PARTIAL);
            t.is(b.csumStart, l4Off(b.frame!));
            t.is(b.csumOff, proto === 'tcp' ? 16 : 6);
            t.deepEqual(kernelFinish(b), a.frame!);
            // Out: real server -> client, un-NATed.
            const reply = frameOf(spec(af, proto, RS[af], DPORT, CLIENT[af], cport, payload), rsmac);
            const c = run(full, reply);
            const d = run(part, partialOf(reply, proto), META_CSUM_PARTIAL);
            t.not(c.frame, null);
            t.is(d.meta, META_CSUM_PARTIAL);
            t.deepEqual(kernelFinish(d), c.frame!);
            return true;
          },
        ),
        { numRuns: 40, seed: 7 },
      );
    });
  }
}

test('DR: a partial frame is forwarded partial with its checksum bytes untouched', (t) => {
  const h = withEngine({ rules: rules('dr', 'tcp', 4), offload: true });
  const f = partialOf(
    frameOf(spec(4, 'tcp', CLIENT[4], 40000, VIP[4], VPORT, Uint8Array.of(1, 2, 3)), 0x02aa),
    'tcp',
  );
  const o = run(h, f, META_CSUM_PARTIAL);
  t.is(o.meta, META_CSUM_PARTIAL);
  t.deepEqual([o.csumStart, o.csumOff], [34, 16]);
  t.deepEqual(o.frame!.subarray(34), f.subarray(34));
});

test('without offload the engine completes the checksum and sends no metadata', (t) => {
  const h = withEngine({ rules: rules('nat', 'udp', 4) });
  const good = frameOf(spec(4, 'udp', CLIENT[4], 40000, VIP[4], VPORT, Uint8Array.of(9, 8, 7)), 0x02aa);
  const o = run(h, partialOf(good, 'udp'), META_CSUM_PARTIAL);
  t.is(o.meta, 0);
  const ref = run(withEngine({ rules: rules('nat', 'udp', 4) }), good);
  t.deepEqual(o.frame, ref.frame);
});

test('TUN: a partial frame is completed before encapsulation, even with offload', (t) => {
  const good = frameOf(spec(4, 'tcp', CLIENT[4], 40000, VIP[4], VPORT, Uint8Array.of(5, 6)), 0x02aa);
  const o = run(
    withEngine({ rules: rules('tun', 'tcp', 4), offload: true }),
    partialOf(good, 'tcp'),
    META_CSUM_PARTIAL,
  );
  const ref = run(withEngine({ rules: rules('tun', 'tcp', 4) }), good);
  t.is(o.meta, 0);
  t.deepEqual(o.frame, ref.frame);
});

/** A TCP super-frame (ACK|PSH): `segs` segments of `mss` payload bytes behind one header. */
function superFrame(af: Af, mss: number, segs: number): Uint8Array {
  const payload = new Uint8Array(mss * segs).map((_, i) => i & 0xff);
  return partialOf(frameOf(spec(af, 'tcp', CLIENT[af], 40000, VIP[af], VPORT, payload, 0x18), 0x02aa), 'tcp');
}

/** An engine with the client's conn opened by a SYN. */
function opened(mode: 'dr' | 'nat' | 'tun', af: Af, offload: boolean): EngineHarness {
  const h = withEngine({ rules: rules(mode, 'tcp', af), offload });
  run(h, frameOf(spec(af, 'tcp', CLIENT[af], 40000, VIP[af], VPORT, new Uint8Array(0)), 0x02aa));
  return h;
}

for (const af of [4, 6] as const) {
  const type = af === 4 ? GSO_TCPV4 : GSO_TCPV6;
  const mss = af === 4 ? 1460 : 1440; // 20/40 + 20 + mss = 1500
  test(`GSO IPv${af}: DR and NAT keep a 40-segment super-frame and its metadata`, (t) => {
    for (const mode of ['dr', 'nat'] as const) {
      const h = opened(mode, af, true);
      const f = superFrame(af, mss, 40);
      t.true(f.length > 57000);
      const o = run(h, f, META_CSUM_PARTIAL, type, mss);
      t.is(o.frame?.length, f.length, mode);
      t.deepEqual([o.meta, o.gsoType, o.gsoSize], [META_CSUM_PARTIAL, type, mss]);
      t.deepEqual(h.drops(), {});
    }
  });

  test(`GSO IPv${af}: the MTU check compares one segment, not the super-frame`, (t) => {
    const h = opened('dr', af, true);
    t.not(run(h, superFrame(af, mss, 10), META_CSUM_PARTIAL, type, mss).frame, null);
    const big = run(h, superFrame(af, mss + 1, 10), META_CSUM_PARTIAL, type, mss + 1);
    t.deepEqual(h.drops(), { too_big: 1 });
    t.is(big.meta, 0, 'the ICMP error is a whole packet');
    t.is(big.gsoType, GSO_NONE);
  });

  test(`GSO IPv${af}: TUN and a link without offload drop super-frames (gso_unsupported)`, (t) => {
    const tun = opened('tun', af, true);
    t.is(run(tun, superFrame(af, 1400, 4), META_CSUM_PARTIAL, type, 1400).frame, null);
    t.deepEqual(tun.drops(), { gso_unsupported: 1 });
    const plain = opened('dr', af, false);
    t.is(run(plain, superFrame(af, 1400, 4), META_CSUM_PARTIAL, type, 1400).frame, null);
    t.deepEqual(plain.drops(), { gso_unsupported: 1 });
  });
}

test('GSO NAT reply without offload: dropped and counted, the conn still sees it', (t) => {
  const h = withEngine({ rules: rules('nat', 'tcp', 4) });
  const syn = frameOf(spec(4, 'tcp', CLIENT[4], 40000, VIP[4], VPORT, Uint8Array.of(1)), 0x02aa);
  t.not(run(h, syn).frame, null);
  const payload = new Uint8Array(1460 * 3);
  const reply = partialOf(frameOf(spec(4, 'tcp', RS[4], DPORT, CLIENT[4], 40000, payload), 0x025b), 'tcp');
  t.is(run(h, reply, META_CSUM_PARTIAL, GSO_TCPV4, 1460).frame, null);
  t.deepEqual(h.drops(), { gso_unsupported: 1 });
  t.is(h.svc(`-t ${VIP[4]}:${VPORT}`).stats.outPkts, 1);
});
