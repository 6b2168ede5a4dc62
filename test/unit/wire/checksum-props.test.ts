/**
 * Property tests: for random IPv4/IPv6 TCP/UDP packets and random rewrite sequences (addresses,
 * ports, TTL/hop limit), every checksum stays valid and the incrementally patched value equals a
 * full recomputation (RFC 1624 eqn. 3), including the UDP zero-checksum rule. Fixed seeds.
 */
import test from 'ava';
import fc from 'fast-check';
import {
  addrSum6,
  buildPacket,
  Icmpv6View,
  Ipv4View,
  Ipv6View,
  TcpView,
  UdpView,
  WireError,
} from '../../../src/wire/index.js';
import type { Ip6Ext, L4Spec } from '../../../src/wire/index.js';

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const addr6 = fc.array(u32, { minLength: 4, maxLength: 4 }).map((a) => new Uint32Array(a));
const payload = fc.uint8Array({ minLength: 0, maxLength: 97 });

const l4Arb: fc.Arbitrary<L4Spec> = fc.oneof(
  fc
    .record({
      kind: fc.constant('tcp' as const),
      srcPort: u16,
      dstPort: u16,
      seq: u32,
      ack: u32,
      flags: fc.integer({ min: 0, max: 255 }),
      window: u16,
      mss: fc.option(u16, { nil: undefined }),
      ts: fc.option(fc.record({ val: u32, ecr: u32 }), { nil: undefined }),
    })
    .map((r) => {
      const { mss, ts, ...rest } = r;
      return { ...rest, ...(mss === undefined ? {} : { mss }), ...(ts === undefined ? {} : { ts }) };
    }),
  fc.record({ kind: fc.constant('udp' as const), srcPort: u16, dstPort: u16, noCsum: fc.boolean() }),
);

type Op =
  | { op: 'src'; a: number }
  | { op: 'dst'; a: number }
  | { op: 'sport'; p: number }
  | { op: 'dport'; p: number }
  | { op: 'ttl' };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('src' as const), a: u32 }),
  fc.record({ op: fc.constant('dst' as const), a: u32 }),
  fc.record({ op: fc.constant('sport' as const), p: u16 }),
  fc.record({ op: fc.constant('dport' as const), p: u16 }),
  fc.record({ op: fc.constant('ttl' as const) }),
);
type Op6 =
  | { op: 'src'; a: Uint32Array }
  | { op: 'dst'; a: Uint32Array }
  | { op: 'sport'; p: number }
  | { op: 'dport'; p: number }
  | { op: 'hop' };
const op6Arb: fc.Arbitrary<Op6> = fc.oneof(
  fc.record({ op: fc.constant('src' as const), a: addr6 }),
  fc.record({ op: fc.constant('dst' as const), a: addr6 }),
  fc.record({ op: fc.constant('sport' as const), p: u16 }),
  fc.record({ op: fc.constant('dport' as const), p: u16 }),
  fc.record({ op: fc.constant('hop' as const) }),
);

const RUNS = { seed: 20240611, numRuns: 400 };

/** Wrap the L4 view and return [csum valid, incremental == full recompute]; udp0 = zero stays zero. */
function checkL4(l4: TcpView | UdpView, psum: number, udpZero: boolean): string | null {
  if (l4 instanceof UdpView && udpZero) return l4.csum() === 0 ? null : 'UDP zero checksum changed';
  const ok = l4 instanceof UdpView ? l4.csumOk6(psum) : l4.csumOk(psum);
  if (!ok) return 'L4 checksum invalid';
  const inc = l4.csum();
  l4.fillCsum(psum);
  return l4.csum() === inc ? null : 'L4 incremental ' + inc + ' != full ' + l4.csum();
}

test('IPv4: random rewrites keep IP and L4 checksums valid and equal to a full recompute', (t) => {
  fc.assert(
    fc.property(
      u32,
      u32,
      fc.integer({ min: 1, max: 255 }),
      fc.integer({ min: 0, max: 10 }),
      l4Arb,
      payload,
      fc.array(opArb, { minLength: 1, maxLength: 8 }),
      (src, dst, ttl, optWords, l4spec, data, ops) => {
        const b = buildPacket({
          ip: { v: 4, src, dst, ttl, id: src & 0xffff, options: new Uint8Array(optWords * 4).fill(1) },
          l4: l4spec,
          payload: data,
        });
        const ip = new Ipv4View();
        if (ip.wrap(b, 0, b.length) !== WireError.None) return false;
        const l4: TcpView | UdpView = l4spec.kind === 'tcp' ? new TcpView() : new UdpView();
        if (l4.wrap(b, ip.l4Off(), ip.l4End()) !== WireError.None) return false;
        const udpZero = l4spec.kind === 'udp' && l4spec.noCsum === true;
        for (const o of ops) {
          switch (o.op) {
            case 'src': {
              const old = ip.src();
              ip.rewriteSrc(o.a);
              l4.pseudoReplace32(old, o.a);
              break;
            }
            case 'dst': {
              const old = ip.dst();
              ip.rewriteDst(o.a);
              l4.pseudoReplace32(old, o.a);
              break;
            }
            case 'sport':
              l4.rewriteSrcPort(o.p);
              break;
            case 'dport':
              l4.rewriteDstPort(o.p);
              break;
            case 'ttl':
              if (ip.ttl() > 1) ip.decTtl();
              break;
          }
        }
        if (!ip.csumOk()) return false;
        const incIp = ip.csum();
        ip.fillCsum();
        if (ip.csum() !== incIp) return false;
        return checkL4(l4, ip.pseudoSum(), udpZero) === null;
      },
    ),
    RUNS,
  );
  t.pass();
});

test('IPv6: random rewrites keep L4 checksums valid and equal to a full recompute', (t) => {
  const dstOpt: Ip6Ext = { type: 60, bytes: new Uint8Array([0, 0, 1, 4, 0, 0, 0, 0]) };
  fc.assert(
    fc.property(
      addr6,
      addr6,
      fc.boolean(),
      l4Arb,
      payload,
      fc.array(op6Arb, { minLength: 1, maxLength: 8 }),
      (src, dst, withExt, l4spec, data, ops) => {
        // IPv6 UDP checksums are mandatory: no zero-checksum packets here.
        const spec = l4spec.kind === 'udp' ? { ...l4spec, noCsum: false } : l4spec;
        const b = buildPacket({
          ip: { v: 6, src, dst, hopLimit: 64, ext: withExt ? [dstOpt] : [] },
          l4: spec,
          payload: data,
        });
        const ip = new Ipv6View();
        if (ip.wrap(b, 0, b.length) !== WireError.None) return false;
        const l4: TcpView | UdpView = spec.kind === 'tcp' ? new TcpView() : new UdpView();
        if (l4.wrap(b, ip.l4Off(), ip.l4End()) !== WireError.None) return false;
        for (const o of ops) {
          switch (o.op) {
            case 'src': {
              const old = ip.srcSum();
              ip.setSrc(o.a);
              l4.pseudoReplaceSums(old, addrSum6(o.a));
              break;
            }
            case 'dst': {
              const old = ip.dstSum();
              ip.setDst(o.a);
              l4.pseudoReplaceSums(old, ip.dstSum());
              break;
            }
            case 'sport':
              l4.rewriteSrcPort(o.p);
              break;
            case 'dport':
              l4.rewriteDstPort(o.p);
              break;
            case 'hop':
              if (ip.hopLimit() > 1) ip.decHopLimit();
              break;
          }
        }
        return checkL4(l4, ip.pseudoSum(), false) === null;
      },
    ),
    RUNS,
  );
  t.pass();
});

test('ICMPv6: address rewrites patched with pseudoReplaceSums equal a full recompute', (t) => {
  fc.assert(
    fc.property(addr6, addr6, addr6, payload, (src, dst, nd, data) => {
      const b = buildPacket({
        ip: { v: 6, src, dst },
        l4: { kind: 'icmp6', type: 128, code: 0, rest: 7 },
        payload: data,
      });
      const ip = new Ipv6View();
      const ic = new Icmpv6View();
      if (ip.wrap(b, 0, b.length) !== WireError.None || ic.wrap(b, ip.l4Off(), ip.l4End()) !== WireError.None)
        return false;
      const old = ip.dstSum();
      ip.setDst(nd);
      ic.pseudoReplaceSums(old, ip.dstSum());
      if (!ic.csumOk(ip.pseudoSum())) return false;
      const inc = ic.csum();
      ic.fillCsum(ip.pseudoSum());
      return inc === ic.csum();
    }),
    RUNS,
  );
  t.pass();
});

test('views never read out of bounds on random bytes (wrap then every accessor)', (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 120 }), (b) => {
      const ip = new Ipv4View();
      if (ip.wrap(b, 0, b.length) === WireError.None) {
        if (ip.l4End() > b.length || ip.l4Off() > ip.l4End()) return false;
        const tcp = new TcpView();
        if (tcp.wrap(b, ip.l4Off(), ip.l4End()) === WireError.None) {
          tcp.parseOptions();
          for (let p = tcp.firstOpt(); p >= 0; p = tcp.nextOpt(p))
            if (p + tcp.optLen(p) > ip.l4End()) return false;
        }
      }
      const ip6 = new Ipv6View();
      if (ip6.wrap(b, 0, b.length) === WireError.None) {
        if (ip6.l4Off() > ip6.l4End() || ip6.l4End() > b.length) return false;
      }
      const ic = new Icmpv6View();
      if (ic.wrap(b, 0, b.length) === WireError.None && ic.hasLlAddr() && !(ic.llAddr() >= 0)) return false;
      return true;
    }),
    { seed: 7, numRuns: 2000 },
  );
  t.pass();
});
