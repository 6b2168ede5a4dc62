// Hostile and odd inputs (shared/reference/hostile-inputs.md §2.2 rows 1-23): each gets its
// verdict and exactly one counter, and nothing leaves that should not.
import test from 'ava';
import { buildFrame, buildPacket, type PacketSpec } from '../../../src/wire/builder.js';
import { csumAdd, csumFold, pseudoSum4 } from '../../../src/wire/checksum.js';
import {
  ACK,
  clientFrame,
  directorFrame,
  ip4,
  ip6,
  LOCAL_MAC,
  macFor,
  RST,
  SYN,
  tcpSpec,
  udpSpec,
  withEngine,
  type EngineHarness,
  type Sent,
} from '../../helpers/engine-harness.js';

const RULES = `
-A -t 10.0.0.90:80 -s rr
-a -t 10.0.0.90:80 -r 10.0.1.91:80 -g -w 1
-A -u 10.0.0.90:53 -s rr
-a -u 10.0.0.90:53 -r 10.0.1.91:53 -g -w 1
-A -t [fd00::90]:80 -s rr
-a -t [fd00::90]:80 -r [fd00::a:91]:80 -g -w 1
-A -t 10.0.0.20:80 -s rr
-a -t 10.0.0.20:80 -r 10.0.1.21:8080 -m -w 1
-A -t 10.0.0.70:80 -s rr
-A -t [fd00::70]:80 -s rr
`;
const VIP = '10.0.0.90';
const C = '192.168.9.101';
const RS_MAC = macFor(ip4('10.0.1.91'));
const DROP = (drop: string): Sent => ({ out: null, verdict: 'drop', drop });
const PASS: Sent = { out: null, verdict: 'pass', drop: null };

const synFrame = () => clientFrame(tcpSpec(C, 40001, VIP, 80, SYN));

function h0(): EngineHarness {
  return withEngine({ rules: RULES });
}

function patched(frame: Uint8Array, edits: [number, number][], fixIpCsum = false): Uint8Array {
  const f = Uint8Array.from(frame);
  for (const [o, v] of edits) f[o] = v;
  if (fixIpCsum) {
    const ihl = (f[14]! & 0x0f) * 4;
    f[24] = f[25] = 0;
    const c = ~csumFold(csumAdd(f, 14, ihl, 0)) & 0xffff;
    f[24] = c >> 8;
    f[25] = c & 0xff;
  }
  return f;
}

test('row 1: a frame shorter than an Ethernet header is dropped runt', (t) => {
  const h = h0();
  t.deepEqual(h.send(synFrame().subarray(0, 13), 0), DROP('runt'));
  t.deepEqual(h.send(new Uint8Array(0), 0), DROP('runt'));
});

test('row 2: non-IP ethertypes are passed; an 802.1Q-tagged SYN is forwarded with its tag', (t) => {
  const h = h0();
  const lldp = patched(synFrame(), [
    [12, 0x88],
    [13, 0xcc],
  ]);
  t.deepEqual(h.send(lldp, 0), PASS);
  const spec = tcpSpec(C, 40001, VIP, 80, SYN);
  const tagged = buildFrame({ ...spec, eth: { src: macFor(ip4(C)), dst: LOCAL_MAC, vlan: 7 } });
  const r = h.send(tagged, 1);
  t.deepEqual(
    r.out,
    buildFrame({
      ...tcpSpec(C, 40001, VIP, 80, SYN, { ttl: 63 }),
      eth: { src: LOCAL_MAC, dst: RS_MAC, vlan: 7 },
    }),
  );
});

test('row 3: IPv4 version not 4, IHL < 5, truncated header: bad_ip_header', (t) => {
  const h = h0();
  t.deepEqual(h.send(patched(synFrame(), [[14, 0x65]]), 0), DROP('bad_ip_header'));
  t.deepEqual(h.send(patched(synFrame(), [[14, 0x44]], true), 0), DROP('bad_ip_header'));
  t.deepEqual(h.send(synFrame().subarray(0, 14 + 19), 0), DROP('bad_ip_header'));
  t.is(h.st.conns.count, 0);
});

test('row 4: total length beyond the frame, or below the header: bad_ip_header', (t) => {
  const h = h0();
  const f = synFrame();
  const len = f.length - 14;
  t.deepEqual(
    h.send(
      patched(
        f,
        [
          [16, (len + 1) >> 8],
          [17, (len + 1) & 0xff],
        ],
        true,
      ),
      0,
    ),
    DROP('bad_ip_header'),
  );
  t.deepEqual(
    h.send(
      patched(
        f,
        [
          [16, 0],
          [17, 19],
        ],
        true,
      ),
      0,
    ),
    DROP('bad_ip_header'),
  );
});

test('row 5: Ethernet padding is trimmed (DR and TUN output lengths follow the IP length)', (t) => {
  const h = h0();
  h.send(synFrame(), 0);
  const ack = clientFrame(tcpSpec(C, 40001, VIP, 80, ACK, { seq: 1001, ack: 1 }), undefined, true);
  t.is(ack.length, 60);
  const r = h.send(ack, 1);
  t.deepEqual(r.out, directorFrame(tcpSpec(C, 40001, VIP, 80, ACK, { seq: 1001, ack: 1, ttl: 63 }), RS_MAC));
  t.is(r.out!.length, 54);
  const tun = withEngine({ rules: '-A -t 10.0.0.90:80 -s rr\n-a -t 10.0.0.90:80 -r 10.0.1.91:80 -i\n' });
  const padded = clientFrame(tcpSpec(C, 40001, VIP, 80, SYN), undefined, true);
  t.is(padded.length, 60);
  const o = tun.send(padded, 0).out!;
  t.is(o.length, 14 + 20 + 40);
  t.deepEqual([o[16], o[17]], [0, 60]);
});

test('row 6: a bad IPv4 header checksum is dropped bad_ip_checksum', (t) => {
  const h = h0();
  const f = synFrame();
  t.deepEqual(h.send(patched(f, [[24, f[24]! ^ 0x10]]), 0), DROP('bad_ip_checksum'));
});

test('row 7: IP options are forwarded unchanged in DR (TTL and checksum patched)', (t) => {
  const h = h0();
  const opts = Uint8Array.of(0x01, 0x01, 0x01, 0x00);
  const spec = (ttl: number): PacketSpec => {
    const s = tcpSpec(C, 40001, VIP, 80, SYN, { ttl });
    return { ...s, ip: { ...(s.ip as Extract<PacketSpec['ip'], { v: 4 }>), options: opts } };
  };
  const r = h.send(clientFrame(spec(64)), 0);
  t.deepEqual(r.out, directorFrame(spec(63), RS_MAC));
  t.is(r.out![14], 0x46);
});

test('row 8: IPv4 fragments to a VIP are dropped, to anyone else passed', (t) => {
  const h = h0();
  const frag = (dst: string, mf: boolean, fragOff: number) => {
    const s = udpSpec(C, 5001, dst, 53);
    return clientFrame({
      ...s,
      ip: { ...(s.ip as Extract<PacketSpec['ip'], { v: 4 }>), df: false, mf, fragOff },
    });
  };
  t.deepEqual(h.send(frag(VIP, true, 0), 0), DROP('fragment'));
  t.deepEqual(h.send(frag(VIP, false, 64), 0), DROP('fragment'));
  t.deepEqual(h.send(frag('10.0.0.5', true, 0), 0), PASS);
  t.is(h.st.conns.count, 0);
});

test('row 9: an IPv6 fragment header to a VIP is dropped; a hop-by-hop header is walked and forwarded', (t) => {
  const h = h0();
  const s = tcpSpec('2001:db8::65', 40001, 'fd00::90', 80, SYN);
  const fragHdr = { type: 44, bytes: Uint8Array.of(0, 0, 0, 1, 0, 0, 0, 7) };
  const ip6s = s.ip as Extract<PacketSpec['ip'], { v: 6 }>;
  t.deepEqual(h.send(clientFrame({ ...s, ip: { ...ip6s, ext: [fragHdr] } }), 0), DROP('fragment'));
  const hbh = { type: 0, bytes: Uint8Array.of(0, 0, 1, 4, 0, 0, 0, 0) };
  const r = h.send(clientFrame({ ...s, ip: { ...ip6s, ext: [hbh] } }), 1);
  t.deepEqual(
    r.out,
    directorFrame({ ...s, ip: { ...ip6s, hopLimit: 63, ext: [hbh] } }, macFor(ip6('fd00::a:91'))),
  );
});

test('row 10: NAT keeps a bad TCP checksum bad (incremental update)', (t) => {
  const h = h0();
  const f = clientFrame(tcpSpec(C, 40001, '10.0.0.20', 80, SYN));
  const bad = patched(f, [[14 + 20 + 17, f[14 + 20 + 17]! ^ 0x01]]);
  const out = h.send(bad, 0).out!;
  const l4len = out.length - 34;
  const sum = csumFold(csumAdd(out, 34, l4len, pseudoSum4(ip4(C), ip4('10.0.1.21'), 6, l4len)));
  t.not(sum, 0xffff);
  // The good one verifies after the same rewrite.
  const good = h.send(clientFrame(tcpSpec(C, 40002, '10.0.0.20', 80, SYN)), 1).out!;
  t.is(csumFold(csumAdd(good, 34, l4len, pseudoSum4(ip4(C), ip4('10.0.1.21'), 6, l4len))), 0xffff);
});

test('row 12: an unknown protocol to a VIP is passed, never scheduled', (t) => {
  const h = h0();
  const gre: PacketSpec = {
    ip: { v: 4, src: ip4(C), dst: ip4(VIP) },
    l4: { kind: 'raw', proto: 47 },
    payload: Uint8Array.of(0, 0, 8, 0),
  };
  t.deepEqual(h.send(clientFrame(gre), 0), PASS);
  t.is(h.st.conns.count, 0);
});

test('row 13: an ICMP echo to a VIP is passed', (t) => {
  const h = h0();
  const echo: PacketSpec = {
    ip: { v: 4, src: ip4(C), dst: ip4(VIP) },
    l4: { kind: 'icmp4', type: 8, code: 0, rest: 0x00010001 },
    payload: Uint8Array.of(1, 2, 3),
  };
  t.deepEqual(h.send(clientFrame(echo), 0), PASS);
});

test('row 16: a VIP port with no service is dropped unknown_port (TCP and UDP)', (t) => {
  const h = h0();
  t.deepEqual(h.send(clientFrame(tcpSpec(C, 40001, VIP, 81, SYN)), 0), DROP('unknown_port'));
  t.deepEqual(h.send(clientFrame(udpSpec(C, 5001, VIP, 54)), 0), DROP('unknown_port'));
});

test('row 17: a service without dests answers ICMP / ICMPv6 port unreachable from the VIP', (t) => {
  const h = h0();
  const f = clientFrame(tcpSpec(C, 40001, '10.0.0.70', 80, SYN));
  const r = h.send(f, 0);
  t.is(r.drop, 'no_dest');
  t.deepEqual(
    r.out,
    directorFrame(
      {
        ip: { v: 4, src: ip4('10.0.0.70'), dst: ip4(C), ttl: 64, tos: 0xc0, id: 2 },
        l4: { kind: 'icmp4', type: 3, code: 3 },
        payload: f.subarray(14),
      },
      macFor(ip4(C)),
    ),
  );
  const f6 = clientFrame(tcpSpec('2001:db8::65', 40001, 'fd00::70', 80, SYN));
  const r6 = h.send(f6, 1);
  t.is(r6.drop, 'no_dest');
  t.deepEqual(
    r6.out,
    directorFrame(
      {
        ip: { v: 6, src: ip6('fd00::70'), dst: ip6('2001:db8::65'), hopLimit: 64 },
        l4: { kind: 'icmp6', type: 1, code: 4 },
        payload: f6.subarray(14),
      },
      macFor(ip6('2001:db8::65')),
    ),
  );
  t.is(h.st.conns.count, 0);
});

test('row 18: a TCP non-SYN with no conn is dropped no_conn; SYN+RST is never scheduled', (t) => {
  const h = h0();
  t.deepEqual(h.send(clientFrame(tcpSpec(C, 40001, VIP, 80, ACK)), 0), DROP('no_conn'));
  t.deepEqual(h.send(clientFrame(tcpSpec(C, 40001, VIP, 80, SYN | RST)), 0), DROP('no_conn'));
  t.deepEqual(h.send(clientFrame(tcpSpec(C, 40001, VIP, 80, 0)), 0), DROP('no_conn'));
  t.is(h.st.conns.count, 0);
  t.is(h.svc('-t 10.0.0.90:80').stats.conns, 0);
});

test('a truncated TCP header to a VIP is dropped bad_l4_header; to anyone else passed', (t) => {
  const h = h0();
  const bad = (dst: string) => {
    const p = buildPacket(tcpSpec(C, 40001, dst, 80, SYN)).subarray(0, 30);
    const f = clientFrame({
      ip: { v: 4, src: ip4(C), dst: ip4(dst) },
      l4: { kind: 'raw', proto: 6 },
      payload: p.subarray(20),
    });
    return f;
  };
  t.deepEqual(h.send(bad(VIP), 0), DROP('bad_l4_header'));
  t.deepEqual(h.send(bad('10.0.0.5'), 0), PASS);
});

test('row 21: our own frames (source MAC = ours) are dropped own_frame', (t) => {
  const h = h0();
  t.deepEqual(h.send(clientFrame(tcpSpec(C, 40001, VIP, 80, SYN), LOCAL_MAC), 0), DROP('own_frame'));
});

test('row 23: martian sources are dropped, multicast destinations passed', (t) => {
  const h = h0();
  for (const src of ['0.1.2.3', '127.0.0.1', '224.0.0.5', '255.255.255.255', '10.0.0.254', VIP]) {
    t.deepEqual(
      h.send(clientFrame(tcpSpec(src, 40001, VIP, 80, SYN), 0x020000000001), 0),
      DROP('martian'),
      src,
    );
  }
  for (const src of ['ff02::1', '::1']) {
    t.deepEqual(
      h.send(clientFrame(tcpSpec(src, 40001, 'fd00::90', 80, SYN), 0x020000000001), 0),
      DROP('martian'),
      src,
    );
  }
  t.deepEqual(h.send(clientFrame(udpSpec(C, 5001, '224.0.0.1', 53)), 0), PASS);
  t.is(h.st.conns.count, 0);
  t.deepEqual(h.drops(), { martian: 8 });
});

test('every counted frame: rx/tx/passed/drops add up', (t) => {
  const h = h0();
  h.send(synFrame(), 0); // tx
  h.send(clientFrame(tcpSpec(C, 40002, VIP, 81, SYN)), 1); // drop
  h.send(clientFrame(udpSpec(C, 5001, '10.0.0.5', 53)), 2); // pass
  t.deepEqual([h.st.rxFrames, h.st.txFrames, h.st.passed], [3, 1, 1]);
  t.deepEqual(h.drops(), { unknown_port: 1 });
});
