// Forwarding methods end to end through processBatch: DR, TUN and NAT for TCP and UDP over IPv4
// and IPv6, byte for byte against frames built with the wire builder (full checksums), NAT replies
// un-NATed to the client's MAC, and CHECKSUM_PARTIAL frames leaving with a full checksum.
import test from 'ava';
import { buildEncapFrame, buildPacket, type L4Spec, type PacketSpec } from '../../../src/wire/builder.js';
import { csumFold, pseudoSum4, pseudoSum6 } from '../../../src/wire/checksum.js';
import { META_CSUM_PARTIAL } from '../../../src/wire/frame-batch.js';
import {
  clientFrame,
  directorFrame,
  ip4,
  ip6,
  LOCAL_IP4,
  LOCAL_IP6,
  LOCAL_MAC,
  macFor,
  statsOf,
  withEngine,
} from '../../helpers/engine-harness.js';

type Mode = 'dr' | 'tun' | 'nat';
type Proto = 'tcp' | 'udp';
type Af = 4 | 6;

const FLAG: Record<Mode, string> = { dr: '-g', tun: '-i', nat: '-m' };
const VIP = { 4: '10.0.0.90', 6: 'fd00::90' } as const;
const RS = { 4: '10.0.1.91', 6: 'fd00::a:91' } as const;
const CLIENT = { 4: '192.168.9.101', 6: '2001:db8::65' } as const;
const VPORT = { tcp: 80, udp: 53 } as const;
const CPORT = 40001;
const PAYLOAD = Uint8Array.from([0x71, 0x75, 0x65, 0x72, 0x79, 0x21, 0x0a]);

const bracket = (af: Af, a: string) => (af === 6 ? '[' + a + ']' : a);

function rulesFor(mode: Mode, proto: Proto, af: Af): string {
  const p = proto === 'tcp' ? '-t' : '-u';
  const v = bracket(af, VIP[af]) + ':' + VPORT[proto];
  const dport = mode === 'nat' ? 8080 : VPORT[proto];
  return `-A ${p} ${v} -s rr\n-a ${p} ${v} -r ${bracket(af, RS[af])}:${dport} ${FLAG[mode]} -w 1\n`;
}

function l4(proto: Proto, sport: number, dport: number): L4Spec {
  return proto === 'tcp'
    ? { kind: 'tcp', srcPort: sport, dstPort: dport, flags: 0x02, seq: 0x01020304, mss: 1460 }
    : { kind: 'udp', srcPort: sport, dstPort: dport };
}

/** The client's first packet: a SYN or a datagram, TTL 64, TOS/traffic class 0x10, DF on IPv4. */
function request(proto: Proto, af: Af, ttl = 64): PacketSpec {
  const ip =
    af === 4
      ? { v: 4 as const, src: ip4(CLIENT[4]), dst: ip4(VIP[4]), ttl, tos: 0x10, id: 0x1234, df: true }
      : { v: 6 as const, src: ip6(CLIENT[6]), dst: ip6(VIP[6]), hopLimit: ttl, trafficClass: 0x10 };
  return { ip, l4: l4(proto, CPORT, VPORT[proto]), payload: PAYLOAD };
}

function withTtl(spec: PacketSpec, ttl: number): PacketSpec {
  return { ...spec, ip: spec.ip.v === 4 ? { ...spec.ip, ttl } : { ...spec.ip, hopLimit: ttl } };
}

function expectedOut(mode: Mode, proto: Proto, af: Af): Uint8Array {
  const req = request(proto, af);
  const rsMac = macFor(af === 4 ? ip4(RS[4]) : ip6(RS[6]));
  if (mode === 'dr') return directorFrame(withTtl(req, 63), rsMac);
  if (mode === 'tun') {
    const inner = buildPacket(withTtl(req, 63));
    return af === 4
      ? buildEncapFrame(
          { src: LOCAL_MAC, dst: rsMac },
          { v: 4, src: LOCAL_IP4, dst: ip4(RS[4]), ttl: 63, tos: 0x10, df: true, id: 0 },
          inner,
        )
      : buildEncapFrame(
          { src: LOCAL_MAC, dst: rsMac },
          { v: 6, src: LOCAL_IP6, dst: ip6(RS[6]), hopLimit: 63, trafficClass: 0x10 },
          inner,
        );
  }
  const nat = withTtl(req, 63);
  const ip = nat.ip.v === 4 ? { ...nat.ip, dst: ip4(RS[4]) } : { ...nat.ip, dst: ip6(RS[6]) };
  return directorFrame({ ...nat, ip, l4: l4(proto, CPORT, 8080) }, rsMac);
}

for (const mode of ['dr', 'tun', 'nat'] as const) {
  for (const proto of ['tcp', 'udp'] as const) {
    for (const af of [4, 6] as const) {
      test(`${mode} ${proto} IPv${af}: the first packet leaves byte for byte as expected`, (t) => {
        const h = withEngine({ rules: rulesFor(mode, proto, af) });
        const r = h.send(clientFrame(request(proto, af)), 1000);
        t.is(r.verdict, 'tx');
        t.is(r.drop, null);
        t.deepEqual(r.out, expectedOut(mode, proto, af));
        t.is(h.st.conns.count, 1);
        const ipLen = buildPacket(request(proto, af)).length;
        const p = proto === 'tcp' ? '-t' : '-u';
        const svcKey = `${p} ${bracket(af, VIP[af])}:${VPORT[proto]}`;
        t.deepEqual(statsOf(h.svc(svcKey).stats), [1, 1, 0, ipLen, 0]);
        t.deepEqual(statsOf(h.st.stats), [1, 1, 0, ipLen, 0]);
      });
    }
  }
}

test('tun IPv4: the outer header is the documented one (director -> RS, proto 4, TOS and DF copied, ID 0)', (t) => {
  const h = withEngine({ rules: rulesFor('tun', 'tcp', 4) });
  const out = h.send(clientFrame(request('tcp', 4)), 0).out!;
  const inLen = buildPacket(request('tcp', 4)).length;
  // 45 | tos 10 | total len | id 0000 | DF 4000 | ttl 3f | proto 04 | csum | 10.0.0.254 | 10.0.1.91
  t.deepEqual(Array.from(out.subarray(14, 34)), [
    0x45,
    0x10,
    (inLen + 20) >> 8,
    (inLen + 20) & 0xff,
    0,
    0,
    0x40,
    0,
    63,
    4,
    out[24]!,
    out[25]!,
    10,
    0,
    0,
    254,
    10,
    0,
    1,
    91,
  ]);
  t.is(out.length, 14 + 20 + inLen);
  t.deepEqual(Array.from(out.subarray(12, 14)), [0x08, 0x00]);
});

test('tun IPv4 without DF: the outer header takes the engine IP ID counter (seed 1: 2, then 3)', (t) => {
  const h = withEngine({ rules: rulesFor('tun', 'udp', 4) });
  const noDf = (sport: number): PacketSpec => {
    const r = request('udp', 4);
    return { ...r, ip: { ...r.ip, df: false } as PacketSpec['ip'], l4: l4('udp', sport, 53) };
  };
  const a = h.send(clientFrame(noDf(40001)), 0).out!;
  const b = h.send(clientFrame(noDf(40002)), 1).out!;
  t.deepEqual([a[18], a[19], a[20]], [0, 2, 0]);
  t.deepEqual([b[18], b[19], b[20]], [0, 3, 0]);
});

test('tun IPv6 in IPv6: next header 41, hop limit and traffic class from the inner packet', (t) => {
  const h = withEngine({ rules: rulesFor('tun', 'tcp', 6) });
  const out = h.send(clientFrame(request('tcp', 6)), 0).out!;
  const inLen = buildPacket(request('tcp', 6)).length;
  t.deepEqual(Array.from(out.subarray(12, 22)), [
    0x86,
    0xdd,
    0x61,
    0x00,
    0,
    0,
    inLen >> 8,
    inLen & 0xff,
    41,
    63,
  ]);
});

function replySpec(proto: Proto, af: Af, ttl = 64): PacketSpec {
  const ip =
    af === 4
      ? { v: 4 as const, src: ip4(RS[4]), dst: ip4(CLIENT[4]), ttl, id: 0x4321 }
      : { v: 6 as const, src: ip6(RS[6]), dst: ip6(CLIENT[6]), hopLimit: ttl };
  const l: L4Spec =
    proto === 'tcp'
      ? { kind: 'tcp', srcPort: 8080, dstPort: CPORT, flags: 0x12, seq: 0x0a0b0c0d, ack: 0x01020305 }
      : { kind: 'udp', srcPort: 8080, dstPort: CPORT };
  return { ip, l4: l, payload: PAYLOAD };
}

function unNated(proto: Proto, af: Af): PacketSpec {
  const r = replySpec(proto, af, 63);
  const ip = r.ip.v === 4 ? { ...r.ip, src: ip4(VIP[4]) } : { ...r.ip, src: ip6(VIP[6]) };
  const l: L4Spec =
    r.l4.kind === 'tcp'
      ? { ...r.l4, srcPort: VPORT[proto] }
      : { kind: 'udp', srcPort: VPORT[proto], dstPort: CPORT };
  return { ...r, ip, l4: l };
}

for (const proto of ['tcp', 'udp'] as const) {
  for (const af of [4, 6] as const) {
    test(`nat ${proto} IPv${af}: the real server's reply leaves un-NATed to the MAC the request came from`, (t) => {
      const h = withEngine({ rules: rulesFor('nat', proto, af) });
      const clientMac = 0x02aabbccddee; // the client's next hop, not its conventional MAC
      t.is(h.send(clientFrame(request(proto, af), clientMac), 0).verdict, 'tx');
      const r = h.send(clientFrame(replySpec(proto, af), macFor(af === 4 ? ip4(RS[4]) : ip6(RS[6]))), 5);
      t.is(r.verdict, 'tx');
      t.deepEqual(r.out, directorFrame(unNated(proto, af), clientMac));
      const ipLen = buildPacket(replySpec(proto, af)).length;
      const dest = h.dest(
        `${proto === 'tcp' ? '-t' : '-u'} ${bracket(af, VIP[af])}:${VPORT[proto]}`,
        `${bracket(af, RS[af])}:8080`,
      );
      t.deepEqual(statsOf(dest.stats), [1, 1, 1, buildPacket(request(proto, af)).length, ipLen]);
    });
  }
}

test('nat: a packet from the real server with no conn is passed, not rewritten', (t) => {
  const h = withEngine({ rules: rulesFor('nat', 'tcp', 4) });
  const r = h.send(clientFrame(replySpec('tcp', 4)), 0);
  t.deepEqual(r, { out: null, verdict: 'pass', drop: null });
});

test('nat: the reply moves the conn to ESTABLISHED (OUTPUT syn-ack) and the dest counts it active', (t) => {
  const h = withEngine({ rules: rulesFor('nat', 'tcp', 4) });
  h.send(clientFrame(request('tcp', 4)), 0);
  const d = h.dest('-t 10.0.0.90:80', '10.0.1.91:8080');
  t.deepEqual([d.activeConns, d.inactConns], [1, 0]); // SYN: NONE -> SYN_RECV (active)
  h.send(clientFrame(replySpec('tcp', 4), macFor(ip4(RS[4]))), 1);
  t.deepEqual([d.activeConns, d.inactConns], [1, 0]);
});

test('nat UDP with a zero checksum keeps it zero both ways', (t) => {
  const h = withEngine({ rules: rulesFor('nat', 'udp', 4) });
  const req = request('udp', 4);
  const noCsum: PacketSpec = { ...req, l4: { kind: 'udp', srcPort: CPORT, dstPort: 53, noCsum: true } };
  const out = h.send(clientFrame(noCsum), 0).out!;
  const exp = directorFrame(
    {
      ...noCsum,
      ip: { ...(withTtl(req, 63).ip as Extract<PacketSpec['ip'], { v: 4 }>), dst: ip4(RS[4]) },
      l4: { kind: 'udp', srcPort: CPORT, dstPort: 8080, noCsum: true },
    },
    macFor(ip4(RS[4])),
  );
  t.deepEqual(out, exp);
  t.deepEqual([out[40], out[41]], [0, 0]);
});

// CHECKSUM_PARTIAL: the sender left the folded pseudo-header sum in the L4 checksum field.
function partial(frame: Uint8Array, proto: Proto, af: Af): Uint8Array {
  const f = Uint8Array.from(frame);
  const l3 = 14;
  const l4off = l3 + (af === 4 ? 20 : 40);
  const l4len = f.length - l4off;
  const pnum = proto === 'tcp' ? 6 : 17;
  const sum =
    af === 4
      ? pseudoSum4(ip4(CLIENT[4]), ip4(VIP[4]), pnum, l4len)
      : pseudoSum6(f, l3 + 8, l3 + 24, pnum, l4len);
  const at = l4off + (proto === 'tcp' ? 16 : 6);
  const folded = csumFold(sum);
  f[at] = folded >> 8;
  f[at + 1] = folded & 0xff;
  return f;
}

for (const mode of ['dr', 'nat'] as const) {
  for (const proto of ['tcp', 'udp'] as const) {
    for (const af of [4, 6] as const) {
      test(`${mode} ${proto} IPv${af}: a CHECKSUM_PARTIAL frame leaves with the full checksum`, (t) => {
        const h = withEngine({ rules: rulesFor(mode, proto, af) });
        const good = clientFrame(request(proto, af));
        const part = partial(good, proto, af);
        t.notDeepEqual(part, good);
        const r = h.send(part, 0, META_CSUM_PARTIAL);
        t.deepEqual(r.out, expectedOut(mode, proto, af));
      });
    }
  }
}
