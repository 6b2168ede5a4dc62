import test from 'ava';
import { buildPacket, emitUdp, Ipv4View, parseUdp, UdpView, WireError } from '../../../src/wire/index.js';
import { filled, hex, toHex } from '../../helpers/hex.js';

// 10.0.0.1:5353 -> 10.0.0.30:53, payload "abcd" (checksums computed independently).
const PACKET = hex`
  45 00 00 20 00 07 00 00 40 11 66 a8 0a 00 00 01 0a 00 00 1e
  14 e9 00 35 00 0c 11 d3 61 62 63 64`;

function wrapBoth(b: Uint8Array): { ip: Ipv4View; udp: UdpView } {
  const ip = new Ipv4View();
  const udp = new UdpView();
  if (ip.wrap(b, 0, b.length) !== WireError.None) throw new Error('ip');
  if (udp.wrap(b, ip.l4Off(), ip.l4End()) !== WireError.None) throw new Error('udp');
  return { ip, udp };
}

test('deconstruct', (t) => {
  const { ip, udp } = wrapBoth(PACKET);
  t.is(udp.srcPort(), 5353);
  t.is(udp.dstPort(), 53);
  t.is(udp.len(), 12);
  t.is(udp.csum(), 0x11d3);
  t.is(udp.payloadOff(), 28);
  t.is(udp.payloadLen(), 4);
  t.true(udp.csumOk(ip.pseudoSum()));
  t.true(udp.csumOk6(ip.pseudoSum()));
});

test('construct: every setter into a 0xa5 buffer', (t) => {
  const b = filled(10);
  b.set(hex`00 08`, 5);
  const udp = new UdpView();
  t.is(udp.wrap(b, 1, 9), WireError.None);
  udp.setSrcPort(5353);
  udp.setDstPort(53);
  udp.setLen(12);
  udp.setCsum(0x11d3);
  t.is(toHex(b), 'a5 14 e9 00 35 00 0c 11 d3 a5');
});

test('repr parse and emit', (t) => {
  const { udp } = wrapBoth(PACKET);
  t.deepEqual(parseUdp(udp), { srcPort: 5353, dstPort: 53 });
  const b = filled(10);
  t.is(emitUdp({ srcPort: 5353, dstPort: 53 }, 4, b, 1), 8);
  t.is(toHex(b), 'a5 14 e9 00 35 00 0c 00 00 a5');
});

test('rewrites patch the checksum; NAT address change', (t) => {
  const b = PACKET.slice();
  const { ip, udp } = wrapBoth(b);
  udp.rewriteDstPort(5300);
  udp.rewriteSrcPort(1);
  const old = ip.src();
  ip.rewriteSrc(0xc0a80101);
  udp.pseudoReplace32(old, 0xc0a80101);
  const inc = udp.csum();
  t.true(udp.csumOk6(ip.pseudoSum()));
  udp.fillCsum(ip.pseudoSum());
  t.is(udp.csum(), inc);
});

test('zero checksum: none over IPv4, left at zero by every rewrite', (t) => {
  const b = PACKET.slice();
  const { ip, udp } = wrapBoth(b);
  udp.setCsum(0);
  t.true(udp.csumOk(ip.pseudoSum()));
  t.false(udp.csumOk6(ip.pseudoSum()));
  udp.rewriteDstPort(1);
  udp.rewriteSrcPort(2);
  udp.pseudoReplace32(ip.dst(), 5);
  udp.pseudoReplaceSums(10, 20);
  t.is(udp.csum(), 0);
});

test('a computed zero is sent as 0xffff (RFC 768)', (t) => {
  // Find a payload word making the sum come out as zero: set the last word to the complement.
  const b = buildPacket({
    ip: { v: 4, src: 0x0a000001, dst: 0x0a00001e },
    l4: { kind: 'udp', srcPort: 1000, dstPort: 2000 },
    payload: new Uint8Array(2),
  });
  const { ip, udp } = wrapBoth(b);
  // csum C for payload 0; payload word X adds X, so X = C makes the folded sum 0xffff -> checksum 0.
  const c = udp.csum();
  b[28] = c >>> 8;
  b[29] = c & 0xff;
  udp.fillCsum(ip.pseudoSum());
  t.is(udp.csum(), 0xffff);
  t.true(udp.csumOk6(ip.pseudoSum()));
  // An incremental update landing on zero is written 0xffff too.
  udp.rewriteDstPort(2001);
  udp.rewriteDstPort(2000);
  t.is(udp.csum(), 0xffff);
  // Same through the pseudo-header: move dst away and back; the patched result lands on zero.
  const old = ip.dst();
  ip.rewriteDst(0x01020304);
  udp.pseudoReplace32(old, 0x01020304);
  t.not(udp.csum(), 0);
  ip.rewriteDst(old);
  udp.pseudoReplace32(0x01020304, old);
  t.is(udp.csum(), 0xffff);
  udp.pseudoReplaceSums(0x10, 0x20);
  udp.pseudoReplaceSums(0x20, 0x10);
  t.is(udp.csum(), 0xffff);
});

test('malformed: truncated, length < 8 or beyond the segment', (t) => {
  const udp = new UdpView();
  t.is(udp.wrap(PACKET, 20, 27), WireError.Truncated);
  const b = PACKET.slice();
  b[25] = 7;
  t.is(udp.wrap(b, 20, 32), WireError.BadTotalLen);
  b[25] = 13;
  t.is(udp.wrap(b, 20, 32), WireError.BadTotalLen);
  b[25] = 10; // shorter than the IP payload: allowed, the datagram is 10 bytes
  t.is(udp.wrap(b, 20, 32), WireError.None);
  t.is(udp.payloadLen(), 2);
});
