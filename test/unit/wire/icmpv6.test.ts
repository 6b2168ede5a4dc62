import test from 'ava';
import {
  buildPacket,
  emitIcmpv6,
  Icmpv6Type,
  Icmpv6View,
  IpProto,
  Ipv6View,
  NA_OVERRIDE,
  NA_SOLICITED,
  parseIcmpv6,
  parseIpv6Addr,
  WireError,
} from '../../../src/wire/index.js';
import type { Icmpv6Repr } from '../../../src/wire/index.js';
import { filled, hex, toHex } from '../../helpers/hex.js';

const A1 = parseIpv6Addr('fd00::1')!;
const AFE = parseIpv6Addr('fd00::fe')!;

// NS from fd00::1 to ff02::1:ff00:fe for fd00::fe, SLLA 02:00:00:00:00:01 (checksum computed independently).
const NS = hex`
  60 00 00 00 00 20 3a ff
  fd 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01
  ff 02 00 00 00 00 00 00 00 00 00 01 ff 00 00 fe
  87 00 7b 9f 00 00 00 00
  fd 00 00 00 00 00 00 00 00 00 00 00 00 00 00 fe
  01 01 02 00 00 00 00 01`;

function wrapBoth(b: Uint8Array): { ip: Ipv6View; icmp: Icmpv6View } {
  const ip = new Ipv6View();
  const icmp = new Icmpv6View();
  if (ip.wrap(b, 0, b.length) !== WireError.None) throw new Error('ip');
  if (icmp.wrap(b, ip.l4Off(), ip.l4End()) !== WireError.None) throw new Error('icmp');
  return { ip, icmp };
}

test('deconstruct Neighbor Solicitation', (t) => {
  const { ip, icmp } = wrapBoth(NS);
  t.is(ip.upperProto(), IpProto.Icmpv6);
  t.is(icmp.type(), Icmpv6Type.NeighborSolicit);
  t.is(icmp.code(), 0);
  t.is(icmp.csum(), 0x7b9f);
  t.true(icmp.isNs());
  t.false(icmp.isNa());
  t.false(icmp.isError());
  t.true(icmp.targetEquals(AFE));
  t.is(icmp.targetWord(3), 0xfe);
  t.is(icmp.targetOff(), 48);
  t.true(icmp.hasLlAddr());
  t.is(icmp.llAddr(), 0x020000000001);
  t.true(icmp.csumOk(ip.pseudoSum()));
});

test('Neighbor Advertisement: answer the NS in place', (t) => {
  const b = NS.slice();
  const { ip, icmp } = wrapBoth(b);
  icmp.setType(Icmpv6Type.NeighborAdvert);
  icmp.setRest(NA_SOLICITED | NA_OVERRIDE);
  b[64] = 2; // the option becomes a target link-layer address
  const oldSum = ip.dstSum();
  ip.setDst(A1);
  ip.setSrc(AFE);
  t.is(icmp.wrap(b, 40, 72), WireError.None);
  icmp.setLlAddr(0x0200000000fe);
  icmp.fillCsum(ip.pseudoSum());
  t.true(icmp.csumOk(ip.pseudoSum()));
  t.true(icmp.isNa());
  t.true(icmp.naSolicited() && icmp.naOverride());
  t.false(icmp.naRouter());
  t.is(icmp.llAddr(), 0x0200000000fe);
  t.not(oldSum, ip.dstSum());
  t.deepEqual(parseIcmpv6(icmp), {
    type: 136,
    code: 0,
    rest: (NA_SOLICITED | NA_OVERRIDE) >>> 0,
    target: AFE,
    llAddr: 0x0200000000fe,
  });
});

test('NS without the option; options of another type are skipped', (t) => {
  const b = NS.slice();
  b[64] = 2; // a TLLA in an NS is not the SLLA
  const { icmp } = wrapBoth(b);
  t.false(icmp.hasLlAddr());
  t.is(icmp.llAddr(), -1);
  icmp.setLlAddr(5); // no effect
  t.is(toHex(b, 64), '02 01 02 00 00 00 00 01');
});

test('construct: setters into a 0xa5 buffer', (t) => {
  const b = filled(10);
  const v = new Icmpv6View();
  t.is(v.wrap(b, 1, 9), WireError.None);
  v.setType(2);
  v.setCode(0);
  v.setCsum(0x1234);
  v.setMtu(1280);
  t.is(toHex(b), 'a5 02 00 12 34 00 00 05 00 a5');
  t.is(v.mtu(), 1280);
  t.true(v.isError());
  const b2 = filled(26);
  b2[0] = 135;
  t.is(v.wrap(b2, 0, 24), WireError.None);
  v.setTarget(AFE);
  t.is(toHex(b2, 8), toHex(NS, 48, 64) + ' a5 a5');
});

test('Packet Too Big quoting an IPv6 TCP packet', (t) => {
  const inner = buildPacket({
    ip: { v: 6, src: A1, dst: AFE },
    l4: { kind: 'tcp', srcPort: 42001, dstPort: 80 },
    payload: new Uint8Array(1400),
  });
  const pkt = buildPacket({
    ip: { v: 6, src: AFE, dst: A1 },
    l4: { kind: 'icmp6', type: Icmpv6Type.PacketTooBig, code: 0, rest: 1280 },
    payload: inner.slice(0, 1232),
  });
  const { ip, icmp } = wrapBoth(pkt);
  t.true(icmp.csumOk(ip.pseudoSum()));
  t.true(icmp.isError());
  t.is(icmp.mtu(), 1280);
  const q = new Ipv6View();
  t.is(q.wrapQuoted(pkt, icmp.quoteOff(), icmp.end), WireError.None);
  t.is(q.upperProto(), IpProto.Tcp);
  t.true(q.srcEquals(A1));
});

test('echo and pseudoReplaceSums', (t) => {
  const pkt = buildPacket({
    ip: { v: 6, src: A1, dst: AFE },
    l4: { kind: 'icmp6', type: Icmpv6Type.EchoRequest, code: 0, rest: 0x00010002 },
    payload: hex`01 02 03`,
  });
  const { ip, icmp } = wrapBoth(pkt);
  t.is(icmp.echoId(), 1);
  t.is(icmp.echoSeq(), 2);
  const old = ip.dstSum();
  ip.setDst(parseIpv6Addr('2001:db8::42')!);
  icmp.pseudoReplaceSums(old, ip.dstSum());
  t.true(icmp.csumOk(ip.pseudoSum()));
  const inc = icmp.csum();
  icmp.fillCsum(ip.pseudoSum());
  t.is(icmp.csum(), inc);
});

test('repr parse/emit round trip (NS with SLLA)', (t) => {
  const { icmp } = wrapBoth(NS);
  const r: Icmpv6Repr = parseIcmpv6(icmp);
  t.deepEqual(r, { type: 135, code: 0, rest: 0, target: AFE, llAddr: 0x020000000001 });
  const b = filled(34);
  t.is(emitIcmpv6(r, b, 1), 32);
  const expect = NS.slice(40);
  expect[2] = 0;
  expect[3] = 0;
  t.is(toHex(b), 'a5 ' + toHex(expect) + ' a5');
  t.is(emitIcmpv6({ type: 128, code: 0, rest: 5, target: null, llAddr: null }, b, 0), 8);
});

test('malformed: truncated, short NS, bad option lengths', (t) => {
  const v = new Icmpv6View();
  t.is(v.wrap(NS, 40, 47), WireError.Truncated);
  t.is(v.wrap(NS, 40, 63), WireError.Truncated);
  t.is(v.wrap(NS, 40, 64), WireError.None);
  t.is(v.wrap(NS, 40, 65), WireError.BadOption);
  const b = NS.slice();
  b[65] = 0;
  t.is(v.wrap(b, 40, 72), WireError.BadOption);
  b[65] = 2;
  t.is(v.wrap(b, 40, 72), WireError.BadOption);
});
