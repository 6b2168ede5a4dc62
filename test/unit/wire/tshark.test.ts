/**
 * External verification: frames made by the wire builders are written to a pcap and decoded by
 * tshark with IP/TCP/UDP checksum validation on (ICMP and ICMPv6 are always validated). Any bad
 * checksum, malformed-packet or "incorrect" report fails the test; every frame must also show the
 * number of good checksums its layers carry. A negative control (a corrupted frame) proves the
 * check can fail. tshark must be installed (CI installs it): its absence fails the test.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { writePcapFile } from '../../../src/io/pcap-writer.js';
import {
  buildArpFrame,
  buildEncapFrame,
  buildFrame,
  buildPacket,
  EthernetView,
  icmpEchoRest,
  Icmpv4Code,
  Icmpv4Type,
  Icmpv6Type,
  Ipv4View,
  NA_OVERRIDE,
  NA_SOLICITED,
  parseIpv6Addr,
  TcpFlag,
  TcpView,
  WireError,
} from '../../../src/wire/index.js';

const MAC_C = 0x02000000006e;
const MAC_D = 0x0200000000fe;
const C4 = 0xac10006e;
const V4 = 0x0a00001e;
const R4 = 0x0a000120;
const D4 = 0x0a0000fe;
const C6 = parseIpv6Addr('fd00::6e')!;
const V6 = parseIpv6Addr('fd00::1e')!;
const D6 = parseIpv6Addr('fd00::fe')!;
const eth = { src: MAC_C, dst: MAC_D };
const bytes = (n: number, seed = 1): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

interface Case {
  name: string;
  frame: Uint8Array;
  /** Checksums tshark must report as good in this frame. */
  good: number;
}

function withEth(packet: Uint8Array): Uint8Array {
  const f = new Uint8Array(14 + packet.length);
  f.set([2, 0, 0, 0, 0, 0xfe, 2, 0, 0, 0, 0, 0x6e, 8, 0], 0);
  f.set(packet, 14);
  return f;
}

function cases(): Case[] {
  const tcpSyn = buildPacket({
    ip: { v: 4, src: C4, dst: V4, id: 300, df: true },
    l4: {
      kind: 'tcp',
      srcPort: 42001,
      dstPort: 443,
      seq: 3000000,
      flags: TcpFlag.Syn,
      window: 64240,
      mss: 1460,
      sackPerm: true,
      ts: { val: 12345, ecr: 0 },
      wscale: 7,
    },
  });
  const udp4 = buildPacket({
    ip: { v: 4, src: C4, dst: V4 },
    l4: { kind: 'udp', srcPort: 30353, dstPort: 30053 },
    payload: bytes(33),
  });
  return [
    { name: 'IPv4 TCP SYN with options', frame: withEth(tcpSyn), good: 2 },
    {
      name: 'IPv4 TCP data with SACK, odd payload, IP options',
      frame: buildFrame({
        eth,
        ip: {
          v: 4,
          src: C4,
          dst: V4,
          id: 7,
          ttl: 17,
          tos: 0x10,
          options: new Uint8Array([0x94, 0x04, 0, 0]),
        },
        l4: {
          kind: 'tcp',
          srcPort: 42001,
          dstPort: 30443,
          seq: 1,
          ack: 2,
          flags: TcpFlag.Ack | TcpFlag.Psh,
          ts: { val: 1, ecr: 2 },
          sack: [{ left: 100, right: 200 }],
        },
        payload: bytes(101),
      }),
      good: 2,
    },
    {
      name: 'IPv4 UDP',
      frame: buildFrame({
        eth,
        ip: { v: 4, src: C4, dst: V4 },
        l4: { kind: 'udp', srcPort: 30353, dstPort: 30053 },
        payload: bytes(33),
      }),
      good: 2,
    },
    {
      name: 'IPv4 UDP, padded to 60',
      frame: buildFrame({
        eth,
        ip: { v: 4, src: C4, dst: V4 },
        l4: { kind: 'udp', srcPort: 1, dstPort: 9 },
        payload: bytes(3),
        pad: true,
      }),
      good: 2,
    },
    {
      name: 'ICMP echo request',
      frame: buildFrame({
        eth,
        ip: { v: 4, src: C4, dst: V4 },
        l4: { kind: 'icmp4', type: Icmpv4Type.EchoRequest, code: 0, rest: icmpEchoRest(0x4242, 7) },
        payload: bytes(56),
      }),
      good: 2,
    },
    {
      name: 'ICMP frag needed quoting TCP',
      frame: buildFrame({
        eth,
        ip: { v: 4, src: D4, dst: C4 },
        l4: { kind: 'icmp4', type: Icmpv4Type.DestUnreach, code: Icmpv4Code.FragNeeded, rest: 1480 },
        payload: tcpSyn.slice(0, 28),
      }),
      good: 3,
    },
    {
      name: 'ICMP time exceeded quoting UDP',
      frame: buildFrame({
        eth,
        ip: { v: 4, src: D4, dst: C4 },
        l4: { kind: 'icmp4', type: Icmpv4Type.TimeExceeded, code: 0 },
        payload: udp4.slice(0, 28),
      }),
      good: 3,
    },
    {
      name: 'IPv6 TCP',
      frame: buildFrame({
        eth,
        ip: { v: 6, src: C6, dst: V6, trafficClass: 0x20, flowLabel: 0x12345 },
        l4: {
          kind: 'tcp',
          srcPort: 42001,
          dstPort: 80,
          flags: TcpFlag.Syn,
          mss: 1440,
          wscale: 7,
          sackPerm: true,
          ts: { val: 9, ecr: 0 },
        },
      }),
      good: 1,
    },
    {
      name: 'IPv6 UDP with destination options',
      frame: buildFrame({
        eth,
        ip: { v: 6, src: C6, dst: V6, ext: [{ type: 60, bytes: new Uint8Array([0, 0, 1, 4, 0, 0, 0, 0]) }] },
        l4: { kind: 'udp', srcPort: 30353, dstPort: 30053 },
        payload: bytes(21),
      }),
      good: 1,
    },
    {
      name: 'ICMPv6 echo',
      frame: buildFrame({
        eth,
        ip: { v: 6, src: C6, dst: V6 },
        l4: { kind: 'icmp6', type: Icmpv6Type.EchoRequest, code: 0, rest: icmpEchoRest(1, 2) },
        payload: bytes(9),
      }),
      good: 1,
    },
    {
      name: 'ICMPv6 NS',
      frame: buildFrame({
        eth: { src: MAC_C, dst: 0x3333ff00001e },
        ip: { v: 6, src: C6, dst: parseIpv6Addr('ff02::1:ff00:1e')!, hopLimit: 255 },
        l4: { kind: 'icmp6', type: Icmpv6Type.NeighborSolicit, code: 0, target: V6, llAddr: MAC_C },
      }),
      good: 1,
    },
    {
      name: 'ICMPv6 NA',
      frame: buildFrame({
        eth: { src: MAC_D, dst: MAC_C },
        ip: { v: 6, src: V6, dst: C6, hopLimit: 255 },
        l4: {
          kind: 'icmp6',
          type: Icmpv6Type.NeighborAdvert,
          code: 0,
          rest: (NA_SOLICITED | NA_OVERRIDE) >>> 0,
          target: V6,
          llAddr: MAC_D,
        },
      }),
      good: 1,
    },
    {
      name: 'ICMPv6 packet too big quoting TCP',
      frame: buildFrame({
        eth,
        ip: { v: 6, src: D6, dst: C6 },
        l4: { kind: 'icmp6', type: Icmpv6Type.PacketTooBig, code: 0, rest: 1280 },
        payload: buildPacket({
          ip: { v: 6, src: C6, dst: V6 },
          l4: { kind: 'tcp', srcPort: 1, dstPort: 80, flags: TcpFlag.Ack },
        }),
      }),
      good: 2,
    },
    {
      name: 'ARP request',
      frame: buildArpFrame(
        { src: MAC_C, dst: 0xffffffffffff },
        { op: 1, sha: MAC_C, spa: C4, tha: 0, tpa: V4 },
        true,
      ),
      good: 0,
    },
    {
      name: 'VLAN-tagged IPv4 TCP',
      frame: buildFrame({
        eth: { ...eth, vlan: 0x2064 },
        ip: { v: 4, src: C4, dst: V4 },
        l4: { kind: 'tcp', srcPort: 1, dstPort: 30080, flags: TcpFlag.Syn },
        payload: bytes(4),
      }),
      good: 2,
    },
    {
      name: 'IPIP',
      frame: buildEncapFrame(
        { src: MAC_D, dst: 0x020000000020 },
        { v: 4, src: D4, dst: R4, ttl: 63, df: true },
        tcpSyn,
      ),
      good: 3,
    },
    {
      name: 'IPv6-in-IPv6',
      frame: buildEncapFrame(
        { src: MAC_D, dst: 0x020000000020 },
        { v: 6, src: D6, dst: parseIpv6Addr('fd00::20')! },
        buildPacket({
          ip: { v: 6, src: C6, dst: V6 },
          l4: { kind: 'udp', srcPort: 9, dstPort: 30053 },
          payload: bytes(5),
        }),
      ),
      good: 1,
    },
    {
      name: 'IPv4-in-IPv6',
      frame: buildEncapFrame(
        { src: MAC_D, dst: 0x020000000020 },
        { v: 6, src: D6, dst: parseIpv6Addr('fd00::20')! },
        udp4,
      ),
      good: 2,
    },
  ];
}

// tshark 4: "[Checksum Status: Bad]" (TCP/UDP/ICMP), "[Header checksum status: Bad]" (IPv4).
const BAD_TEXT = /checksum status: bad|Malformed|Bad checksum|incorrect/i;
const GOOD_TEXT = /\[(?:Header checksum|Checksum) status: Good\]/gi;

function runTshark(frames: Uint8Array[]): { status: number | null; out: string; err: string } {
  const dir = mkdtempSync(join(tmpdir(), 'uvs-wire-tshark-'));
  try {
    const file = join(dir, 'frames.pcap');
    writePcapFile(
      file,
      frames.map((data, i) => ({ tsSec: 1700000000 + i, tsNsec: 0, data })),
    );
    const r = spawnSync(
      'tshark',
      [
        '-n',
        '-r',
        file,
        '-o',
        'ip.check_checksum:TRUE',
        '-o',
        'tcp.check_checksum:TRUE',
        '-o',
        'udp.check_checksum:TRUE',
        '-V',
      ],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    if (r.error)
      throw new Error(
        'tshark could not be run (is it installed? apt-get install tshark): ' + r.error.message,
      );
    return { status: r.status, out: r.stdout, err: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Split tshark -V output into one text per frame. */
function perFrame(out: string): string[] {
  return out.split(/^(?=Frame \d+: )/m).filter((s) => s.startsWith('Frame '));
}

test('tshark validates every builder frame', (t) => {
  const cs = cases();
  const r = runTshark(cs.map((c) => c.frame));
  t.is(r.status, 0, r.err);
  const frames = perFrame(r.out);
  t.is(frames.length, cs.length);
  cs.forEach((c, i) => {
    const text = frames[i] ?? '';
    const bad = text.split('\n').filter((l) => BAD_TEXT.test(l));
    t.deepEqual(bad, [], c.name);
    const good = (text.match(GOOD_TEXT) ?? []).length;
    t.is(good, c.good, c.name + ': good checksums reported by tshark');
  });
  t.regex(frames[14] ?? '', /802\.1Q Virtual LAN.*ID: 100/s);
  t.regex(frames[15] ?? '', /Protocol: IPIP \(4\)/);
  t.regex(frames[10] ?? '', /Neighbor Solicitation[\s\S]*Source link-layer address/);
  t.regex(frames[11] ?? '', /Neighbor Advertisement[\s\S]*Target link-layer address/);
  t.regex(frames[5] ?? '', /MTU of next hop: 1480/);
});

test('tshark validates frames after NAT-style rewrites (negative control: a corrupted frame is caught)', (t) => {
  const f = buildFrame({
    eth,
    ip: { v: 4, src: C4, dst: V4, ttl: 64 },
    l4: { kind: 'tcp', srcPort: 42001, dstPort: 30080, flags: TcpFlag.Ack },
    payload: bytes(11),
  });
  const e = new EthernetView();
  const ip = new Ipv4View();
  const tcp = new TcpView();
  t.is(e.wrap(f, 0, f.length), WireError.None);
  t.is(ip.wrap(f, e.l3Off(), f.length), WireError.None);
  t.is(tcp.wrap(f, ip.l4Off(), ip.l4End()), WireError.None);
  ip.rewriteDst(R4);
  tcp.pseudoReplace32(V4, R4);
  tcp.rewriteDstPort(30081);
  ip.decTtl();
  const corrupted = f.slice();
  corrupted[corrupted.length - 1]! ^= 0x01;
  const r = runTshark([f, corrupted]);
  t.is(r.status, 0, r.err);
  const [good, bad] = perFrame(r.out);
  t.notRegex(good ?? '', BAD_TEXT);
  t.is((good?.match(GOOD_TEXT) ?? []).length, 2);
  t.regex(bad ?? '', BAD_TEXT);
});
