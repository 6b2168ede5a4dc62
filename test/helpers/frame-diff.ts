// A readable diff of two Ethernet frames for golden-test failures: the header fields that
// differ, decoded with the wire views, then the differing byte offsets in hex.
import { EthernetView, Ipv4View, Ipv6View, TcpView, UdpView } from '../../src/wire/index.js';

type Fields = Map<string, string | number>;

function decode(b: Uint8Array): Fields {
  const f: Fields = new Map();
  f.set('length', b.length);
  const eth = new EthernetView();
  if (eth.wrap(b, 0, b.length) !== 0) return f;
  f.set('eth.dst', eth.dst().toString(16).padStart(12, '0'));
  f.set('eth.src', eth.src().toString(16).padStart(12, '0'));
  f.set('eth.type', eth.ethertype().toString(16));
  const l3 = eth.l3Off();
  let proto = -1;
  let l4 = 0;
  let end = b.length;
  if (eth.ethertype() === 0x0800) {
    const ip = new Ipv4View();
    if (ip.wrap(b, l3, b.length) !== 0) return f;
    for (const [k, v] of Object.entries({
      tos: ip.tos(),
      totalLen: ip.totalLen(),
      id: ip.id(),
      flags: ip.flags(),
      ttl: ip.ttl(),
      proto: ip.proto(),
      csum: ip.csum(),
      src: ip.src(),
      dst: ip.dst(),
    })) {
      f.set(`ip.${k}`, v);
    }
    proto = ip.proto();
    l4 = ip.l4Off();
    end = ip.l4End();
  } else if (eth.ethertype() === 0x86dd) {
    const ip = new Ipv6View();
    if (ip.wrap(b, l3, b.length) !== 0) return f;
    f.set('ip6.hopLimit', ip.hopLimit());
    f.set('ip6.src', [0, 1, 2, 3].map((i) => ip.srcWord(i).toString(16)).join(':'));
    f.set('ip6.dst', [0, 1, 2, 3].map((i) => ip.dstWord(i).toString(16)).join(':'));
    proto = ip.upperProto();
    l4 = ip.l4Off();
    end = ip.l4End();
  }
  if (proto === 6) {
    const tcp = new TcpView();
    if (tcp.wrap(b, l4, end) === 0) {
      f.set('tcp.sport', tcp.srcPort());
      f.set('tcp.dport', tcp.dstPort());
      f.set('tcp.flags', tcp.flags());
      f.set('tcp.seq', tcp.seq());
      f.set('tcp.csum', tcp.csum());
    }
  } else if (proto === 17) {
    const udp = new UdpView();
    if (udp.wrap(b, l4, end) === 0) {
      f.set('udp.sport', udp.srcPort());
      f.set('udp.dport', udp.dstPort());
      f.set('udp.csum', udp.csum());
    }
  }
  return f;
}

export function frameDiff(mine: Uint8Array, theirs: Uint8Array): string {
  const a = decode(mine);
  const b = decode(theirs);
  const lines: string[] = [];
  for (const k of new Set([...a.keys(), ...b.keys()])) {
    if (a.get(k) !== b.get(k)) lines.push(`  ${k}: produced ${a.get(k) ?? '-'}, expected ${b.get(k) ?? '-'}`);
  }
  const offs: string[] = [];
  for (let i = 0; i < Math.max(mine.length, theirs.length) && offs.length < 16; i++) {
    if (mine[i] !== theirs[i]) {
      offs.push(`${i}: ${mine[i]?.toString(16) ?? '--'} vs ${theirs[i]?.toString(16) ?? '--'}`);
    }
  }
  lines.push(`  bytes (offset: produced vs expected): ${offs.join(', ')}`);
  return lines.join('\n');
}
