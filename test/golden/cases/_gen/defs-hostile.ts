/**
 * Golden case: a sample of hostile and odd inputs (shared/reference/hostile-inputs.md §2.2) mixed
 * with the traffic of live conns: each one dropped with its counted reason, passed to the kernel,
 * or forwarded exactly as the kernel would (IP options kept, padding and trailing bytes trimmed, a
 * bad L4 checksum left bad by DR and by NAT's incremental update).
 */
import { csumFold } from '../../../../src/wire/index.js';
import {
  arpReply,
  arpRequest,
  DIR_MAC,
  dr,
  macOf,
  mutate,
  natIn,
  tcp,
  udp,
  type CaseDef,
  type Pkt,
} from './lib.js';

/** One's-complement +1 on the value the checksum field stands for: stays wrong by the same amount. */
function skewCsum(c: number): number {
  return ~csumFold((~c & 0xffff) + 1) & 0xffff;
}

function skewAt(b: Uint8Array, o: number): void {
  const c = skewCsum((b[o]! << 8) | b[o + 1]!);
  b[o] = c >>> 8;
  b[o + 1] = c & 0xff;
}

function lldp(src: number): Uint8Array {
  const b = new Uint8Array(60);
  b.set([0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e], 0);
  for (let i = 5, m = src; i >= 0; i--, m = Math.floor(m / 256)) b[6 + i] = m % 256;
  b.set([0x88, 0xcc], 12);
  // chassis id (MAC), port id (MAC), TTL 120, end
  b.set([0x02, 0x07, 0x04, ...b.subarray(6, 12)], 14);
  b.set([0x04, 0x07, 0x03, ...b.subarray(6, 12)], 23);
  b.set([0x06, 0x02, 0x00, 0x78, 0x00, 0x00], 32);
  return b;
}

export function hostileCase(): CaseDef {
  const v1 = '10.0.94.1';
  const v2 = '10.0.94.2';
  const v6 = 'fd00:94::1';
  const rs1 = '10.0.95.1';
  const rs2 = '10.0.95.2';
  const rs6 = 'fd00:95::1';
  const c = '192.168.94.11';
  const c6 = '2001:db8:94::11';
  const syn = (o: Parameters<typeof tcp>[5] = {}, src = c, dst = v1, port = 80): Pkt =>
    tcp(src, 49001, dst, port, 'S', { id: 1, ...o });
  const good = syn();
  const runt = good.bytes.slice(0, 10);
  const ihl4 = mutate(good.bytes, (b) => (b[14] = 0x44));
  const longTotal = mutate(good.bytes, (b) => ((b[16] = 0), (b[17] = 200)));
  const badIpSum = mutate(good.bytes, (b) => (b[24]! ^= 0xff));
  const mf = syn({ mf: true, id: 2 });
  const later = syn({ fragOff: 185, id: 3 });
  const frag6 = tcp(c6, 49006, v6, 80, 'S', {
    ext: [{ type: 44, bytes: Uint8Array.of(0, 0, 0, 1, 0, 0, 0, 9) }],
  });
  const lo = syn({}, '127.0.0.1');
  const zero = syn({}, '0.1.2.3');
  const mcast = syn({}, '224.0.0.9');
  const self = syn({ ethSrc: 0x020000000099 }, '10.0.0.254');
  const vipToVip = syn({ ethSrc: 0x020000000098 }, v2);
  const port81 = syn({}, c, v1, 81);
  const ackNoConn = tcp(c, 49002, v1, 80, 'A', { id: 4 });
  const synRst = tcp(c, 49003, v1, 80, 'SR', { id: 5 });
  const badDoff = mutate(syn({ id: 6 }).bytes, (b) => (b[14 + 20 + 12] = 0xf0));
  const own = syn({ ethSrc: DIR_MAC, id: 7 });
  const arpVip = arpRequest(c, v1);
  const arpOther = arpRequest(c, '10.0.94.99');
  const notVip = tcp(c, 49004, '10.0.94.99', 80, 'S', { id: 8 });
  const toMcast = udp(c, 5353, '224.0.0.251', 5353, { id: 9, df: false });
  const opts = syn({ id: 10, options: Uint8Array.of(1, 1, 1, 0) }, '192.168.94.12');
  const hbh = tcp('2001:db8:94::12', 49007, v6, 80, 'S', {
    ext: [{ type: 0, bytes: Uint8Array.of(0, 0, 1, 4, 0, 0, 0, 0) }],
  });
  const trailer = syn({ id: 11 }, '192.168.94.13');
  const withJunk = new Uint8Array(trailer.bytes.length + 20).fill(0xa5);
  withJunk.set(trailer.bytes, 0);
  const badUdp = udp('192.168.94.14', 5000, v1, 53, { id: 12 });
  const badUdpBytes = mutate(badUdp.bytes, (b) => skewAt(b, 14 + 20 + 6));
  const natSyn = tcp('192.168.94.15', 49005, v2, 80, 'S', { id: 13 });
  const natSynBad = mutate(natSyn.bytes, (b) => skewAt(b, 14 + 20 + 16));
  return {
    name: 'hostile',
    description:
      'hostile and odd frames (hostile-inputs.md §2.2): runt, bad IHL / total length / IP checksum, ' +
      'fragments, martian sources, VIP to VIP, unknown port, TCP without a conn, bad TCP header, our ' +
      'own frame, non-IP, ARP, traffic not for a VIP; IP options and IPv6 extension headers forwarded; ' +
      'trailing bytes trimmed; bad L4 checksums left bad (DR untouched, NAT incremental)',
    rules: [
      '# DR :80 and UDP :53, NAT on a second VIP, IPv6 DR',
      '-A -t ' + v1 + ':80 -s rr',
      '-a -t ' + v1 + ':80 -r ' + rs1 + ':80 -g -w 1',
      '-A -u ' + v1 + ':53 -s rr',
      '-a -u ' + v1 + ':53 -r ' + rs1 + ':53 -g -w 1',
      '-A -t ' + v2 + ':80 -s rr',
      '-a -t ' + v2 + ':80 -r ' + rs2 + ':80 -m -w 1',
      '-A -t [' + v6 + ']:80 -s rr',
      '-a -t [' + v6 + ']:80 -r [' + rs6 + ']:80 -g -w 1',
    ].join('\n'),
    steps: [
      { pkt: runt, note: '10-byte frame', drop: 'runt', badInput: 'runt' },
      { pkt: ihl4, note: 'IPv4 IHL 4', drop: 'bad_ip_header', badInput: 'IHL 4' },
      { pkt: longTotal, note: 'total length 200 > frame', drop: 'bad_ip_header', badInput: 'total length' },
      { pkt: badIpSum, note: 'IPv4 header checksum wrong', drop: 'bad_ip_checksum', badInput: 'IP checksum' },
      { pkt: mf, note: 'first fragment (MF) to the VIP: not reassembled, dropped', drop: 'fragment' },
      { pkt: later, note: 'non-first fragment to the VIP', drop: 'fragment' },
      { pkt: frag6, note: 'IPv6 fragment header to the VIP', drop: 'fragment' },
      { pkt: lo, note: 'source 127.0.0.1', drop: 'martian' },
      { pkt: zero, note: 'source 0.1.2.3', drop: 'martian' },
      { pkt: mcast, note: 'multicast source 224.0.0.9', drop: 'martian' },
      { pkt: self, note: "source is the director's own address", drop: 'martian' },
      { pkt: vipToVip, note: 'VIP to VIP', drop: 'martian' },
      { pkt: port81, note: 'VIP port 81 has no service', drop: 'unknown_port' },
      { pkt: ackNoConn, note: 'ACK with no conn: not scheduled', drop: 'no_conn' },
      { pkt: synRst, note: 'SYN+RST: never schedules', drop: 'no_conn' },
      {
        pkt: badDoff,
        note: 'TCP data offset 60 > segment',
        drop: 'bad_l4_header',
        badInput: 'TCP header length',
      },
      { pkt: own, note: 'a frame from our own MAC', drop: 'own_frame' },
      { pkt: lldp(macOf(c)), note: 'LLDP: not IP, passed' },
      {
        pkt: arpVip,
        note: 'ARP who-has VIP: answered with the director MAC',
        out: [{ bytes: arpReply(c, v1) }],
      },
      { pkt: arpOther, note: 'ARP for an address that is no VIP: passed' },
      { pkt: notVip, note: 'TCP to an address that is no VIP: passed' },
      { pkt: toMcast, note: 'UDP to 224.0.0.251: passed' },
      { pkt: opts, note: 'SYN with IP options (IHL 6): forwarded, options kept', out: [dr(opts, rs1)] },
      { pkt: hbh, note: 'IPv6 SYN with a hop-by-hop header: forwarded with it', out: [dr(hbh, rs6)] },
      {
        pkt: withJunk,
        note: '20 bytes of 0xa5 after the IP packet: trimmed when forwarded',
        out: [dr(trailer, rs1)],
      },
      {
        pkt: badUdpBytes,
        note: 'UDP with a wrong checksum (DR): forwarded untouched, still wrong',
        out: [{ bytes: mutate(dr(badUdp, rs1).bytes, (b) => skewAt(b, 14 + 20 + 6)) }],
        badInput: 'UDP checksum skewed by one',
      },
      {
        pkt: natSynBad,
        note: 'NAT SYN with a wrong TCP checksum: patched incrementally, stays wrong by the same amount',
        out: [{ bytes: mutate(natIn(natSyn, rs2, 80).bytes, (b) => skewAt(b, 14 + 20 + 16)) }],
        badInput: 'TCP checksum skewed by one',
      },
      { pkt: good, note: 'a good SYN at last -> forwarded', out: [dr(good, rs1)] },
    ],
  };
}
