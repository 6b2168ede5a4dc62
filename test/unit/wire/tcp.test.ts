import test from 'ava';
import { emitTcp, Ipv4View, parseTcp, TcpFlag, TcpOpt, TcpView, WireError } from '../../../src/wire/index.js';
import type { TcpRepr } from '../../../src/wire/index.js';
import { filled, hex, toHex } from '../../helpers/hex.js';

// IPv4 10.0.0.1:42001 -> 10.0.0.30:443 SYN with Linux's options (checksums computed independently).
const PACKET = hex`
  45 00 00 3c 01 2c 40 00 40 06 25 72 0a 00 00 01 0a 00 00 1e
  a4 11 01 bb 00 2d c6 c0 00 00 00 00 a0 02 fa f0 87 d0 00 00
  02 04 05 b4  04 02 08 0a 11 22 33 44 00 00 00 00  01 03 03 07`;
const SEG = PACKET.slice(20);

const REPR: TcpRepr = {
  srcPort: 42001,
  dstPort: 443,
  seq: 3000000,
  ack: 0,
  flags: TcpFlag.Syn,
  window: 64240,
  urgent: 0,
  mss: 1460,
  wscale: 7,
  sackPerm: true,
  ts: { val: 0x11223344, ecr: 0 },
  sack: [],
};

function wrapBoth(b: Uint8Array): { ip: Ipv4View; tcp: TcpView } {
  const ip = new Ipv4View();
  const tcp = new TcpView();
  if (ip.wrap(b, 0, b.length) !== WireError.None) throw new Error('ip');
  if (tcp.wrap(b, ip.l4Off(), ip.l4End()) !== WireError.None) throw new Error('tcp');
  return { ip, tcp };
}

test('deconstruct', (t) => {
  const { ip, tcp } = wrapBoth(PACKET);
  t.is(tcp.srcPort(), 42001);
  t.is(tcp.dstPort(), 443);
  t.is(tcp.seq(), 3000000);
  t.is(tcp.ack(), 0);
  t.is(tcp.headerLen(), 40);
  t.is(tcp.flags(), TcpFlag.Syn);
  t.true(tcp.syn());
  t.false(tcp.isAck() || tcp.fin() || tcp.rst() || tcp.psh() || tcp.urg());
  t.is(tcp.window(), 64240);
  t.is(tcp.csum(), 0x87d0);
  t.is(tcp.urgent(), 0);
  t.is(tcp.segLen(), 40);
  t.is(tcp.payloadOff(), 60);
  t.is(tcp.payloadLen(), 0);
  t.true(tcp.csumOk(ip.pseudoSum()));
});

test('options: parseOptions caches MSS, SACK-permitted, timestamps, window scale', (t) => {
  const { tcp } = wrapBoth(PACKET);
  t.is(tcp.parseOptions(), WireError.None);
  t.is(tcp.mss(), 1460);
  t.true(tcp.sackPerm());
  t.true(tcp.hasTs());
  t.is(tcp.tsVal(), 0x11223344);
  t.is(tcp.tsEcr(), 0);
  t.is(tcp.wscale(), 7);
  t.is(tcp.sackCount(), 0);
});

test('options: the cursor visits every option in order', (t) => {
  const { tcp } = wrapBoth(PACKET);
  const seen: string[] = [];
  for (let p = tcp.firstOpt(); p >= 0; p = tcp.nextOpt(p)) seen.push(tcp.optKind(p) + '/' + tcp.optLen(p));
  t.deepEqual(seen, ['2/4', '4/2', '8/10', '1/1', '3/3']);
});

test('options: SACK blocks, EOL stops the walk, unknown options skipped', (t) => {
  const seg = new Uint8Array(20 + 24);
  seg.set(hex`00 01 00 02 00 00 00 00 00 00 00 00 b0 10 00 00 00 00 00 00`, 0);
  seg.set(hex`01 01 05 12 00 00 00 0a 00 00 00 14 00 00 00 1e 00 00 00 28 fe 02 00 ff`, 20);
  const tcp = new TcpView();
  t.is(tcp.wrap(seg, 0, seg.length), WireError.None);
  t.is(tcp.parseOptions(), WireError.None);
  t.is(tcp.sackCount(), 2);
  t.is(tcp.sackLeft(0), 10);
  t.is(tcp.sackRight(0), 20);
  t.is(tcp.sackLeft(1), 30);
  t.is(tcp.sackRight(1), 40);
  t.is(tcp.mss(), -1);
  t.is(tcp.wscale(), -1);
  t.false(tcp.sackPerm());
  t.false(tcp.hasTs());
  seg[42] = 0; // EOL, then garbage: not read
  seg[43] = 0xff;
  t.is(tcp.parseOptions(), WireError.None);
});

test('options: malformed lengths are BadOption and stop the cursor', (t) => {
  const tcp = new TcpView();
  const mk = (opts: Uint8Array): Uint8Array => {
    const seg = new Uint8Array(20 + opts.length);
    seg.set(hex`00 01 00 02 00 00 00 00 00 00 00 00 00 02 00 00 00 00 00 00`, 0);
    seg[12] = ((20 + opts.length) >>> 2) << 4;
    seg.set(opts, 20);
    return seg;
  };
  for (const [name, opts] of [
    ['len 0', hex`02 00 00 00`],
    ['len 1', hex`03 01 00 00`],
    ['past header', hex`01 01 08 0a 00 00 00 00`],
    ['MSS len 3', hex`02 03 00 00`],
    ['wscale len 4', hex`03 04 00 00`],
    ['sack-perm len 3', hex`04 03 00 00`],
    ['ts len 8', hex`08 08 00 00 00 00 00 00`],
    ['sack len 6', hex`05 06 00 00 00 00 00 00`],
    ['kind with no length byte', hex`01 01 01 02`],
  ] as const) {
    const seg = mk(opts);
    t.is(tcp.wrap(seg, 0, seg.length), WireError.None, name);
    t.is(tcp.parseOptions(), WireError.BadOption, name);
  }
  const seg = mk(hex`01 01 08 0a 00 00 00 00`);
  t.is(tcp.wrap(seg, 0, seg.length), WireError.None);
  const kinds: number[] = [];
  for (let p = tcp.firstOpt(); p >= 0; p = tcp.nextOpt(p)) kinds.push(tcp.optKind(p));
  t.deepEqual(kinds, [TcpOpt.Nop, TcpOpt.Nop]);
});

test('construct: every setter into a 0xa5 buffer', (t) => {
  const b = filled(22);
  b[13] = 0x50;
  const tcp = new TcpView();
  t.is(tcp.wrap(b, 1, 21), WireError.None);
  tcp.setSrcPort(42001);
  tcp.setDstPort(443);
  tcp.setSeq(3000000);
  tcp.setAck(0xfedcba98);
  tcp.setHeaderLen(20);
  tcp.setFlags(TcpFlag.Syn | TcpFlag.Ack);
  tcp.setWindow(64240);
  tcp.setCsum(0x1234);
  tcp.setUrgent(0x0102);
  t.is(toHex(b), 'a5 a4 11 01 bb 00 2d c6 c0 fe dc ba 98 50 12 fa f0 12 34 01 02 a5');
});

test('rewrites patch the checksum to the full recompute', (t) => {
  const b = PACKET.slice();
  const { ip, tcp } = wrapBoth(b);
  const check = (what: string): void => {
    t.true(tcp.csumOk(ip.pseudoSum()), what);
    const inc = tcp.csum();
    tcp.fillCsum(ip.pseudoSum());
    t.is(inc, tcp.csum(), what);
  };
  tcp.rewriteDstPort(8080);
  t.is(tcp.dstPort(), 8080);
  check('dport');
  tcp.rewriteSrcPort(1);
  check('sport');
  tcp.rewriteSeq(0xffffffff);
  check('seq');
  tcp.rewriteAck(12345);
  check('ack');
  // NAT: address on the IP view, carried into the pseudo-header on the TCP view.
  const old = ip.dst();
  ip.rewriteDst(0x0a000116);
  t.false(tcp.csumOk(ip.pseudoSum()));
  tcp.pseudoReplace32(old, 0x0a000116);
  check('daddr');
  t.true(ip.csumOk());
});

test('fillCsum reproduces the known checksum', (t) => {
  const b = PACKET.slice();
  const { ip, tcp } = wrapBoth(b);
  tcp.setCsum(0);
  tcp.fillCsum(ip.pseudoSum());
  t.is(tcp.csum(), 0x87d0);
  b[59]! ^= 0x40;
  t.false(tcp.csumOk(ip.pseudoSum()));
});

test('repr parse and emit (Linux option layout)', (t) => {
  const { tcp } = wrapBoth(PACKET);
  t.deepEqual(parseTcp(tcp), REPR);
  const b = filled(42);
  t.is(emitTcp(REPR, b, 1), 40);
  const expect = SEG.slice();
  expect[16] = 0;
  expect[17] = 0;
  t.is(toHex(b), 'a5 ' + toHex(expect) + ' a5');
  const r2: TcpRepr = { ...REPR, sackPerm: false, ts: null, mss: null, sack: [{ left: 1, right: 2 }] };
  const b2 = new Uint8Array(40);
  const n = emitTcp(r2, b2, 0);
  t.is(n, 20 + 4 + 12);
  t.is(tcp.wrap(b2, 0, n), WireError.None);
  t.deepEqual(parseTcp(tcp), r2);
  const r3: TcpRepr = { ...REPR, ts: null };
  const b3 = new Uint8Array(40);
  t.is(emitTcp(r3, b3, 0), 32);
  t.is(toHex(b3, 20, 32), '02 04 05 b4 01 01 04 02 01 03 03 07');
  t.is(tcp.wrap(b3, 0, 32), WireError.None);
  t.deepEqual(parseTcp(tcp), r3);
});

test('malformed: truncated, data offset < 5 or beyond the segment', (t) => {
  const tcp = new TcpView();
  t.is(tcp.wrap(SEG, 0, 19), WireError.Truncated);
  const b = SEG.slice();
  b[12] = 0x40;
  t.is(tcp.wrap(b, 0, b.length), WireError.BadHeaderLen);
  b[12] = 0x00;
  t.is(tcp.wrap(b, 0, b.length), WireError.BadHeaderLen);
  t.is(tcp.wrap(SEG, 0, 39), WireError.BadHeaderLen);
  b[12] = 0xf0;
  t.is(tcp.wrap(b, 0, b.length), WireError.BadHeaderLen);
  t.is(parseTcp(wrapBad()), null);
});

function wrapBad(): TcpView {
  const seg = new Uint8Array(24);
  seg[12] = 0x60;
  seg.set(hex`02 00 00 00`, 20);
  const v = new TcpView();
  v.wrap(seg, 0, 24);
  return v;
}
