import test from 'ava';
import {
  buildEncapFrame,
  buildPacket,
  encapIpv4,
  encapIpv6,
  EthernetView,
  IpProto,
  Ipv4View,
  Ipv6View,
  parseIpv6Addr,
  WireError,
} from '../../../src/wire/index.js';
import type { Ipv4Repr, Ipv6Repr } from '../../../src/wire/index.js';
import { hex, toHex } from '../../helpers/hex.js';

const INNER = buildPacket({
  ip: { v: 4, src: 0xac10006e, dst: 0x0a00001e, ttl: 63, id: 300, df: true },
  l4: { kind: 'tcp', srcPort: 42001, dstPort: 443, seq: 3000000, flags: 2, mss: 1460, window: 64240 },
});

// kernel-cases/tun-sh-2, frame 1: what arrived at the director and what kernel IPVS sent.
const KERNEL_IN = hex`
  02 00 00 00 00 fe 02 00 00 00 00 6e 08 00
  45 00 00 2c 01 2c 40 00 40 06 83 04 ac 10 00 6e 0a 00 00 1e
  a4 11 01 bb 00 2d c6 c0 00 00 00 00 60 02 fa f0 79 df 00 00 02 04 05 b4`;
const KERNEL_OUT = hex`
  02 00 00 00 00 20 02 00 00 00 00 fe 08 00
  45 00 00 40 00 00 40 00 3f 04 25 9d 0a 00 00 fe 0a 00 01 20
  45 00 00 2c 01 2c 40 00 3f 06 84 04 ac 10 00 6e 0a 00 00 1e
  a4 11 01 bb 00 2d c6 c0 00 00 00 00 60 02 fa f0 79 df 00 00 02 04 05 b4`;

test('TUN steps reproduce kernel IPVS bytes (tun-sh-2 frame 1)', (t) => {
  const HEADROOM = 64;
  const b = new Uint8Array(HEADROOM + KERNEL_IN.length).fill(0xa5);
  b.set(KERNEL_IN, HEADROOM);
  const eth = new EthernetView();
  const ip = new Ipv4View();
  t.is(eth.wrap(b, HEADROOM, b.length), WireError.None);
  t.is(ip.wrap(b, eth.l3Off(), b.length), WireError.None);
  ip.decTtl();
  // The forwarder's one reusable outer Repr, filled per packet (kernel: TOS/DF copied, TTL = inner TTL, ID 0 with DF).
  const outer: Ipv4Repr = {
    src: 0x0a0000fe,
    dst: 0x0a000120,
    proto: IpProto.Ipip,
    ttl: ip.ttl(),
    tos: ip.tos(),
    id: 0,
    df: ip.df(),
    mf: false,
    fragOff: 0,
    options: new Uint8Array(0),
    payloadLen: 0,
  };
  const o = encapIpv4(outer, b, 0, ip.off, ip.totalLen());
  t.is(o, HEADROOM + 14 - 20);
  t.is(eth.wrap(b, o - 14, b.length), WireError.None);
  eth.setDst(0x020000000020);
  eth.setSrc(0x0200000000fe);
  eth.setEthertype(0x0800);
  t.is(toHex(b, o - 14), toHex(KERNEL_OUT));
  t.is(
    toHex(b, 0, o - 14),
    toHex(new Uint8Array(o - 14).fill(0xa5)),
    'nothing written below the outer frame',
  );
  const outerView = new Ipv4View();
  t.is(outerView.wrap(b, o, b.length), WireError.None);
  t.true(outerView.csumOk());
  t.is(encapIpv4(outer, b, o + 1, ip.off, ip.totalLen()), -1, 'headroom floor');
  t.is(encapIpv4(outer, b, 0, ip.off, 65516), -1, 'too long');
});

test('encapIpv6 writes an IPv6 outer header (IPv6-in-IPv6 and 4in6)', (t) => {
  const inner6 = buildPacket({
    ip: { v: 6, src: parseIpv6Addr('2001:db8::1')!, dst: parseIpv6Addr('2001:db8::80')! },
    l4: { kind: 'udp', srcPort: 1, dstPort: 2 },
  });
  const outer: Ipv6Repr = {
    src: parseIpv6Addr('fd00::fe')!,
    dst: parseIpv6Addr('fd00::21')!,
    nextHeader: IpProto.Ipv6,
    hopLimit: 63,
    trafficClass: 0,
    flowLabel: 0,
    payloadLen: 0,
  };
  const b = new Uint8Array(40 + inner6.length);
  b.set(inner6, 40);
  t.is(encapIpv6(outer, b, 0, 40, inner6.length), 0);
  const ip = new Ipv6View();
  t.is(ip.wrap(b, 0, b.length), WireError.None);
  t.is(ip.upperProto(), IpProto.Ipv6);
  t.is(ip.payloadLen(), inner6.length);
  t.is(ip.hopLimit(), 63);
  t.is(ip.l4Off(), 40);
  t.is(encapIpv6(outer, b, 1, 40, inner6.length), -1);
});

test('buildEncapFrame: Ethernet + outer + untouched inner', (t) => {
  const f = buildEncapFrame(
    { src: 0x0200000000fe, dst: 0x020000000020 },
    { v: 4, src: 0x0a0000fe, dst: 0x0a000120, ttl: 63, df: true },
    INNER,
  );
  const eth = new EthernetView();
  t.is(eth.wrap(f, 0, f.length), WireError.None);
  t.is(eth.ethertype(), 0x0800);
  const ip = new Ipv4View();
  t.is(ip.wrap(f, eth.l3Off(), f.length), WireError.None);
  t.is(ip.proto(), IpProto.Ipip);
  t.is(toHex(f, 34), toHex(INNER));
  const f6 = buildEncapFrame(
    { src: 1, dst: 2 },
    { v: 6, src: parseIpv6Addr('fd00::fe')!, dst: parseIpv6Addr('fd00::21')! },
    INNER,
  );
  const ip6 = new Ipv6View();
  t.is(ip6.wrap(f6, 14, f6.length), WireError.None);
  t.is(ip6.upperProto(), IpProto.Ipip);
});
