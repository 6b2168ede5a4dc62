import test from 'ava';
import { emitIpv4, Ipv4View, parseIpv4, WireError } from '../../../src/wire/index.js';
import type { Ipv4Repr } from '../../../src/wire/index.js';
import { filled, hex, toHex } from '../../helpers/hex.js';

// 10.0.0.1 -> 10.0.0.30, TCP, id 300, DF, TTL 64, total length 60 (checksum computed independently).
const HDR = hex`45 00 00 3c 01 2c 40 00 40 06 25 72 0a 00 00 01 0a 00 00 1e`;
const PACKET = new Uint8Array(60);
PACKET.set(HDR, 0);

const REPR: Ipv4Repr = {
  src: 0x0a000001,
  dst: 0x0a00001e,
  proto: 6,
  ttl: 64,
  tos: 0,
  id: 300,
  df: true,
  mf: false,
  fragOff: 0,
  options: new Uint8Array(0),
  payloadLen: 40,
};

test('deconstruct', (t) => {
  const v = new Ipv4View();
  t.is(v.wrap(PACKET, 0, PACKET.length), WireError.None);
  t.is(v.version(), 4);
  t.is(v.headerLen(), 20);
  t.is(v.tos(), 0);
  t.is(v.totalLen(), 60);
  t.is(v.id(), 300);
  t.is(v.flags(), 2);
  t.true(v.df());
  t.false(v.mf());
  t.is(v.fragOff(), 0);
  t.false(v.isFragment());
  t.is(v.ttl(), 64);
  t.is(v.proto(), 6);
  t.is(v.csum(), 0x2572);
  t.is(v.src(), 0x0a000001);
  t.is(v.dst(), 0x0a00001e);
  t.is(v.l4Off(), 20);
  t.is(v.l4End(), 60);
  t.is(v.l4Len(), 40);
  t.is(v.optionsLen(), 0);
  t.true(v.csumOk());
});

test('construct: every setter into a 0xa5 buffer', (t) => {
  const b = filled(24);
  const v = new Ipv4View();
  b.set(hex`45 a5 00 14`, 2);
  t.is(v.wrap(b, 2, 24), WireError.None);
  v.setVersionIhl(0x45);
  v.setTos(0xb8);
  v.setTotalLen(0x0123);
  v.setId(0xbeef);
  v.setFragOff(0);
  v.setDf(false);
  v.setMf(false);
  v.setMf(true);
  v.setFragOff(0x1abc);
  v.setTtl(1);
  v.setProto(17);
  v.setCsum(0xcafe);
  v.setSrc(0xc0a80001);
  v.setDst(0xffffffff);
  // the reserved flag bit of the 0xa5 fill is left alone: flag setters touch only their bit
  t.is(toHex(b), 'a5 a5 45 b8 01 23 be ef ba bc 01 11 ca fe c0 a8 00 01 ff ff ff ff a5 a5');
  v.setDf(true);
  v.setMf(false);
  t.is(toHex(b, 8, 10), 'da bc');
  t.true(v.df());
  t.is(v.fragOff(), 0x1abc);
  t.true(v.isFragment());
  v.setHeaderLen(24);
  t.is(b[2], 0x46);
});

test('fillCsum computes the known checksum; csumOk detects corruption', (t) => {
  const b = PACKET.slice();
  const v = new Ipv4View();
  t.is(v.wrap(b, 0, b.length), WireError.None);
  v.setCsum(0);
  t.false(v.csumOk());
  v.fillCsum();
  t.is(v.csum(), 0x2572);
  t.true(v.csumOk());
  b[15]! ^= 1;
  t.false(v.csumOk());
});

test('rewrites patch the header checksum to the full recompute', (t) => {
  const b = PACKET.slice();
  const v = new Ipv4View();
  t.is(v.wrap(b, 0, b.length), WireError.None);
  const check = (what: string): void => {
    const inc = v.csum();
    v.fillCsum();
    t.is(inc, v.csum(), what);
  };
  v.rewriteDst(0x0a000116);
  t.is(v.dst(), 0x0a000116);
  check('dst');
  v.rewriteSrc(0xc0000201);
  check('src');
  v.decTtl();
  t.is(v.ttl(), 63);
  check('ttl');
  v.rewriteTtl(255);
  check('ttl set');
  v.rewriteTos(0x10);
  t.is(v.tos(), 0x10);
  check('tos');
});

test('options: IHL 6 with a 4-byte option; repr round trip', (t) => {
  const r: Ipv4Repr = { ...REPR, options: hex`94 04 00 00`, payloadLen: 8 }; // router alert
  const b = filled(32);
  t.is(emitIpv4(r, b, 0), 24);
  const v = new Ipv4View();
  t.is(v.wrap(b, 0, 32), WireError.None);
  t.is(v.headerLen(), 24);
  t.is(v.optionsLen(), 4);
  t.is(v.l4Off(), 24);
  t.is(v.totalLen(), 32);
  t.true(v.csumOk());
  t.deepEqual(parseIpv4(v), r);
});

test('repr parse and emit', (t) => {
  const v = new Ipv4View();
  t.is(v.wrap(PACKET, 0, PACKET.length), WireError.None);
  t.deepEqual(parseIpv4(v), REPR);
  const b = filled(22);
  t.is(emitIpv4(REPR, b, 1), 20);
  t.is(toHex(b), 'a5 ' + toHex(HDR) + ' a5');
});

test('trailing bytes (Ethernet padding) are allowed; totalLen bounds the packet', (t) => {
  const small = hex`45 00 00 14 00 00 00 00 40 fd 00 00 0a 00 00 01 0a 00 00 02`;
  const b = new Uint8Array(46);
  b.set(small, 0);
  const v = new Ipv4View();
  t.is(v.wrap(b, 0, b.length), WireError.None);
  t.is(v.l4End(), 20);
  t.is(v.l4Len(), 0);
});

test('malformed: truncated, version, IHL < 5, header beyond frame, totalLen', (t) => {
  const v = new Ipv4View();
  t.is(v.wrap(PACKET, 0, 19), WireError.Truncated);
  const bad = (i: number, val: number, end = 60): number => {
    const b = PACKET.slice();
    b[i] = val;
    return v.wrap(b, 0, end);
  };
  t.is(bad(0, 0x65), WireError.BadVersion);
  t.is(bad(0, 0x44), WireError.BadHeaderLen);
  t.is(bad(0, 0x40), WireError.BadHeaderLen);
  t.is(bad(0, 0x4f, 40), WireError.Truncated);
  t.is(bad(3, 61), WireError.BadTotalLen); // beyond the frame
  t.is(bad(3, 19), WireError.BadTotalLen); // < IHL*4
  t.is(v.wrap(PACKET, 0, 59), WireError.BadTotalLen);
});

test('wrapQuoted: totalLen may exceed the quote, l4End is clipped', (t) => {
  const q = PACKET.slice(0, 28); // header + 8 bytes of TCP, as an ICMP error quotes
  const v = new Ipv4View();
  t.is(v.wrap(q, 0, 28), WireError.BadTotalLen);
  t.is(v.wrapQuoted(q, 0, 28), WireError.None);
  t.is(v.totalLen(), 60);
  t.is(v.l4Off(), 20);
  t.is(v.l4End(), 28);
  t.is(v.wrapQuoted(q, 0, 19), WireError.Truncated);
  const b = q.slice();
  b[3] = 10;
  t.is(v.wrapQuoted(b, 0, 28), WireError.BadTotalLen);
});
