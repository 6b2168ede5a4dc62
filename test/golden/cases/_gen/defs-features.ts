/**
 * Golden cases: persistence with a netmask, port reuse, timeouts from the capture clock, TTL 1,
 * PMTU with TUN encapsulation, related ICMP (good and bogus quotes), no usable dest.
 * Table full is not here: `uvs replay` fixes the conn table at 262144 entries and has no flag to
 * shrink it, so a replay golden would need a 15-MB capture; fuzz.test.ts covers it in-process.
 */
import {
  decremented,
  DIR_IP4,
  DIR_MAC,
  dr,
  icmp4,
  icmp6,
  icmpError,
  ipPacket,
  macOf,
  natIn,
  natOut,
  payload,
  tcp,
  tun,
  udp,
  type CaseDef,
  type Step,
} from './lib.js';

const persistCase: CaseDef = {
  name: 'persist-netmask',
  description:
    'persistence -p 300 -M 255.255.255.0 (DR, rr): one template per client /24; conns of the same ' +
    "/24 go to the template's dest without the scheduler; templates count as persistent conns",
  rules: [
    '# DR, rr, persistent 300 s per /24',
    '-A -t 10.0.80.1:80 -s rr -p 300 -M 255.255.255.0',
    '-a -t 10.0.80.1:80 -r 10.0.81.1:80 -g -w 1',
    '-a -t 10.0.80.1:80 -r 10.0.81.2:80 -g -w 1',
    '-a -t 10.0.80.1:80 -r 10.0.81.3:80 -g -w 1',
  ].join('\n'),
  steps: (
    [
      ['192.168.80.5', 1000, '10.0.81.3', 'first client of 192.168.80.0/24: rr -> .3, template created'],
      ['192.168.80.6', 1001, '10.0.81.3', 'same /24: template -> .3, no scheduling'],
      ['192.168.81.5', 1002, '10.0.81.2', '192.168.81.0/24: rr -> .2'],
      ['192.168.80.5', 1003, '10.0.81.3', 'first client, new port: template -> .3'],
      ['192.168.82.5', 1004, '10.0.81.1', '192.168.82.0/24: rr -> .1'],
      ['192.168.81.9', 1005, '10.0.81.2', '192.168.81.0/24 again: template -> .2'],
    ] as const
  ).map(([c, port, rs, note]): Step => {
    const p = tcp(c, port, '10.0.80.1', 80, 'S', { seq: port, id: port });
    return { pkt: p, note, out: [dr(p, rs)] };
  }),
};

function portReuseCase(): CaseDef {
  const vip = '10.0.82.1';
  const c1 = '192.168.82.11';
  const c2 = '192.168.82.12';
  const s1 = tcp(c1, 43001, vip, 80, 'S', { seq: 1, id: 1 });
  const f1 = tcp(c1, 43001, vip, 80, 'FA', { seq: 2, id: 2 });
  const s1b = tcp(c1, 43001, vip, 80, 'S', { seq: 99, id: 3 });
  const s2 = tcp(c2, 43002, vip, 80, 'S', { seq: 5, id: 4 });
  const a2 = tcp(c2, 43002, vip, 80, 'A', { seq: 6, id: 5 });
  const s2b = tcp(c2, 43002, vip, 80, 'S', { seq: 5, id: 6 });
  const r1 = tcp(c1, 43001, vip, 80, 'R', { seq: 100, id: 7 });
  const s1c = tcp(c1, 43001, vip, 80, 'S', { seq: 99, id: 8 });
  return {
    name: 'port-reuse',
    description:
      'conn_reuse_mode 1 (DR, rr): a SYN on a conn in TIME_WAIT expires it and is rescheduled; a SYN ' +
      'on an ESTABLISHED or SYN_RECV conn stays on its dest; an RST in SYN_RECV keeps SYN_RECV',
    rules: [
      '# DR, rr, dests added .1 .2',
      '-A -t ' + vip + ':80 -s rr',
      '-a -t ' + vip + ':80 -r 10.0.83.1:80 -g -w 1',
      '-a -t ' + vip + ':80 -r 10.0.83.2:80 -g -w 1',
    ].join('\n'),
    steps: [
      { pkt: s1, note: 'c1 SYN -> .2', out: [dr(s1, '10.0.83.2')] },
      { pkt: f1, note: 'c1 FIN: SYN_RECV -> TIME_WAIT', out: [dr(f1, '10.0.83.2')] },
      {
        pkt: s1b,
        note: 'c1 SYN, same ports: TIME_WAIT conn expired, rescheduled -> .1',
        out: [dr(s1b, '10.0.83.1')],
      },
      { pkt: s2, note: 'c2 SYN -> .2', out: [dr(s2, '10.0.83.2')] },
      { pkt: a2, note: 'c2 ACK: ESTABLISHED', out: [dr(a2, '10.0.83.2')] },
      { pkt: s2b, note: 'c2 SYN again on ESTABLISHED: not rescheduled, .2', out: [dr(s2b, '10.0.83.2')] },
      { pkt: r1, note: 'c1 RST: SYN_RECV stays SYN_RECV (input-only table)', out: [dr(r1, '10.0.83.1')] },
      { pkt: s1c, note: 'c1 SYN on SYN_RECV: not rescheduled, .1', out: [dr(s1c, '10.0.83.1')] },
    ],
  };
}

function timeoutsCase(): CaseDef {
  const vip = '10.0.84.1';
  const pvip = '10.0.84.2';
  const a = '10.0.85.1';
  const b = '10.0.85.2';
  const u1 = (id: number): ReturnType<typeof udp> => udp('192.168.84.11', 7000, vip, 53, { id });
  const pu = (c: number, port: number, id: number): ReturnType<typeof udp> =>
    udp('192.168.84.' + c, port, pvip, 53, { id });
  const steps: Step[] = [];
  const add = (pkt: ReturnType<typeof udp>, gapMs: number, note: string, rs: string | null): void => {
    steps.push(
      rs === null ? { pkt, gapMs, note, drop: 'no_conn' } : { pkt, gapMs, note, out: [dr(pkt, rs)] },
    );
  };
  add(u1(1), 10, 't=0 u1 -> .2 (UDP timeout 10 s from --set)', b);
  add(pu(21, 7000, 2), 10, 'persistent service: pu1 -> .2, template 30 s', b);
  add(pu(22, 7000, 3), 10, 'pu2 -> .1, template 30 s', a);
  add(u1(4), 5000, 't=5 u1: conn alive, refreshed to t=15', b);
  add(u1(5), 9000, 't=14 u1: alive, refreshed to t=24', b);
  add(u1(6), 11000, 't=25 u1: conn expired at t=24, rescheduled -> .1', a);
  add(pu(21, 7001, 7), 10, 'pu1 new port: its template (until t=30) still holds -> .2', b);
  const syn = tcp('192.168.84.31', 44001, vip, 80, 'S', { id: 8 });
  const ack = tcp('192.168.84.31', 44001, vip, 80, 'A', { id: 9 });
  const syn2 = tcp('192.168.84.31', 44001, vip, 80, 'S', { id: 10 });
  add(syn, 10, 'TCP SYN -> .2 (SYN_RECV, 60 s)', b);
  add(ack, 61000, '61 s later: the SYN_RECV conn expired, the ACK finds none: dropped', null);
  add(syn2, 10, 'SYN again -> new conn, rr -> .1', a);
  add(pu(22, 7001, 11), 10, 'pu2 at t=86: its template expired at t=30: rr -> .2, new template', b);
  return {
    name: 'timeouts',
    description:
      'timeouts follow the capture clock: --set 0 0 10 makes UDP conns live 10 s (refreshed by ' +
      'traffic), SYN_RECV lives 60 s, a persistence template (-p 30) outlives its conns until its ' +
      'own timeout',
    rules: [
      '# DR, rr; UDP timeout 10 s; a persistent UDP service',
      '-A -u ' + vip + ':53 -s rr',
      '-a -u ' + vip + ':53 -r ' + a + ':53 -g -w 1',
      '-a -u ' + vip + ':53 -r ' + b + ':53 -g -w 1',
      '-A -t ' + vip + ':80 -s rr',
      '-a -t ' + vip + ':80 -r ' + a + ':80 -g -w 1',
      '-a -t ' + vip + ':80 -r ' + b + ':80 -g -w 1',
      '-A -u ' + pvip + ':53 -s rr -p 30',
      '-a -u ' + pvip + ':53 -r ' + a + ':53 -g -w 1',
      '-a -u ' + pvip + ':53 -r ' + b + ':53 -g -w 1',
      '--set 0 0 10',
    ].join('\n'),
    steps,
  };
}

function ttlCase(): CaseDef {
  const nvip = '10.0.86.1';
  const tvip = '10.0.86.2';
  const vip6 = 'fd00:86::1';
  const nrs = '10.0.87.1';
  const c1 = '192.168.86.11';
  const s1 = tcp(c1, 45001, nvip, 80, 'S', { seq: 1, id: 1, ttl: 1 });
  const s1b = tcp(c1, 45001, nvip, 80, 'S', { seq: 1, id: 2 });
  const sa1 = tcp(nrs, 80, c1, 45001, 'SA', { seq: 50, ack: 2, id: 3 });
  const a1 = tcp(c1, 45001, nvip, 80, 'A', { seq: 2, ack: 51, id: 4 });
  const rf1 = tcp(nrs, 80, c1, 45001, 'FA', { seq: 51, ack: 2, id: 5, ttl: 1 });
  const s6 = tcp('2001:db8:86::11', 45006, vip6, 80, 'S', { ttl: 1 });
  const s6b = tcp('2001:db8:86::12', 45007, vip6, 80, 'S', { ttl: 2 });
  const st = tcp('192.168.86.21', 45021, tvip, 80, 'S', { id: 6, ttl: 2 });
  const st1 = tcp('192.168.86.22', 45022, tvip, 80, 'S', { id: 7, ttl: 1 });
  return {
    name: 'ttl',
    description:
      'TTL / hop limit 1: ICMP time exceeded from the VIP after the conn was created (NAT, IPv6 DR, ' +
      'TUN); TTL 2 forwards with TTL 1 (TUN outer TTL 1); a NAT reply with TTL 1 is answered by the ' +
      "kernel's forwarding path from the director's address, before IPVS sees it",
    rules: [
      '# NAT, DR over IPv6 and TUN, one dest each',
      '-A -t ' + nvip + ':80 -s rr',
      '-a -t ' + nvip + ':80 -r ' + nrs + ':80 -m -w 1',
      '-A -t [' + vip6 + ']:80 -s rr',
      '-a -t [' + vip6 + ']:80 -r [fd00:87::1]:80 -g -w 1',
      '-A -t ' + tvip + ':80 -s rr',
      '-a -t ' + tvip + ':80 -r 10.0.87.2:80 -i -w 1',
    ].join('\n'),
    steps: [
      {
        pkt: s1,
        note: 'NAT SYN, TTL 1: conn created (SYN_RECV), ICMP 11/0 from the VIP quoting the SYN',
        out: [icmpError(s1, nvip, 11, 0, 0)],
        drop: 'ttl_exceeded',
      },
      { pkt: s1b, note: 'the SYN again, TTL 64 -> .1 on the same conn', out: [natIn(s1b, nrs, 80)] },
      { pkt: sa1, note: 'SYN-ACK back to the client', out: [natOut(sa1, nvip, 80, macOf(c1))] },
      { pkt: a1, note: 'ACK: ESTABLISHED (active)', out: [natIn(a1, nrs, 80)] },
      {
        pkt: rf1,
        note:
          'real server FIN with TTL 1: ip_forward answers ICMP 11/0 from 10.0.0.254 before the ' +
          'FORWARD hook, so IPVS never sees it and the conn stays ESTABLISHED',
        out: [icmpError(rf1, DIR_IP4, 11, 0, 0)],
        drop: 'ttl_exceeded',
      },
      {
        pkt: s6,
        note: 'IPv6 SYN, hop limit 1: ICMPv6 3/0 from the VIP',
        out: [icmpError(s6, vip6, 3, 0, 0)],
        drop: 'ttl_exceeded',
      },
      { pkt: s6b, note: 'IPv6 SYN, hop limit 2 -> forwarded with 1', out: [dr(s6b, 'fd00:87::1')] },
      { pkt: st, note: 'TUN SYN, TTL 2: inner TTL 1, outer TTL 1', out: [tun(st, '10.0.87.2')] },
      {
        pkt: st1,
        note: 'TUN SYN, TTL 1: ICMP 11/0 from the VIP',
        out: [icmpError(st1, tvip, 11, 0, 0)],
        drop: 'ttl_exceeded',
      },
    ],
  };
}

function pmtuCase(): CaseDef {
  const vip = '10.0.88.1';
  const vip6 = 'fd00:88::1';
  const dvip = '10.0.88.2';
  const rs = '10.0.89.1';
  const rs6 = 'fd00:89::1';
  const c = '192.168.88.11';
  const c6 = '2001:db8:88::11';
  const s = tcp(c, 46001, vip, 80, 'S', { id: 1 });
  const a = tcp(c, 46001, vip, 80, 'A', { id: 2 });
  const big = tcp(c, 46001, vip, 80, 'PA', { id: 3, len: 1460 });
  const fits = tcp(c, 46001, vip, 80, 'PA', { id: 4, len: 1440 });
  const s6 = tcp(c6, 46006, vip6, 80, 'S');
  const big6 = tcp(c6, 46006, vip6, 80, 'PA', { len: 1440 });
  const ds = tcp('192.168.88.12', 46002, dvip, 80, 'S', { id: 5 });
  const dfull = tcp('192.168.88.12', 46002, dvip, 80, 'PA', { id: 6, len: 1460 });
  return {
    name: 'pmtu',
    description:
      'PMTU with TUN: a 1500-byte DF packet does not fit in 1500 with the 20-byte outer header: ICMP ' +
      'frag-needed mtu 1480 from the VIP; 1480 bytes fit exactly; IPv6-in-IPv6: packet too big mtu ' +
      '1460; DR forwards 1500 bytes',
    rules: [
      '# TUN over IPv4 and IPv6, DR, MTU 1500',
      '-A -t ' + vip + ':80 -s rr',
      '-a -t ' + vip + ':80 -r ' + rs + ':80 -i -w 1',
      '-A -t [' + vip6 + ']:80 -s rr',
      '-a -t [' + vip6 + ']:80 -r [' + rs6 + ']:80 -i -w 1',
      '-A -t ' + dvip + ':80 -s rr',
      '-a -t ' + dvip + ':80 -r 10.0.89.2:80 -g -w 1',
    ].join('\n'),
    steps: [
      { pkt: s, note: 'SYN -> tunnel', out: [tun(s, rs)] },
      { pkt: a, note: 'ACK -> tunnel', out: [tun(a, rs)] },
      {
        pkt: big,
        note:
          '1500-byte DF segment: 1520 with the outer header > 1500: ICMP 3/4 mtu 1480 from the VIP, ' +
          'quoting the segment with its TTL already decremented (decrement_ttl runs before the MTU check)',
        out: [icmpError(big, vip, 3, 4, 1480, decremented(big))],
        drop: 'too_big',
      },
      { pkt: fits, note: '1480-byte segment: outer packet of exactly 1500', out: [tun(fits, rs)] },
      { pkt: s6, note: 'IPv6 SYN -> 6in6 tunnel', out: [tun(s6, rs6)] },
      {
        pkt: big6,
        note:
          '1500-byte IPv6 packet: 1540 > 1500: ICMPv6 packet too big mtu 1460 from the VIP, quoting ' +
          'hop limit 63',
        out: [icmpError(big6, vip6, 2, 0, 1460, decremented(big6))],
        drop: 'too_big',
      },
      { pkt: ds, note: 'DR SYN', out: [dr(ds, '10.0.89.2')] },
      { pkt: dfull, note: 'DR 1500-byte segment: fits the 1500 MTU', out: [dr(dfull, '10.0.89.2')] },
    ],
  };
}

function icmpCase(): CaseDef {
  const v1 = '10.0.90.1';
  const v2 = '10.0.90.2';
  const v6 = 'fd00:90::1';
  const rs1 = '10.0.91.1';
  const rs2 = '10.0.91.2';
  const rs6 = 'fd00:91::1';
  const c1 = '192.168.90.11';
  const c2 = '192.168.90.12';
  const c6 = '2001:db8:90::11';
  const r = '192.168.90.250';
  const r6 = '2001:db8:90::250';
  const head = (b: Uint8Array): Uint8Array => b.subarray(0, 28);
  const s1 = tcp(c1, 47001, v1, 80, 'S', { id: 1 });
  const s2 = tcp(c2, 47002, v2, 80, 'S', { id: 2 });
  const sa2 = tcp(rs2, 8080, c2, 47002, 'SA', { id: 3 });
  const s6 = tcp(c6, 47006, v6, 80, 'S');
  const q1 = head(ipPacket(tcp(v1, 80, c1, 47001, 'A', { seq: 9000, id: 77 })));
  const fn1 = icmp4(r, v1, 3, 4, 1400, q1);
  const q2 = head(ipPacket(tcp(v2, 80, c2, 47002, 'A', { id: 78 })));
  const q2nat = head(ipPacket(tcp(rs2, 8080, c2, 47002, 'A', { id: 78 })));
  const fn2 = icmp4(r, v2, 3, 4, 1400, q2);
  const fn2out = icmp4(r, rs2, 3, 4, 1400, q2nat, { ttl: 63, ethSrc: DIR_MAC, ethDst: macOf(rs2) });
  const q3 = head(ipPacket(tcp(c2, 47002, rs2, 8080, 'A', { id: 79 })));
  const q3nat = head(ipPacket(tcp(c2, 47002, v2, 80, 'A', { id: 79 })));
  const pu = icmp4(rs2, c2, 3, 3, 0, q3);
  const puout = icmp4(v2, c2, 3, 3, 0, q3nat, { ttl: 63, ethSrc: DIR_MAC, ethDst: macOf(c2) });
  const badsum = icmp4(r, v1, 3, 4, 1400, q1);
  badsum.bytes[14 + 20 + 2]! ^= 0x5a;
  const short = icmp4(r, v1, 11, 0, 0, q1.subarray(0, 16));
  const unknown = icmp4(r, v1, 3, 4, 1400, head(ipPacket(tcp(v1, 80, '192.168.90.99', 5555, 'A'))));
  const echo = icmp4(c1, v1, 8, 0, 0x00010001, payload(32));
  const quench = icmp4(r, v1, 4, 0, 0, q1);
  const q6 = ipPacket(tcp(v6, 80, c6, 47006, 'A', { len: 20 }));
  const ptb = icmp6(r6, v6, 2, 0, 1280, q6);
  const ptbUnknown = icmp6(r6, v6, 2, 0, 1280, ipPacket(tcp(v6, 80, '2001:db8:90::99', 5555, 'A')));
  const fragQuote = Uint8Array.from(q1);
  fragQuote[6] = 0x00;
  fragQuote[7] = 0x20;
  const frag = icmp4(r, v1, 3, 4, 1400, fragQuote);
  return {
    name: 'icmp-related',
    description:
      'ICMP errors about a conn: from a router to the VIP (DR: forwarded to the real server; NAT: outer ' +
      'destination, quoted source address/port and every checksum rewritten); from a NAT real server ' +
      'to the client (un-NATed); ICMPv6 packet too big; bogus quotes (bad checksum, truncated, unknown ' +
      'conn, non-first fragment) dropped; echo and other types left to the kernel',
    rules: [
      '# DR, NAT (:80 -> :8080) and IPv6 DR',
      '-A -t ' + v1 + ':80 -s rr',
      '-a -t ' + v1 + ':80 -r ' + rs1 + ':80 -g -w 1',
      '-A -t ' + v2 + ':80 -s rr',
      '-a -t ' + v2 + ':80 -r ' + rs2 + ':8080 -m -w 1',
      '-A -t [' + v6 + ']:80 -s rr',
      '-a -t [' + v6 + ']:80 -r [' + rs6 + ']:80 -g -w 1',
    ].join('\n'),
    steps: [
      { pkt: s1, note: 'DR conn c1', out: [dr(s1, rs1)] },
      { pkt: s2, note: 'NAT conn c2', out: [natIn(s2, rs2, 8080)] },
      { pkt: sa2, note: 'NAT SYN-ACK', out: [natOut(sa2, v2, 80, macOf(c2))] },
      { pkt: s6, note: 'IPv6 DR conn c6', out: [dr(s6, rs6)] },
      {
        pkt: fn1,
        note: 'router frag-needed quoting VIP:80 -> c1: forwarded to the DR real server',
        out: [dr(fn1, rs1)],
      },
      {
        pkt: fn2,
        note: 'router frag-needed quoting VIP:80 -> c2 (NAT): to .2 with the quote made .2:8080 -> c2',
        out: [{ bytes: fn2out.bytes }],
      },
      {
        pkt: pu,
        note: 'NAT real server port unreachable about c2 -> .2:8080: from the VIP, quote c2 -> VIP:80',
        out: [{ bytes: puout.bytes }],
      },
      {
        pkt: badsum,
        note: 'ICMP checksum wrong: dropped',
        drop: 'icmp_bad_quote',
        badInput: 'ICMP checksum corrupted',
      },
      {
        pkt: short,
        note: 'quote of 16 bytes, shorter than an IP header: dropped',
        drop: 'icmp_bad_quote',
        badInput: 'truncated quote',
      },
      { pkt: unknown, note: 'quote of a flow with no conn: dropped', drop: 'icmp_no_conn' },
      { pkt: echo, note: 'echo request to the VIP: the kernel answers, passed' },
      { pkt: quench, note: 'source quench quoting c1: related, forwarded (DR)', out: [dr(quench, rs1)] },
      { pkt: ptb, note: 'ICMPv6 packet too big quoting VIP6 -> c6: forwarded (DR)', out: [dr(ptb, rs6)] },
      { pkt: ptbUnknown, note: 'ICMPv6 quote with no conn: dropped', drop: 'icmp_no_conn' },
      {
        pkt: frag,
        note: 'quote of a non-first fragment (no ports): dropped',
        drop: 'icmp_bad_quote',
        badInput: 'quoted header edited to a fragment, its checksum left stale',
      },
    ],
  };
}

function noDestCase(): CaseDef {
  const vip = '10.0.92.1';
  const vip6 = 'fd00:92::1';
  const s = tcp('192.168.92.11', 48001, vip, 80, 'S', { id: 1 });
  const u = udp('192.168.92.12', 48002, vip, 53, { id: 2 });
  const s6 = tcp('2001:db8:92::11', 48006, vip6, 80, 'S');
  const sn = tcp('192.168.92.13', 48003, '10.0.92.2', 80, 'S', { id: 3 });
  return {
    name: 'no-dest',
    description:
      'no usable dest (all weight 0): ICMP / ICMPv6 port unreachable from the VIP, for TCP too ' +
      '(ip_vs_leave); a dest whose MAC is not known: dropped (the kernel would resolve it)',
    rules: [
      '# every dest quiesced; one dest without a neighbour entry',
      '-A -t ' + vip + ':80 -s rr',
      '-a -t ' + vip + ':80 -r 10.0.93.1:80 -g -w 0',
      '-A -u ' + vip + ':53 -s wlc',
      '-a -u ' + vip + ':53 -r 10.0.93.1:53 -g -w 0',
      '-A -t [' + vip6 + ']:80 -s rr',
      '-a -t [' + vip6 + ']:80 -r [fd00:93::1]:80 -g -w 0',
      '-A -t 10.0.92.2:80 -s rr',
      '-a -t 10.0.92.2:80 -r 10.0.93.9:80 -g -w 1',
    ].join('\n'),
    noNeighbor: ['10.0.93.9'],
    steps: [
      { pkt: s, note: 'TCP SYN: port unreachable', out: [icmpError(s, vip, 3, 3, 0)], drop: 'no_dest' },
      { pkt: u, note: 'UDP: port unreachable', out: [icmpError(u, vip, 3, 3, 0)], drop: 'no_dest' },
      { pkt: s6, note: 'IPv6 SYN: ICMPv6 1/4', out: [icmpError(s6, vip6, 1, 4, 0)], drop: 'no_dest' },
      { pkt: sn, note: 'dest 10.0.93.9 has no MAC: conn created, frame dropped', drop: 'no_neighbor' },
    ],
  };
}

export const FEATURE_CASES: CaseDef[] = [
  persistCase,
  portReuseCase(),
  timeoutsCase(),
  ttlCase(),
  pmtuCase(),
  icmpCase(),
  noDestCase(),
];
