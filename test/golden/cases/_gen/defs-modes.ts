/**
 * Golden cases: each forwarding method (DR, TUN, NAT) with TCP and UDP, over IPv4 and IPv6.
 * Expected frames come from the model in lib.ts (kernel behaviour), not from the engine.
 */
import { dr, macOf, natIn, natOut, tcp, tun, udp, type CaseDef } from './lib.js';

function drCase(name: string, v6: boolean): CaseDef {
  const vip = v6 ? 'fd00:20::1' : '10.0.20.1';
  const rs1 = v6 ? 'fd00:21::1' : '10.0.21.1';
  const rs2 = v6 ? 'fd00:21::2' : '10.0.21.2';
  const c = (n: number): string => (v6 ? '2001:db8:20::' + n.toString(16) : '192.168.20.' + n);
  const br = (a: string): string => (v6 ? '[' + a + ']' : a);
  const c1 = c(11);
  const c2 = c(12);
  const syn1 = tcp(c1, 40001, vip, 80, 'S', { seq: 100, mss: 1460, id: 1 });
  const syn2 = tcp(c2, 40002, vip, 80, 'S', { seq: 200, mss: 1460, id: 2 });
  const ack2 = tcp(c2, 40002, vip, 80, 'A', { seq: 201, id: 3, pad: !v6 });
  const u1 = udp(c(13), 5001, vip, 53, { id: 4 });
  const u1b = udp(c(13), 5001, vip, 53, { id: 5, len: 40 });
  const u2 = udp(c(14), 5002, vip, 53, { id: 6 });
  const ack1 = tcp(c1, 40001, vip, 80, 'A', { seq: 101, id: 7 });
  const data1 = tcp(c1, 40001, vip, 80, 'PA', { seq: 101, id: 8, len: 100 });
  const fin1 = tcp(c1, 40001, vip, 80, 'FA', { seq: 201, id: 9 });
  const last1 = tcp(c1, 40001, vip, 80, 'A', { seq: 202, id: 10 });
  return {
    name,
    description:
      'LVS-DR over ' +
      (v6 ? 'IPv6' : 'IPv4') +
      ', rr, TCP and UDP services sharing two real servers (added .1 then .2, so .2 is first): ' +
      'only the Ethernet addresses and the TTL/hop limit change' +
      (v6 ? '' : '; Ethernet padding is not forwarded'),
    rules: [
      '# DR, rr, TCP :80 and UDP :53, real servers added .1 then .2',
      '-A -t ' + br(vip) + ':80 -s rr',
      '-a -t ' + br(vip) + ':80 -r ' + br(rs1) + ':80 -g -w 1',
      '-a -t ' + br(vip) + ':80 -r ' + br(rs2) + ':80 -g -w 1',
      '-A -u ' + br(vip) + ':53 -s rr',
      '-a -u ' + br(vip) + ':53 -r ' + br(rs1) + ':53 -g -w 1',
      '-a -u ' + br(vip) + ':53 -r ' + br(rs2) + ':53 -g -w 1',
    ].join('\n'),
    steps: [
      { pkt: syn1, note: 'c1 SYN: rr picks the newest dest .2 (SYN_RECV, active)', out: [dr(syn1, rs2)] },
      { pkt: syn2, note: 'c2 SYN: rr moves on to .1', out: [dr(syn2, rs1)] },
      {
        pkt: ack2,
        note: 'c2 ACK' + (v6 ? '' : ' padded to 60 bytes: forwarded as its 54 IP-length bytes') + ' -> .1',
        out: [dr(ack2, rs1)],
      },
      { pkt: u1, note: 'UDP u1: the UDP service has its own rr: .2', out: [dr(u1, rs2)] },
      { pkt: u1b, note: 'UDP u1 again: same conn, .2', out: [dr(u1b, rs2)] },
      { pkt: u2, note: 'UDP u2: .1', out: [dr(u2, rs1)] },
      { pkt: ack1, note: 'c1 ACK: ESTABLISHED on .2', out: [dr(ack1, rs2)] },
      { pkt: data1, note: 'c1 100 bytes of data -> .2', out: [dr(data1, rs2)] },
      { pkt: fin1, note: 'c1 FIN: FIN_WAIT (input-only table), inactive', out: [dr(fin1, rs2)] },
      { pkt: last1, note: 'c1 last ACK: stays FIN_WAIT', out: [dr(last1, rs2)] },
    ],
  };
}

function tunCase(name: string, v6: boolean): CaseDef {
  const vip = v6 ? 'fd00:30::1' : '10.0.30.1';
  const rs1 = v6 ? 'fd00:31::1' : '10.0.31.1';
  const rs2 = v6 ? 'fd00:31::2' : '10.0.31.2';
  const c = (n: number): string => (v6 ? '2001:db8:30::' + n.toString(16) : '192.168.30.' + n);
  const br = (a: string): string => (v6 ? '[' + a + ']' : a);
  const syn1 = tcp(c(11), 41001, vip, 443, 'S', { seq: 1, mss: 1400, id: 11, tos: 0x10 });
  const ack1 = tcp(c(11), 41001, vip, 443, 'A', { seq: 2, id: 12, tos: 0x10 });
  const data1 = tcp(c(11), 41001, vip, 443, 'PA', { seq: 2, id: 13, len: 200, tos: 0x10 });
  const syn2 = tcp(c(12), 41002, vip, 443, 'S', { seq: 9, id: 14, ttl: 50 });
  const u1 = udp(c(13), 6001, vip, 4789, { id: 15, df: v6 });
  const u2 = udp(c(14), 6002, vip, 4789, { id: 16, df: true, tos: 0x28 });
  const nonDf = !v6;
  return {
    name,
    description:
      'LVS-TUN over ' +
      (v6 ? 'IPv6 (IPv6-in-IPv6 from fd00::fe)' : 'IPv4 (IPIP from 10.0.0.254)') +
      ', rr, TCP and UDP: the inner packet with its TTL decremented inside an outer header whose ' +
      'TTL is the decremented inner TTL, TOS/traffic class copied' +
      (v6 ? '' : ', DF copied, ID 0 with DF and a director-chosen ID without'),
    rules: [
      '# TUN, rr, TCP :443 and UDP :4789, real servers added .1 then .2',
      '-A -t ' + br(vip) + ':443 -s rr',
      '-a -t ' + br(vip) + ':443 -r ' + br(rs1) + ':443 -i -w 1',
      '-a -t ' + br(vip) + ':443 -r ' + br(rs2) + ':443 -i -w 1',
      '-A -u ' + br(vip) + ':4789 -s rr',
      '-a -u ' + br(vip) + ':4789 -r ' + br(rs1) + ':4789 -i -w 1',
      '-a -u ' + br(vip) + ':4789 -r ' + br(rs2) + ':4789 -i -w 1',
    ].join('\n'),
    steps: [
      { pkt: syn1, note: 'c1 SYN, TOS 0x10 -> .2, outer TOS 0x10', out: [tun(syn1, rs2)] },
      { pkt: ack1, note: 'c1 ACK -> .2', out: [tun(ack1, rs2)] },
      { pkt: data1, note: 'c1 200 bytes -> .2', out: [tun(data1, rs2)] },
      { pkt: syn2, note: 'c2 SYN with TTL 50 -> .1, inner and outer TTL 49', out: [tun(syn2, rs1)] },
      {
        pkt: u1,
        note: nonDf ? 'UDP without DF -> .2: outer without DF, IP ID chosen by the director' : 'UDP -> .2',
        out: [{ ...tun(u1, rs2), ipIdChosen: nonDf }],
      },
      { pkt: u2, note: 'UDP, TOS 0x28 -> .1', out: [tun(u2, rs1)] },
    ],
  };
}

function natCase(name: string, v6: boolean): CaseDef {
  const vip = v6 ? 'fd00:40::1' : '10.0.40.1';
  const rs1 = v6 ? 'fd00:41::1' : '10.0.41.1';
  const rs2 = v6 ? 'fd00:41::2' : '10.0.41.2';
  const c = (n: number): string => (v6 ? '2001:db8:40::' + n.toString(16) : '192.168.40.' + n);
  const br = (a: string): string => (v6 ? '[' + a + ']' : a);
  const c1 = c(11);
  const c2 = c(12);
  const u1c = c(13);
  const u2c = c(14);
  const syn1 = tcp(c1, 42001, vip, 80, 'S', { seq: 1000, mss: 1460, id: 21 });
  const synack1 = tcp(rs2, 8080, c1, 42001, 'SA', { seq: 7000, ack: 1001, mss: 1460, id: 31 });
  const ack1 = tcp(c1, 42001, vip, 80, 'A', { seq: 1001, ack: 7001, id: 22 });
  const req1 = tcp(c1, 42001, vip, 80, 'PA', { seq: 1001, ack: 7001, id: 23, len: 120 });
  const resp1 = tcp(rs2, 8080, c1, 42001, 'PA', { seq: 7001, ack: 1121, id: 32, len: 300 });
  const syn2 = tcp(c2, 42002, vip, 80, 'S', { seq: 2000, id: 24 });
  const fin1 = tcp(c1, 42001, vip, 80, 'FA', { seq: 1121, ack: 7301, id: 25 });
  const rsfin1 = tcp(rs2, 8080, c1, 42001, 'FA', { seq: 7301, ack: 1122, id: 33 });
  const last1 = tcp(c1, 42001, vip, 80, 'A', { seq: 1122, ack: 7302, id: 26 });
  const synack2 = tcp(rs1, 8080, c2, 42002, 'SA', { seq: 9000, ack: 2001, id: 34 });
  const q1 = udp(u1c, 7001, vip, 53, { id: 27 });
  const a1 = udp(rs2, 5353, u1c, 7001, { id: 35, len: 60 });
  const q2 = udp(u2c, 7002, vip, 53, { id: 28, noCsum: !v6 });
  const stray = tcp(rs1, 8080, c(99), 1234, 'A', { id: 36 });
  return {
    name,
    description:
      'LVS-NAT over ' +
      (v6 ? 'IPv6' : 'IPv4') +
      ', rr, VIP :80 -> real servers :8080 and VIP :53 -> :5353: requests get the real server ' +
      'address and port, replies leave from the VIP to the client MAC, TTL decremented both ways, ' +
      'checksums patched' +
      (v6 ? '' : '; a UDP checksum of 0 stays 0'),
    rules: [
      '# NAT, rr, TCP :80 -> :8080 and UDP :53 -> :5353, real servers added .1 then .2',
      '-A -t ' + br(vip) + ':80 -s rr',
      '-a -t ' + br(vip) + ':80 -r ' + br(rs1) + ':8080 -m -w 1',
      '-a -t ' + br(vip) + ':80 -r ' + br(rs2) + ':8080 -m -w 1',
      '-A -u ' + br(vip) + ':53 -s rr',
      '-a -u ' + br(vip) + ':53 -r ' + br(rs1) + ':5353 -m -w 1',
      '-a -u ' + br(vip) + ':53 -r ' + br(rs2) + ':5353 -m -w 1',
    ].join('\n'),
    steps: [
      { pkt: syn1, note: 'c1 SYN -> .2:8080 (SYN_RECV)', out: [natIn(syn1, rs2, 8080)] },
      {
        pkt: synack1,
        note: '.2 SYN-ACK -> from the VIP :80 to c1 (output syn keeps SYN_RECV)',
        out: [natOut(synack1, vip, 80, macOf(c1))],
      },
      { pkt: ack1, note: 'c1 ACK: ESTABLISHED', out: [natIn(ack1, rs2, 8080)] },
      { pkt: req1, note: 'c1 request, 120 bytes', out: [natIn(req1, rs2, 8080)] },
      { pkt: resp1, note: '.2 response, 300 bytes, un-NATed', out: [natOut(resp1, vip, 80, macOf(c1))] },
      { pkt: syn2, note: 'c2 SYN -> .1:8080', out: [natIn(syn2, rs1, 8080)] },
      { pkt: fin1, note: 'c1 FIN: CLOSE_WAIT (inactive)', out: [natIn(fin1, rs2, 8080)] },
      { pkt: rsfin1, note: '.2 FIN: TIME_WAIT', out: [natOut(rsfin1, vip, 80, macOf(c1))] },
      { pkt: last1, note: 'c1 last ACK: TIME_WAIT', out: [natIn(last1, rs2, 8080)] },
      { pkt: synack2, note: '.1 SYN-ACK to c2, un-NATed', out: [natOut(synack2, vip, 80, macOf(c2))] },
      { pkt: q1, note: 'UDP query u1 -> .2:5353', out: [natIn(q1, rs2, 5353)] },
      { pkt: a1, note: '.2 UDP answer, 60 bytes, from the VIP :53', out: [natOut(a1, vip, 53, macOf(u1c))] },
      {
        pkt: q2,
        note: v6
          ? 'UDP query u2 -> .1:5353'
          : 'UDP query u2 without checksum (0) -> .1:5353, checksum stays 0',
        out: [natIn(q2, rs1, 5353)],
      },
      { pkt: stray, note: 'a real server segment matching no conn: not ours, passed to the kernel' },
    ],
  };
}

export const MODE_CASES: CaseDef[] = [
  drCase('dr-ipv4', false),
  drCase('dr-ipv6', true),
  tunCase('tun-ipv4', false),
  tunCase('tun-ipv6', true),
  natCase('nat-ipv4', false),
  natCase('nat-ipv6', true),
];
