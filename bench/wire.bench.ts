/**
 * wire group: ns per packet to wrap (validate) header chains and to rewrite with checksum patches.
 *
 * Standalone: `node --import tsx bench/wire.bench.ts` prints one JSON line per figure on stdout,
 * nothing else (`{"name":"wire_ipv4_tcp_parse_ns","value":12.3,"unit":"ns"}`); diagnostics go to
 * stderr. Frames are built once and reused; each task runs an inner loop over BATCH packets so the
 * figure is per packet, not per tinybench call. The full-recompute NAT figure is the baseline of
 * the incremental one (same run, so the ratio is meaningful on a noisy machine). A checksum
 * accumulator is printed to stderr so the JIT cannot drop the work.
 */
import { Bench } from 'tinybench';
import {
  buildFrame,
  EthernetView,
  Icmpv4View,
  Ipv4View,
  Ipv6View,
  parseIpv6Addr,
  TcpFlag,
  TcpView,
  UdpView,
} from '../src/wire/index.js';

const QUICK = process.env.UVS_BENCH_QUICK === '1';
const BATCH = 1024;
const eth = { src: 0x02000000006e, dst: 0x0200000000fe };
const payload = new Uint8Array(64).fill(7);

const TCP4 = buildFrame({
  eth,
  ip: { v: 4, src: 0xac10006e, dst: 0x0a00001e, ttl: 64, df: true },
  l4: { kind: 'tcp', srcPort: 42001, dstPort: 443, flags: TcpFlag.Ack, ts: { val: 1, ecr: 2 } },
  payload,
});
const SYN4 = buildFrame({
  eth,
  ip: { v: 4, src: 0xac10006e, dst: 0x0a00001e },
  l4: {
    kind: 'tcp',
    srcPort: 42001,
    dstPort: 443,
    flags: TcpFlag.Syn,
    mss: 1460,
    sackPerm: true,
    ts: { val: 1, ecr: 0 },
    wscale: 7,
  },
});
const TCP6 = buildFrame({
  eth,
  ip: { v: 6, src: parseIpv6Addr('fd00::6e')!, dst: parseIpv6Addr('fd00::1e')! },
  l4: { kind: 'tcp', srcPort: 42001, dstPort: 80, flags: TcpFlag.Ack },
  payload,
});
const UDP4 = buildFrame({
  eth,
  ip: { v: 4, src: 0xac10006e, dst: 0x0a00001e },
  l4: { kind: 'udp', srcPort: 40000, dstPort: 53 },
  payload,
});
const ICMP4 = buildFrame({
  eth,
  ip: { v: 4, src: 0xac10006e, dst: 0x0a00001e },
  l4: { kind: 'icmp4', type: 8, code: 0, rest: 0x00010002 },
  payload,
});

const e = new EthernetView();
const ip4 = new Ipv4View();
const ip6 = new Ipv6View();
const tcp = new TcpView();
const udp = new UdpView();
const icmp = new Icmpv4View();
let sink = 0;

function parseTcp4(f: Uint8Array): void {
  for (let i = 0; i < BATCH; i++) {
    e.wrap(f, 0, f.length);
    ip4.wrap(f, e.l3Off(), f.length);
    tcp.wrap(f, ip4.l4Off(), ip4.l4End());
    sink = (sink + ip4.src() + ip4.dst() + tcp.srcPort() + tcp.dstPort() + tcp.flags()) | 0;
  }
}

const tasks: Array<[string, () => void, string?]> = [
  ['wire_ipv4_tcp_parse_ns', () => parseTcp4(TCP4)],
  [
    'wire_ipv4_tcp_parse_csum_ns',
    () => {
      for (let i = 0; i < BATCH; i++) {
        e.wrap(TCP4, 0, TCP4.length);
        ip4.wrap(TCP4, e.l3Off(), TCP4.length);
        tcp.wrap(TCP4, ip4.l4Off(), ip4.l4End());
        if (ip4.csumOk() && tcp.csumOk(ip4.pseudoSum())) sink = (sink + 1) | 0;
      }
    },
  ],
  [
    'wire_tcp_syn_options_parse_ns',
    () => {
      for (let i = 0; i < BATCH; i++) {
        ip4.wrap(SYN4, 14, SYN4.length);
        tcp.wrap(SYN4, ip4.l4Off(), ip4.l4End());
        tcp.parseOptions();
        sink = (sink + tcp.mss() + tcp.wscale()) | 0;
      }
    },
  ],
  [
    'wire_ipv6_tcp_parse_ns',
    () => {
      for (let i = 0; i < BATCH; i++) {
        e.wrap(TCP6, 0, TCP6.length);
        ip6.wrap(TCP6, e.l3Off(), TCP6.length);
        tcp.wrap(TCP6, ip6.l4Off(), ip6.l4End());
        sink = (sink + ip6.dstWord(3) + tcp.srcPort() + tcp.dstPort()) | 0;
      }
    },
  ],
  [
    'wire_ipv4_udp_parse_ns',
    () => {
      for (let i = 0; i < BATCH; i++) {
        e.wrap(UDP4, 0, UDP4.length);
        ip4.wrap(UDP4, e.l3Off(), UDP4.length);
        udp.wrap(UDP4, ip4.l4Off(), ip4.l4End());
        sink = (sink + ip4.dst() + udp.srcPort() + udp.dstPort()) | 0;
      }
    },
  ],
  [
    'wire_ipv4_icmp_parse_ns',
    () => {
      for (let i = 0; i < BATCH; i++) {
        e.wrap(ICMP4, 0, ICMP4.length);
        ip4.wrap(ICMP4, e.l3Off(), ICMP4.length);
        icmp.wrap(ICMP4, ip4.l4Off(), ip4.l4End());
        sink = (sink + icmp.type() + icmp.echoId()) | 0;
      }
    },
  ],
  [
    'wire_nat_rewrite_ns',
    () => {
      // Inbound NAT: vaddr:vport -> daddr:dport with incremental IP + TCP checksum patches, and back.
      ip4.wrap(TCP4, 14, TCP4.length);
      tcp.wrap(TCP4, ip4.l4Off(), ip4.l4End());
      for (let i = 0; i < BATCH; i++) {
        const old = ip4.dst();
        const next = old === 0x0a00001e ? 0x0a000116 : 0x0a00001e;
        ip4.rewriteDst(next);
        tcp.pseudoReplace32(old, next);
        tcp.rewriteDstPort(next === 0x0a000116 ? 8080 : 443);
      }
    },
    'wire_nat_full_recompute_ns',
  ],
  [
    'wire_nat_full_recompute_ns',
    () => {
      ip4.wrap(TCP4, 14, TCP4.length);
      tcp.wrap(TCP4, ip4.l4Off(), ip4.l4End());
      for (let i = 0; i < BATCH; i++) {
        const next = ip4.dst() === 0x0a00001e ? 0x0a000116 : 0x0a00001e;
        ip4.setDst(next);
        tcp.setDstPort(next === 0x0a000116 ? 8080 : 443);
        ip4.fillCsum();
        tcp.fillCsum(ip4.pseudoSum());
      }
    },
  ],
  [
    'wire_ttl_dec_ns',
    () => {
      ip4.wrap(TCP4, 14, TCP4.length);
      for (let i = 0; i < BATCH; i++) {
        if (ip4.ttl() <= 1) ip4.rewriteTtl(255);
        ip4.decTtl();
      }
    },
  ],
  [
    'wire_hop_limit_dec_ns',
    () => {
      ip6.wrap(TCP6, 14, TCP6.length);
      for (let i = 0; i < BATCH; i++) {
        if (ip6.hopLimit() <= 1) ip6.setHopLimit(255);
        ip6.decHopLimit();
      }
    },
  ],
];

const bench = new Bench({ time: QUICK ? 150 : 800, warmupTime: QUICK ? 50 : 200 });
for (const [name, fn] of tasks) bench.add(name, fn);
await bench.run();

for (const task of bench.tasks) {
  const r = task.result;
  if (r.state !== 'completed') {
    process.stderr.write('wire bench: ' + task.name + ' ' + r.state + '\n');
    process.exitCode = 1;
    continue;
  }
  const baseline = tasks.find((t) => t[0] === task.name)?.[2];
  const fig: Record<string, string | number> = {
    name: task.name,
    value: Number(((r.latency.mean * 1e6) / BATCH).toFixed(2)),
    unit: 'ns',
  };
  if (baseline !== undefined) fig.baseline = baseline;
  process.stdout.write(JSON.stringify(fig) + '\n');
}
process.stderr.write('wire bench: sink ' + sink + '\n');
