// ICMP through the engine: time exceeded for TTL/hop limit 1 (kernel-cases dr-ttl1), PMTU
// (fragmentation needed / packet too big after TUN encapsulation), and ICMP errors related to
// conns in both directions (DR forwarded, NAT rewritten), with bogus quotes counted.
import test from 'ava';
import { buildPacket, type PacketSpec } from '../../../src/wire/builder.js';
import {
  clientFrame,
  directorFrame,
  findConn,
  ip4,
  ip6,
  macFor,
  statsOf,
  SYN,
  tcpSpec,
  toHost,
  udpSpec,
  withEngine,
  type EngineHarness,
} from '../../helpers/engine-harness.js';

const VIP = '10.0.0.90';
const C = '192.168.9.101';
const CMAC = macFor(ip4(C));
const SVC = '-t 10.0.0.90:80';
const DR = `
-A -t 10.0.0.90:80 -s rr
-a -t 10.0.0.90:80 -r 10.0.1.91:80 -g -w 1
-a -t 10.0.0.90:80 -r 10.0.1.92:80 -g -w 1
`;
const DR6 = `
-A -t [fd00::90]:80 -s rr
-a -t [fd00::90]:80 -r [fd00::a:91]:80 -g -w 1
`;
const VIP6 = 'fd00::90';
const C6 = '2001:db8::65';
const C6MAC = macFor(ip6(C6));

// ---- TTL / hop limit ----------------------------------------------------------------------

test('TTL 1 SYN: ICMP time exceeded from the VIP quoting it, conn still created, ICMP counted out', (t) => {
  const h = withEngine({ rules: DR });
  const spec = tcpSpec(C, 51002, VIP, 80, SYN, { ttl: 1, id: 920, seq: 9200000 });
  const inFrame = clientFrame(spec);
  const r = h.send(inFrame, 0);
  t.is(r.drop, 'ttl_exceeded');
  const icmp: PacketSpec = {
    ip: { v: 4, src: ip4(VIP), dst: ip4(C), ttl: 64, tos: 0xc0, id: 2 },
    l4: { kind: 'icmp4', type: 11, code: 0 },
    payload: inFrame.subarray(14),
  };
  t.deepEqual(r.out, directorFrame(icmp, CMAC));
  t.is(h.st.conns.count, 1);
  const i = findConn(h.st, 4, 6, C, 51002, VIP, 80);
  t.true(i >= 0);
  const d = h.dest(SVC, '10.0.1.92:80');
  const inLen = buildPacket(spec).length;
  t.deepEqual(statsOf(d.stats), [1, 1, 1, inLen, 28 + inLen]);
  t.deepEqual(statsOf(h.svc(SVC).stats), [1, 1, 1, inLen, 28 + inLen]);
  t.deepEqual(statsOf(h.st.stats), [1, 1, 1, inLen, 28 + inLen]);
  // The retransmission with TTL 64 goes to the dest of the conn the TTL-1 SYN made.
  const again = h.send(clientFrame(tcpSpec(C, 51002, VIP, 80, SYN, { id: 921, seq: 9200000 })), 10);
  t.is(toHost(again.out), 92);
  t.is(h.svc(SVC).stats.conns, 1);
});

test('TTL 2 is forwarded with TTL 1', (t) => {
  const h = withEngine({ rules: DR });
  const r = h.send(clientFrame(tcpSpec(C, 51003, VIP, 80, SYN, { ttl: 2 })), 0);
  t.deepEqual(r.out, directorFrame(tcpSpec(C, 51003, VIP, 80, SYN, { ttl: 1 }), macFor(ip4('10.0.1.92'))));
  t.is(r.drop, null);
});

test('hop limit 1 (IPv6): ICMPv6 time exceeded from the VIP quoting the packet', (t) => {
  const h = withEngine({ rules: DR6 });
  const spec = tcpSpec(C6, 51002, VIP6, 80, SYN, { ttl: 1 });
  const inFrame = clientFrame(spec);
  const r = h.send(inFrame, 0);
  t.is(r.drop, 'ttl_exceeded');
  t.deepEqual(
    r.out,
    directorFrame(
      {
        ip: { v: 6, src: ip6(VIP6), dst: ip6(C6), hopLimit: 64 },
        l4: { kind: 'icmp6', type: 3, code: 0 },
        payload: inFrame.subarray(14),
      },
      C6MAC,
    ),
  );
  t.is(h.st.conns.count, 1);
  const inLen = buildPacket(spec).length;
  t.deepEqual(statsOf(h.st.stats), [1, 1, 1, inLen, 48 + inLen]);
});

// ---- PMTU ---------------------------------------------------------------------------------

const TUN = `
-A -u 10.0.0.30:53 -s rr
-a -u 10.0.0.30:53 -r 10.0.1.31:53 -i -w 1
-A -u [fd00::30]:53 -s rr
-a -u [fd00::30]:53 -r [fd00::a:31]:53 -i -w 1
`;

function big(src: string, dst: string, ipLen: number, df = true, ttl = 64): PacketSpec {
  const hdr = src.includes(':') ? 48 : 28;
  const payload = new Uint8Array(ipLen - hdr).map((_, k) => k & 0xff);
  return udpSpec(src, 5001, dst, 53, { df, payload, ttl });
}

// The kernel decrements the TTL before its MTU check (__ip_vs_get_out_rt: decrement_ttl, then
// ensure_mtu_is_adequate -> icmp_send): the error quotes the packet with TTL 63.

test('TUN: a DF packet that no longer fits gets fragmentation needed with mtu - 20 from the VIP', (t) => {
  const h = withEngine({ rules: TUN, mtu: 1500 });
  const spec = big(C, '10.0.0.30', 1490);
  t.is(buildPacket(spec).length, 1490);
  const inFrame = clientFrame(spec);
  const r = h.send(inFrame, 0);
  t.is(r.drop, 'too_big');
  t.deepEqual(
    r.out,
    directorFrame(
      {
        ip: { v: 4, src: ip4('10.0.0.30'), dst: ip4(C), ttl: 64, tos: 0xc0, id: 2 },
        l4: { kind: 'icmp4', type: 3, code: 4, rest: 1480 },
        payload: buildPacket(big(C, '10.0.0.30', 1490, true, 63)).subarray(0, 548), // 576 in all (RFC 1812)
      },
      CMAC,
    ),
  );
  t.is(r.out!.length, 14 + 576);
  // The conn exists and counted the packet in and the ICMP error out.
  t.deepEqual(statsOf(h.svc('-u 10.0.0.30:53').stats), [1, 1, 1, 1490, 576]);
  // 1480 bytes fit.
  const ok = h.send(clientFrame(big(C, '10.0.0.30', 1480)), 1);
  t.is(ok.out!.length, 14 + 20 + 1480);
});

test('TUN: a packet without DF that no longer fits is dropped too_big, nothing sent', (t) => {
  const h = withEngine({ rules: TUN, mtu: 1500 });
  const r = h.send(clientFrame(big(C, '10.0.0.30', 1490, false)), 0);
  t.deepEqual(r, { out: null, verdict: 'drop', drop: 'too_big' });
});

test('TUN IPv6: packet too big with mtu - 40 from the VIP, quoting up to 1280 bytes in all', (t) => {
  const h = withEngine({ rules: TUN, mtu: 1500 });
  const spec = big(C6, 'fd00::30', 1490);
  const inFrame = clientFrame(spec);
  const r = h.send(inFrame, 0);
  t.is(r.drop, 'too_big');
  t.deepEqual(
    r.out,
    directorFrame(
      {
        ip: { v: 6, src: ip6('fd00::30'), dst: ip6(C6), hopLimit: 64 },
        l4: { kind: 'icmp6', type: 2, code: 0, rest: 1460 },
        payload: buildPacket(big(C6, 'fd00::30', 1490, true, 63)).subarray(0, 1232),
      },
      C6MAC,
    ),
  );
  t.is(r.out!.length, 14 + 1280);
});

test('DR: exactly mtu bytes is forwarded; one more with DF gets frag-needed with the mtu itself', (t) => {
  const h = withEngine({
    rules: '-A -u 10.0.0.30:53 -s rr\n-a -u 10.0.0.30:53 -r 10.0.1.31:53 -g\n',
    mtu: 1400,
  });
  t.is(h.send(clientFrame(big(C, '10.0.0.30', 1400)), 0).out!.length, 14 + 1400);
  const r = h.send(clientFrame(big(C, '10.0.0.30', 1401)), 1);
  t.is(r.drop, 'too_big');
  t.deepEqual([r.out![34], r.out![35], r.out![40], r.out![41]], [3, 4, 1400 >> 8, 1400 & 0xff]);
});

// ---- related ICMP ---------------------------------------------------------------------------

/** An ICMP error from `from` to `to` quoting `quoted` (the first `qlen` bytes of it). */
function icmpErr4(
  from: string,
  to: string,
  type: number,
  code: number,
  quoted: Uint8Array,
  rest = 0,
  ttl = 64,
): PacketSpec {
  return {
    ip: { v: 4, src: ip4(from), dst: ip4(to), ttl },
    l4: { kind: 'icmp4', type, code, rest },
    payload: quoted,
  };
}

function icmpErr6(
  from: string,
  to: string,
  type: number,
  code: number,
  quoted: Uint8Array,
  rest = 0,
  ttl = 64,
) {
  return {
    ip: { v: 6 as const, src: ip6(from), dst: ip6(to), hopLimit: ttl },
    l4: { kind: 'icmp6' as const, type, code, rest },
    payload: quoted,
  };
}

/** A DR conn C:40001 -> VIP:80 on .92. */
function drConn(): EngineHarness {
  const h = withEngine({ rules: DR });
  h.send(clientFrame(tcpSpec(C, 40001, VIP, 80, SYN)), 0);
  return h;
}

const ROUTER = '192.168.9.1';
// What the real server sent the client (DR: from the VIP), as a router on the way quotes it.
const serverSeg = buildPacket(tcpSpec(VIP, 80, C, 40001, 0x12, { seq: 777, ack: 1001 }));

test('DR: a router frag-needed quoting a VIP -> client packet goes to the conn dest', (t) => {
  const h = drConn();
  const err = icmpErr4(ROUTER, VIP, 3, 4, serverSeg.subarray(0, 28), 1400);
  const r = h.send(clientFrame(err, 0x020000000001), 10);
  t.is(r.verdict, 'tx');
  const fwd = icmpErr4(ROUTER, VIP, 3, 4, serverSeg.subarray(0, 28), 1400, 63);
  t.deepEqual(r.out, directorFrame(fwd, macFor(ip4('10.0.1.92'))));
  const d = h.dest(SVC, '10.0.1.92:80');
  t.is(d.stats.inPkts, 2);
});

test('DR: an echo request or a redirect to the VIP is not related: passed', (t) => {
  const h = drConn();
  const echo = icmpErr4(C, VIP, 8, 0, Uint8Array.of(1, 2, 3, 4), 0x00010001);
  t.deepEqual(h.send(clientFrame(echo), 10), { out: null, verdict: 'pass', drop: null });
  const redirect = icmpErr4(ROUTER, VIP, 5, 1, serverSeg.subarray(0, 28));
  t.is(h.send(clientFrame(redirect, 0x020000000001), 11).verdict, 'pass');
});

const NAT = `
-A -t 10.0.0.20:80 -s rr
-a -t 10.0.0.20:80 -r 10.0.1.21:8080 -m -w 1
-A -u 10.0.0.20:53 -s rr
-a -u 10.0.0.20:53 -r 10.0.1.21:5353 -m -w 1
`;
const NVIP = '10.0.0.20';
const RS = '10.0.1.21';

function natConns(): EngineHarness {
  const h = withEngine({ rules: NAT });
  h.send(clientFrame(tcpSpec(C, 40001, NVIP, 80, SYN)), 0);
  h.send(clientFrame(udpSpec(C, 40002, NVIP, 53)), 0);
  return h;
}

/** Rewrites a quoted IPv4 packet: addresses and ports given, IP checksum fixed, L4 checksum kept. */
function requote(q: Uint8Array, src: string, sport: number, dst: string, dport: number): Uint8Array {
  const b = Uint8Array.from(q);
  const w32 = (o: number, v: number) => {
    b[o] = v >>> 24;
    b[o + 1] = (v >>> 16) & 0xff;
    b[o + 2] = (v >>> 8) & 0xff;
    b[o + 3] = v & 0xff;
  };
  w32(12, ip4(src));
  w32(16, ip4(dst));
  b[20] = sport >> 8;
  b[21] = sport & 0xff;
  b[22] = dport >> 8;
  b[23] = dport & 0xff;
  b[10] = b[11] = 0;
  let s = 0;
  for (let k = 0; k < 20; k += 2) s += (b[k]! << 8) | b[k + 1]!;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  const c = ~s & 0xffff;
  b[10] = c >> 8;
  b[11] = c & 0xff;
  return b;
}

test('NAT: a client-side port unreachable is rewritten to the real server (outer dst, quoted src)', (t) => {
  const h = natConns();
  // The whole quoted TCP segment, so the kept quoted TCP checksum is visible.
  const q = buildPacket(tcpSpec(NVIP, 80, C, 40001, 0x12, { seq: 777, ack: 1001, ttl: 63 }));
  const err = icmpErr4(C, NVIP, 3, 3, q);
  const r = h.send(clientFrame(err), 10);
  const exp = icmpErr4(C, RS, 3, 3, requote(q, RS, 8080, C, 40001), 0, 63);
  t.deepEqual(r.out, directorFrame(exp, macFor(ip4(RS))));
  // The quoted TCP checksum is the one the server sent, not recomputed.
  t.deepEqual([r.out![34 + 8 + 36], r.out![34 + 8 + 37]], [q[36]!, q[37]!]);
});

test('NAT: a router frag-needed with an 8-byte UDP quote is rewritten', (t) => {
  const h = natConns();
  const q = buildPacket(udpSpec(NVIP, 53, C, 40002, { ttl: 60 })).subarray(0, 28);
  const err = icmpErr4(ROUTER, NVIP, 3, 4, q, 1400);
  const r = h.send(clientFrame(err, 0x020000000001), 10);
  const exp = icmpErr4(ROUTER, RS, 3, 4, requote(q, RS, 5353, C, 40002), 1400, 63);
  t.deepEqual(r.out, directorFrame(exp, macFor(ip4(RS))));
});

test('NAT: the real server error about a client packet goes back un-NATed to the client MAC', (t) => {
  const h = natConns();
  const q = buildPacket(udpSpec(C, 40002, RS, 5353, { ttl: 63 }));
  const err = icmpErr4(RS, C, 3, 3, q);
  const r = h.send(clientFrame(err), 10);
  const exp = icmpErr4(NVIP, C, 3, 3, requote(q, C, 40002, NVIP, 53), 0, 63);
  t.deepEqual(r.out, directorFrame(exp, CMAC));
  const d = h.dest('-u 10.0.0.20:53', '10.0.1.21:5353');
  t.deepEqual([d.stats.outPkts, d.stats.outBytes], [1, 28 + q.length]);
});

test('NAT: a real server error quoting no conn is passed', (t) => {
  const h = natConns();
  const q = buildPacket(udpSpec(C, 49999, RS, 5353));
  t.is(h.send(clientFrame(icmpErr4(RS, C, 3, 3, q)), 10).verdict, 'pass');
});

function corrupt(frame: Uint8Array, at: number, v: number): Uint8Array {
  const f = Uint8Array.from(frame);
  f[at] = v;
  return f;
}

test('bogus quotes to the VIP are dropped icmp_bad_quote; an unknown tuple icmp_no_conn', (t) => {
  const h = drConn();
  const q = serverSeg.subarray(0, 28);
  const send = (spec: PacketSpec | Uint8Array) =>
    h.send(spec instanceof Uint8Array ? spec : clientFrame(spec, 0x020000000001), 10);
  const good = clientFrame(icmpErr4(ROUTER, VIP, 3, 4, q, 1400), 0x020000000001);
  // Truncated: 12 bytes of quote.
  t.is(send(icmpErr4(ROUTER, VIP, 3, 4, q.subarray(0, 12))).drop, 'icmp_bad_quote');
  // IP header but only 4 bytes of ports.
  t.is(send(icmpErr4(ROUTER, VIP, 3, 4, q.subarray(0, 24))).drop, 'icmp_bad_quote');
  // Wrong version in the quote.
  const v6 = Uint8Array.from(q);
  v6[0] = 0x65;
  t.is(send(icmpErr4(ROUTER, VIP, 3, 4, v6)).drop, 'icmp_bad_quote');
  // Quoted IHL < 5.
  const ihl = Uint8Array.from(q);
  ihl[0] = 0x44;
  t.is(send(icmpErr4(ROUTER, VIP, 3, 4, ihl)).drop, 'icmp_bad_quote');
  // Bad ICMP checksum.
  t.deepEqual(send(corrupt(good, 14 + 20 + 2, good[14 + 20 + 2]! ^ 0xff)), {
    out: null,
    verdict: 'drop',
    drop: 'icmp_bad_quote',
  });
  // A non-first fragment quoted (no ports).
  const frag = buildPacket({
    ...tcpSpec(VIP, 80, C, 40001, 0x12),
    ip: { v: 4, src: ip4(VIP), dst: ip4(C), fragOff: 8 },
  });
  t.is(send(icmpErr4(ROUTER, VIP, 3, 4, frag.subarray(0, 28))).drop, 'icmp_bad_quote');
  // A well-formed quote of no conn.
  const other = buildPacket(tcpSpec(VIP, 80, C, 40999, 0x12)).subarray(0, 28);
  t.is(send(icmpErr4(ROUTER, VIP, 3, 4, other)).drop, 'icmp_no_conn');
  // The good one still goes through, and nothing else was counted.
  t.is(send(good).verdict, 'tx');
  t.deepEqual(h.drops(), { icmp_bad_quote: 6, icmp_no_conn: 1 });
});

// ---- ICMPv6 ---------------------------------------------------------------------------------

const serverSeg6 = buildPacket(tcpSpec(VIP6, 80, C6, 40001, 0x12, { seq: 777, ack: 1001 }));

test('DR IPv6: a packet too big quoting a VIP -> client packet goes to the conn dest', (t) => {
  const h = withEngine({ rules: DR6 });
  h.send(clientFrame(tcpSpec(C6, 40001, VIP6, 80, SYN)), 0);
  const err = icmpErr6('2001:db8::1', VIP6, 2, 0, serverSeg6, 1400);
  const r = h.send(clientFrame(err, 0x020000000001), 10);
  t.deepEqual(r.out, directorFrame({ ...err, ip: { ...err.ip, hopLimit: 63 } }, macFor(ip6('fd00::a:91'))));
});

const NAT6 = `
-A -t [fd00::20]:80 -s rr
-a -t [fd00::20]:80 -r [fd00::a:21]:8080 -m -w 1
`;

function requote6(q: Uint8Array, src: string, sport: number, dst: string, dport: number): Uint8Array {
  const b = Uint8Array.from(q);
  const put = (o: number, a: Uint32Array) => {
    for (let w = 0; w < 4; w++) {
      b[o + 4 * w] = a[w]! >>> 24;
      b[o + 4 * w + 1] = (a[w]! >>> 16) & 0xff;
      b[o + 4 * w + 2] = (a[w]! >>> 8) & 0xff;
      b[o + 4 * w + 3] = a[w]! & 0xff;
    }
  };
  put(8, ip6(src));
  put(24, ip6(dst));
  b[40] = sport >> 8;
  b[41] = sport & 0xff;
  b[42] = dport >> 8;
  b[43] = dport & 0xff;
  return b;
}

test('NAT IPv6: client-side error rewritten to the real server; server error un-NATed to the client', (t) => {
  const h = withEngine({ rules: NAT6 });
  h.send(clientFrame(tcpSpec(C6, 40001, 'fd00::20', 80, SYN)), 0);
  const q = buildPacket(tcpSpec('fd00::20', 80, C6, 40001, 0x12, { seq: 5, ack: 1001, ttl: 63 }));
  const r = h.send(clientFrame(icmpErr6(C6, 'fd00::20', 1, 4, q)), 10);
  t.deepEqual(
    r.out,
    directorFrame(
      icmpErr6(C6, 'fd00::a:21', 1, 4, requote6(q, 'fd00::a:21', 8080, C6, 40001), 0, 63),
      macFor(ip6('fd00::a:21')),
    ),
  );
  const q2 = buildPacket(tcpSpec(C6, 40001, 'fd00::a:21', 8080, 0x10, { ttl: 63 }));
  const r2 = h.send(clientFrame(icmpErr6('fd00::a:21', C6, 1, 4, q2)), 20);
  t.deepEqual(
    r2.out,
    directorFrame(icmpErr6('fd00::20', C6, 1, 4, requote6(q2, C6, 40001, 'fd00::20', 80), 0, 63), C6MAC),
  );
});

test('ICMPv6 bogus quotes: bad checksum, truncated, wrong version dropped; unknown tuple no_conn', (t) => {
  const h = withEngine({ rules: DR6 });
  h.send(clientFrame(tcpSpec(C6, 40001, VIP6, 80, SYN)), 0);
  const R6 = '2001:db8::1';
  const send = (spec: PacketSpec | Uint8Array) =>
    h.send(spec instanceof Uint8Array ? spec : clientFrame(spec, 0x020000000001), 10);
  const good = clientFrame(icmpErr6(R6, VIP6, 2, 0, serverSeg6, 1400), 0x020000000001);
  t.is(send(corrupt(good, 14 + 40 + 3, good[14 + 40 + 3]! ^ 0x01)).drop, 'icmp_bad_quote');
  t.is(send(icmpErr6(R6, VIP6, 2, 0, serverSeg6.subarray(0, 47), 1400)).drop, 'icmp_bad_quote');
  const v4 = Uint8Array.from(serverSeg6);
  v4[0] = 0x45;
  t.is(send(icmpErr6(R6, VIP6, 2, 0, v4, 1400)).drop, 'icmp_bad_quote');
  const other = buildPacket(tcpSpec(VIP6, 80, C6, 40999, 0x12));
  t.is(send(icmpErr6(R6, VIP6, 2, 0, other, 1400)).drop, 'icmp_no_conn');
  t.is(send(good).verdict, 'tx');
  // Informational ICMPv6 (echo request) to the VIP is passed.
  t.is(send(icmpErr6(C6, VIP6, 128, 0, Uint8Array.of(1, 2), 0x00010001)).verdict, 'pass');
  t.deepEqual(h.drops(), { icmp_bad_quote: 3, icmp_no_conn: 1 });
});

test('NAT reply with TTL 1: time exceeded from the director to the server; the conn is not touched', (t) => {
  const h = withEngine({ rules: NAT });
  h.send(clientFrame(tcpSpec(C, 40001, NVIP, 80, SYN)), 0);
  h.send(clientFrame(tcpSpec(RS, 8080, C, 40001, SYN | 0x10)), 1);
  h.send(clientFrame(tcpSpec(C, 40001, NVIP, 80, 0x10)), 2);
  const i = findConn(h.st, 4, 6, C, 40001, NVIP, 80);
  const expires = h.st.conns.expires[i]!;
  const state = h.st.conns.state[i]!;
  const fin = tcpSpec(RS, 8080, C, 40001, 0x11, { ttl: 1, seq: 9 });
  const inFrame = clientFrame(fin);
  const r = h.send(inFrame, 3);
  t.is(r.drop, 'ttl_exceeded');
  t.deepEqual(
    r.out,
    directorFrame(
      {
        ip: { v: 4, src: ip4('10.0.0.254'), dst: ip4(RS), ttl: 64, tos: 0xc0, id: 2 },
        l4: { kind: 'icmp4', type: 11, code: 0 },
        payload: inFrame.subarray(14),
      },
      macFor(ip4(RS)),
    ),
  );
  // ip_forward drops it before IPVS sees it: no state change, no timer refresh, no out stats.
  t.is(h.st.conns.state[i], state);
  t.is(h.st.conns.expires[i], expires);
  t.is(h.dest('-t 10.0.0.20:80', '10.0.1.21:8080').stats.outPkts, 1);
});

test('no_neighbor: a dest whose MAC is not resolved drops the packet (the conn is made)', (t) => {
  const h = withEngine({ rules: DR, neighbors: false });
  t.deepEqual(h.send(clientFrame(tcpSpec(C, 40001, VIP, 80, SYN)), 0), {
    out: null,
    verdict: 'drop',
    drop: 'no_neighbor',
  });
  t.is(h.st.conns.count, 1);
});

test('NAT: a real server error with a bad ICMP checksum is dropped icmp_bad_quote, not un-NATed', (t) => {
  const h = natConns();
  const q = buildPacket(udpSpec(C, 40002, RS, 5353, { ttl: 63 }));
  const f = clientFrame(icmpErr4(RS, C, 3, 3, q));
  t.deepEqual(h.send(corrupt(f, 36, f[36]! ^ 0x80), 10), {
    out: null,
    verdict: 'drop',
    drop: 'icmp_bad_quote',
  });
});
