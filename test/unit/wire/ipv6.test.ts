import test from 'ava';
import {
  addrSum6,
  buildPacket,
  emitIpv6,
  IpProto,
  IPV6_MAX_EXT_HEADERS,
  Ipv6View,
  parseIpv6,
  parseIpv6Addr,
  WireError,
} from '../../../src/wire/index.js';
import type { Ip6Ext, Ipv6Repr } from '../../../src/wire/index.js';
import { filled, hex, toHex } from '../../helpers/hex.js';

const A1 = parseIpv6Addr('fd00::1')!;
const AFE = parseIpv6Addr('fd00::fe')!;

// fd00::1 -> fd00::fe, TC 0x12, flow 0xabcde, TCP SYN-ACK with 2 payload bytes (checksummed independently).
const PACKET = hex`
  61 2a bc de 00 16 06 40
  fd 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01
  fd 00 00 00 00 00 00 00 00 00 00 00 00 00 00 fe
  a4 11 00 50 00 00 00 01 00 00 00 02 50 12 03 e8 a4 1a 00 00 68 69`;

const REPR: Ipv6Repr = {
  src: A1,
  dst: AFE,
  nextHeader: 6,
  hopLimit: 64,
  trafficClass: 0x12,
  flowLabel: 0xabcde,
  payloadLen: 22,
};

test('deconstruct', (t) => {
  const v = new Ipv6View();
  t.is(v.wrap(PACKET, 0, PACKET.length), WireError.None);
  t.is(v.version(), 6);
  t.is(v.trafficClass(), 0x12);
  t.is(v.flowLabel(), 0xabcde);
  t.is(v.payloadLen(), 22);
  t.is(v.nextHeader(), 6);
  t.is(v.hopLimit(), 64);
  t.is(v.upperProto(), 6);
  t.is(v.l4Off(), 40);
  t.is(v.l4End(), 62);
  t.is(v.l4Len(), 22);
  t.is(v.extHeaderCount(), 0);
  t.false(v.fragSeen());
  t.is(v.srcWord(0), 0xfd000000);
  t.is(v.srcWord(3), 1);
  t.is(v.dstWord(3), 0xfe);
  const w = new Uint32Array(4);
  v.copyDst(w);
  t.deepEqual([...w], [0xfd000000, 0, 0, 0xfe]);
  t.true(v.srcEquals(A1));
  t.false(v.srcEquals(AFE));
  t.true(v.dstEquals(AFE));
  t.is(v.srcSum(), addrSum6(A1));
  t.is(v.dstSum(), 0xfd00 + 0xfe);
});

test('construct: every setter into a 0xa5 buffer', (t) => {
  const b = filled(42);
  b.set(hex`60 a5 a5 a5 00 00 3b`, 1);
  const v = new Ipv6View();
  t.is(v.wrap(b, 1, 42), WireError.None);
  t.is(v.upperProto(), IpProto.NoNext);
  v.setTrafficClass(0x12);
  v.setFlowLabel(0xabcde);
  v.setPayloadLen(22);
  v.setNextHeader(6);
  v.setHopLimit(64);
  v.setSrc(A1);
  v.setDst(AFE);
  t.is(toHex(b), 'a5 ' + toHex(PACKET, 0, 40) + ' a5');
  v.decHopLimit();
  t.is(v.hopLimit(), 63);
});

test('repr parse and emit', (t) => {
  const v = new Ipv6View();
  t.is(v.wrap(PACKET, 0, PACKET.length), WireError.None);
  t.deepEqual(parseIpv6(v), REPR);
  const b = filled(41);
  t.is(emitIpv6(REPR, b, 0), 40);
  t.is(toHex(b), toHex(PACKET, 0, 40) + ' a5');
});

const HBH = (): Ip6Ext => ({ type: IpProto.HopByHop, bytes: hex`00 00 01 04 00 00 00 00` });
const DST = (): Ip6Ext => ({ type: IpProto.DestOpts, bytes: hex`00 00 01 04 00 00 00 00` });
const RT = (): Ip6Ext => ({
  type: IpProto.Routing,
  bytes: hex`00 02 00 00 00 00 00 00 fd 00 00 00 00 00 00 00 00 00 00 00 00 00 00 09`,
});
const FRAG = (offUnits: number, more: boolean, id: number): Ip6Ext => {
  const b = new Uint8Array(8);
  b[2] = offUnits >>> 5;
  b[3] = ((offUnits << 3) & 0xf8) | (more ? 1 : 0);
  new DataView(b.buffer).setUint32(4, id);
  return { type: IpProto.Fragment, bytes: b };
};
const AH = (): Ip6Ext => ({
  type: IpProto.Ah,
  bytes: hex`00 04 00 00 00 00 01 00 00 00 00 07 00 00 00 00 00 00 00 00 00 00 00 00`,
});

function pkt(ext: Ip6Ext[], payload = new Uint8Array(4)): Uint8Array {
  return buildPacket({
    ip: { v: 6, src: A1, dst: AFE, ext },
    l4: { kind: 'udp', srcPort: 1, dstPort: 2 },
    payload,
  });
}

test('extension chain: hop-by-hop, routing, destination options, AH, then UDP', (t) => {
  const b = pkt([HBH(), RT(), DST(), AH()]);
  const v = new Ipv6View();
  t.is(v.wrap(b, 0, b.length), WireError.None);
  t.is(v.nextHeader(), IpProto.HopByHop);
  t.is(v.upperProto(), IpProto.Udp);
  t.is(v.extHeaderCount(), 4);
  t.is(v.l4Off(), 40 + 8 + 24 + 8 + 24);
  t.is(v.l4Len(), 12);
  t.false(v.fragSeen());
});

test('first fragment: reported, walk continues to the upper layer', (t) => {
  const b = pkt([FRAG(0, true, 0xdeadbeef)]);
  const v = new Ipv6View();
  t.is(v.wrap(b, 0, b.length), WireError.None);
  t.true(v.fragSeen());
  t.false(v.fragNonFirst());
  t.true(v.fragMore());
  t.is(v.fragOff(), 0);
  t.is(v.fragId(), 0xdeadbeef);
  t.is(v.upperProto(), IpProto.Udp);
  t.is(v.l4Off(), 48);
});

test('non-first fragment: the walk stops after the fragment header', (t) => {
  const b = pkt([DST(), FRAG(185, false, 7)]);
  // A real non-first fragment would follow with data, not headers: corrupt what follows.
  b[56] = IpProto.HopByHop;
  const v = new Ipv6View();
  t.is(v.wrap(b, 0, b.length), WireError.None);
  t.true(v.fragSeen());
  t.true(v.fragNonFirst());
  t.false(v.fragMore());
  t.is(v.fragOff(), 185);
  t.is(v.upperProto(), IpProto.Udp);
  t.is(v.l4Off(), 56);
});

test('ESP and No Next Header end the walk', (t) => {
  const v = new Ipv6View();
  const b = pkt([DST()]);
  b[40] = IpProto.Esp;
  t.is(v.wrap(b, 0, b.length), WireError.None);
  t.is(v.upperProto(), IpProto.Esp);
  t.is(v.l4Off(), 48);
  b[40] = IpProto.NoNext;
  t.is(v.wrap(b, 0, b.length), WireError.None);
  t.is(v.upperProto(), IpProto.NoNext);
});

test('bounded walk: IPV6_MAX_EXT_HEADERS pass, one more is TooManyExtHeaders', (t) => {
  const v = new Ipv6View();
  const ok = pkt(Array.from({ length: IPV6_MAX_EXT_HEADERS }, DST));
  t.is(v.wrap(ok, 0, ok.length), WireError.None);
  t.is(v.extHeaderCount(), IPV6_MAX_EXT_HEADERS);
  const tooMany = pkt(Array.from({ length: IPV6_MAX_EXT_HEADERS + 1 }, DST));
  t.is(v.wrap(tooMany, 0, tooMany.length), WireError.TooManyExtHeaders);
  // A self-referencing chain (each destination-options header naming another) is cut by the bound.
  const loop = new Uint8Array(40 + 8 * 64);
  loop.set(hex`60 00 00 00 02 00 3c 40`, 0);
  for (let p = 40; p < loop.length; p += 8) loop[p] = IpProto.DestOpts;
  t.is(v.wrap(loop, 0, loop.length), WireError.TooManyExtHeaders);
});

test('malformed chains are BadExtChain', (t) => {
  const v = new Ipv6View();
  const late = pkt([DST(), HBH()]);
  t.is(v.wrap(late, 0, late.length), WireError.BadExtChain, 'hop-by-hop not first');
  const twoFrags = pkt([FRAG(0, true, 1), FRAG(0, true, 1)]);
  t.is(v.wrap(twoFrags, 0, twoFrags.length), WireError.BadExtChain, 'two fragment headers');
  const over = pkt([DST()], new Uint8Array(0));
  over[41] = 2; // 24 bytes claimed, 16 present
  t.is(v.wrap(over, 0, over.length), WireError.BadExtChain, 'overruns payload');
  const shortAh = pkt([AH()]);
  shortAh[41] = 0; // (0+2)*4 = 8 < 12
  t.is(v.wrap(shortAh, 0, shortAh.length), WireError.BadExtChain, 'AH too short');
  const cut = pkt([DST()], new Uint8Array(0));
  cut[5] = 4; // payload 4: the 8-byte header does not fit
  t.is(v.wrap(cut, 0, cut.length), WireError.BadExtChain, 'header cut by payload length');
});

test('malformed fixed header', (t) => {
  const v = new Ipv6View();
  t.is(v.wrap(PACKET, 0, 39), WireError.Truncated);
  const b = PACKET.slice();
  b[0] = 0x41;
  t.is(v.wrap(b, 0, b.length), WireError.BadVersion);
  t.is(v.wrap(PACKET, 0, 61), WireError.BadTotalLen);
  const padded = new Uint8Array(80);
  padded.set(PACKET, 0);
  t.is(v.wrap(padded, 0, 80), WireError.None);
  t.is(v.l4End(), 62);
});

test('wrapQuoted clips to the quote', (t) => {
  const v = new Ipv6View();
  const q = PACKET.slice(0, 48);
  t.is(v.wrap(q, 0, 48), WireError.BadTotalLen);
  t.is(v.wrapQuoted(q, 0, 48), WireError.None);
  t.is(v.l4Off(), 40);
  t.is(v.l4End(), 48);
  const b = pkt([DST()]);
  t.is(v.wrapQuoted(b, 0, 44), WireError.BadExtChain);
});
