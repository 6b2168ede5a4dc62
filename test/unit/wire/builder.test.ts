import test from 'ava';
import {
  buildArpFrame,
  buildFrame,
  EthernetView,
  Ipv4View,
  Ipv6View,
  parseIpv6Addr,
  TcpFlag,
  TcpView,
  UdpView,
  WireError,
} from '../../../src/wire/index.js';
import { hex, toHex } from '../../helpers/hex.js';

test('buildFrame reproduces a recorded client SYN byte for byte (tun-sh-2 in.pcap frame 1)', (t) => {
  const f = buildFrame({
    eth: { src: 0x02000000006e, dst: 0x0200000000fe },
    ip: { v: 4, src: 0xac10006e, dst: 0x0a00001e, ttl: 64, id: 300, df: true },
    l4: {
      kind: 'tcp',
      srcPort: 42001,
      dstPort: 443,
      seq: 3000000,
      flags: TcpFlag.Syn,
      window: 64240,
      mss: 1460,
    },
  });
  t.is(
    toHex(f),
    toHex(hex`
      02 00 00 00 00 fe 02 00 00 00 00 6e 08 00
      45 00 00 2c 01 2c 40 00 40 06 83 04 ac 10 00 6e 0a 00 00 1e
      a4 11 01 bb 00 2d c6 c0 00 00 00 00 60 02 fa f0 79 df 00 00 02 04 05 b4`),
  );
});

test('VLAN tag, padding and lengths', (t) => {
  const f = buildFrame({
    eth: { src: 1, dst: 2, vlan: 100 },
    ip: { v: 4, src: 1, dst: 2 },
    l4: { kind: 'udp', srcPort: 1, dstPort: 2 },
    payload: hex`01 02`,
    pad: true,
  });
  t.is(f.length, 60);
  const eth = new EthernetView();
  t.is(eth.wrap(f, 0, f.length), WireError.None);
  t.is(eth.vlanId(), 100);
  const ip = new Ipv4View();
  t.is(ip.wrap(f, eth.l3Off(), f.length), WireError.None);
  t.is(ip.totalLen(), 30);
  const udp = new UdpView();
  t.is(udp.wrap(f, ip.l4Off(), ip.l4End()), WireError.None);
  t.is(udp.len(), 10);
  t.true(udp.csumOk6(ip.pseudoSum()));
});

test('IPv6 TCP frame checksums verify', (t) => {
  const f = buildFrame({
    eth: { src: 1, dst: 2 },
    ip: { v: 6, src: parseIpv6Addr('fd00::1')!, dst: parseIpv6Addr('fd00::fe')! },
    l4: { kind: 'tcp', srcPort: 1, dstPort: 80, flags: TcpFlag.Ack | TcpFlag.Psh, ts: { val: 1, ecr: 2 } },
    payload: hex`47 45 54 20 2f`,
  });
  const ip = new Ipv6View();
  t.is(ip.wrap(f, 14, f.length), WireError.None);
  const tcp = new TcpView();
  t.is(tcp.wrap(f, ip.l4Off(), ip.l4End()), WireError.None);
  t.true(tcp.csumOk(ip.pseudoSum()));
  t.is(tcp.payloadLen(), 5);
});

test('UDP noCsum leaves 0; ARP frame', (t) => {
  const f = buildFrame({
    eth: { src: 1, dst: 2 },
    ip: { v: 4, src: 1, dst: 2 },
    l4: { kind: 'udp', srcPort: 1, dstPort: 2, noCsum: true },
  });
  t.is(toHex(f, 40, 42), '00 00');
  const a = buildArpFrame(
    { src: 0x0200000000fe, dst: 0xffffffffffff },
    { op: 1, sha: 0x0200000000fe, spa: 0x0a0000fe, tha: 0, tpa: 0x0a0000fe },
    true,
  );
  t.is(a.length, 60);
  t.is(toHex(a, 12, 14), '08 06');
});
