import test from 'ava';
import {
  buildPacket,
  emitIcmpv4,
  icmpEchoRest,
  Icmpv4Code,
  Icmpv4Type,
  Icmpv4View,
  Ipv4View,
  parseIcmpv4,
  WireError,
} from '../../../src/wire/index.js';
import { filled, hex, toHex } from '../../helpers/hex.js';

// Echo request id 0x4242 seq 7, "ping" (checksums computed independently).
const ECHO = hex`
  45 00 00 20 00 09 40 00 40 01 26 b6 0a 00 00 01 0a 00 00 1e
  08 00 d6 e5 42 42 00 07 70 69 6e 67`;

test('deconstruct echo', (t) => {
  const v = new Icmpv4View();
  t.is(v.wrap(ECHO, 20, 32), WireError.None);
  t.is(v.type(), Icmpv4Type.EchoRequest);
  t.is(v.code(), 0);
  t.is(v.csum(), 0xd6e5);
  t.is(v.rest(), 0x42420007);
  t.is(v.echoId(), 0x4242);
  t.is(v.echoSeq(), 7);
  t.true(v.isEcho());
  t.false(v.isError());
  t.is(v.quoteOff(), 28);
  t.is(v.dataLen(), 4);
  t.true(v.csumOk());
});

test('construct: every setter into a 0xa5 buffer', (t) => {
  const b = filled(10);
  const v = new Icmpv4View();
  t.is(v.wrap(b, 1, 9), WireError.None);
  v.setType(3);
  v.setCode(4);
  v.setCsum(0xabcd);
  v.setRest(0);
  v.setNextHopMtu(1480);
  t.is(toHex(b), 'a5 03 04 ab cd 00 00 05 c8 a5');
  t.true(v.isFragNeeded());
  t.is(v.nextHopMtu(), 1480);
  v.setEchoId(1);
  v.setEchoSeq(2);
  t.is(toHex(b, 5, 9), '00 01 00 02');
});

test('frag-needed error: MTU and the quoted packet', (t) => {
  const inner = buildPacket({
    ip: { v: 4, src: 0x0a000001, dst: 0x0a00001e, df: true },
    l4: { kind: 'tcp', srcPort: 42001, dstPort: 443, flags: 0x18 },
    payload: new Uint8Array(1400),
  });
  const pkt = buildPacket({
    ip: { v: 4, src: 0x0a0000fe, dst: 0x0a000001 },
    l4: { kind: 'icmp4', type: Icmpv4Type.DestUnreach, code: Icmpv4Code.FragNeeded, rest: 1400 },
    payload: inner.slice(0, 28),
  });
  const ip = new Ipv4View();
  t.is(ip.wrap(pkt, 0, pkt.length), WireError.None);
  const v = new Icmpv4View();
  t.is(v.wrap(pkt, ip.l4Off(), ip.l4End()), WireError.None);
  t.true(v.isError());
  t.true(v.isFragNeeded());
  t.is(v.nextHopMtu(), 1400);
  t.true(v.csumOk());
  const q = new Ipv4View();
  t.is(q.wrapQuoted(pkt, v.quoteOff(), v.end), WireError.None);
  t.is(q.totalLen(), 1440);
  t.is(q.src(), 0x0a000001);
  t.is(q.l4End() - q.l4Off(), 8);
  t.is((pkt[q.l4Off()]! << 8) | pkt[q.l4Off() + 1]!, 42001);
});

test('error types', (t) => {
  const b = new Uint8Array(8);
  const v = new Icmpv4View();
  t.is(v.wrap(b, 0, 8), WireError.None);
  for (const ty of [3, 4, 5, 11, 12]) {
    v.setType(ty);
    t.true(v.isError(), String(ty));
  }
  for (const ty of [0, 8, 13, 14]) {
    v.setType(ty);
    t.false(v.isError(), String(ty));
  }
  v.setType(12);
  b[4] = 20;
  t.is(v.pointer(), 20);
});

test('repr parse/emit and fillCsum', (t) => {
  const v = new Icmpv4View();
  t.is(v.wrap(ECHO, 20, 32), WireError.None);
  t.deepEqual(parseIcmpv4(v), { type: 8, code: 0, rest: icmpEchoRest(0x4242, 7) });
  const b = ECHO.slice(20);
  b.fill(0xa5, 0, 8);
  t.is(emitIcmpv4({ type: 8, code: 0, rest: icmpEchoRest(0x4242, 7) }, b, 0), 8);
  t.is(v.wrap(b, 0, b.length), WireError.None);
  t.false(v.csumOk());
  v.fillCsum();
  t.is(toHex(b), toHex(ECHO, 20));
});

test('malformed: fewer than 8 bytes', (t) => {
  const v = new Icmpv4View();
  t.is(v.wrap(ECHO, 20, 27), WireError.Truncated);
});
