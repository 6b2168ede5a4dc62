// AfPacketLink against real kernel traffic on a veth pair between two namespaces the test creates:
// fanout flow affinity, PACKET_IGNORE_OUTGOING, checksum-offloaded TCP flagged META_CSUM_PARTIAL,
// VLAN tags written back, the BPF filter, setup errors, and (reported, not asserted) latency.
// Needs root; skipped with a message otherwise.
import test, { type ExecutionContext } from 'ava';
import { spawnSync } from 'node:child_process';
import { AfPacketLink, bpfFilter } from '../../src/io/afpacket-link.js';
import { LinkError } from '../../src/io/link.js';
import { FrameBatch, META_CSUM_PARTIAL } from '../../src/wire/frame-batch.js';
import { isRoot, NetnsRig } from '../helpers/netns.js';
import { etherTestFrame, ipv4TestPacket, isTestFrame, recvTestFrames } from './link-contract-suite.js';

const A_IP = 0x0ac90101; // 10.201.1.1 on va (namespace a)
const B_IP = 0x0ac90102; // 10.201.1.2 on vb (namespace b)
const OTHER_MAC = [0x02, 0x75, 0x76, 0x73, 0xee, 0x09]; // nobody's: the kernel ignores these frames

interface Pair {
  rig: NetnsRig;
  a: string;
  b: string;
}

function pair(t: { teardown(fn: () => void): void }, tag: string, txOffload = true): Pair {
  const rig = new NetnsRig(tag);
  t.teardown(() => rig.destroy());
  const a = rig.ns();
  const b = rig.ns();
  rig.veth(
    { ns: a, ifname: 'va', addr: '10.201.1.1/24' },
    { ns: b, ifname: 'vb', addr: '10.201.1.2/24' },
    { txOffload },
  );
  return { rig, a, b };
}

function ether(dst: readonly number[], type: number, payload: Uint8Array): Uint8Array {
  const f = new Uint8Array(14 + payload.length);
  f.set(dst, 0);
  f.set([0x02, 0x75, 0x76, 0x73, 0xee, 0x02], 6);
  f[12] = type >> 8;
  f[13] = type & 0xff;
  f.set(payload, 14);
  return f;
}

function udpFrame(i: number, sport: number, dstIp = A_IP): Uint8Array {
  const ip = ipv4TestPacket(i, 60, B_IP, dstIp);
  ip[20] = sport >> 8;
  ip[21] = sport & 0xff;
  return ether(OTHER_MAC, 0x0800, ip);
}

function send(link: AfPacketLink, frames: readonly Uint8Array[]): number {
  let total = 0;
  for (let at = 0; at < frames.length; at += 64) {
    const chunk = frames.slice(at, at + 64);
    const tx = new FrameBatch(chunk.length);
    chunk.forEach((f, i) => tx.put(i, f));
    tx.count = chunk.length;
    total += link.send(tx);
  }
  return total;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Everything the link receives during `ms` (bounded), as copies. */
async function drain(link: AfPacketLink, ms: number): Promise<{ frames: Uint8Array[]; meta: number[] }> {
  const rx = new FrameBatch(64);
  const frames: Uint8Array[] = [];
  const meta: number[] = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const n = link.recv(rx);
    for (let i = 0; i < n; i++) {
      frames.push(rx.data.slice(rx.off[i], rx.off[i]! + rx.len[i]!));
      meta.push(rx.meta[i]!);
    }
    if (n === 0) await sleep(5);
  }
  return { frames, meta };
}

const root = isRoot ? test.serial : test.skip;
if (!isRoot) test('AF_PACKET tests need root: skipped', (t) => t.pass());

root(
  'fanout (hash): each flow stays on one socket, both sockets get flows, no frame lost or doubled',
  async (t) => {
    const { a, b } = pair(t, 'fan');
    const group = (process.pid & 0x7fff) + 1;
    const s1 = AfPacketLink.open({ ifname: 'va', netns: a, fanout: { group, mode: 'hash' } });
    const s2 = AfPacketLink.open({ ifname: 'va', netns: a, fanout: { group, mode: 'hash' } });
    const peer = AfPacketLink.open({ ifname: 'vb', netns: b });
    t.teardown(() => Promise.all([s1.close(), s2.close(), peer.close()]));
    const frames: Uint8Array[] = [];
    for (let k = 0; k < 4; k++)
      for (let flow = 0; flow < 64; flow++) frames.push(udpFrame(k * 64 + flow, 20000 + flow));
    t.is(send(peer, frames), frames.length);
    const [r1, r2] = await Promise.all([drain(s1, 300), drain(s2, 300)]);
    const owner = new Map<number, number>();
    let total = 0;
    let split = 0;
    for (const [sock, got] of [
      [1, r1],
      [2, r2],
    ] as const) {
      for (const f of got.frames) {
        if (!isTestFrame(f, 0, f.length, 14 + 28)) continue;
        total++;
        const sport = (f[34]! << 8) | f[35]!;
        if (owner.has(sport) && owner.get(sport) !== sock) split++;
        owner.set(sport, sock);
      }
    }
    t.is(total, frames.length);
    t.is(split, 0);
    const counts = [1, 2].map((s) => [...owner.values()].filter((v) => v === s).length);
    t.log(`flows per socket: ${counts.join(' / ')}`);
    t.true(counts[0]! > 0 && counts[1]! > 0);
  },
);

root('PACKET_IGNORE_OUTGOING: our own sends are not received; a socket without it sees them', async (t) => {
  const { a, b } = pair(t, 'ign');
  // Without qdisc bypass, so that sends pass the taps at all (dev_direct_xmit skips them).
  const link = AfPacketLink.open({ ifname: 'va', netns: a, qdiscBypass: false });
  const watcher = AfPacketLink.open({ ifname: 'va', netns: a, ignoreOutgoing: false });
  const peer = AfPacketLink.open({ ifname: 'vb', netns: b });
  t.teardown(() => Promise.all([link.close(), watcher.close(), peer.close()]));
  const frames = [0, 1, 2].map((i) => etherTestFrame(i, 70));
  t.is(send(link, frames), 3);
  const [own, seen, atPeer] = await Promise.all([drain(link, 200), drain(watcher, 200), drain(peer, 200)]);
  const marked = (fs: Uint8Array[]) => fs.filter((f) => isTestFrame(f, 0, f.length, 14));
  t.deepEqual(marked(own.frames), []);
  t.deepEqual(marked(seen.frames), frames);
  t.deepEqual(marked(atPeer.frames), frames);
});

/** The SYN of a TCP connect from namespace b to 10.201.1.1:9 (refused: the kernel answers RST). */
async function captureSyn(txOffload: boolean, t: ExecutionContext) {
  const { rig, a, b } = pair(t, txOffload ? 'cso' : 'csn', txOffload);
  const link = AfPacketLink.open({ ifname: 'va', netns: a, filter: bpfFilter({ ipv4Dst: [A_IP] }) });
  t.teardown(() => link.close());
  const r = spawnSync(
    'ip',
    ['netns', 'exec', b, 'timeout', '3', 'bash', '-c', 'exec 3<>/dev/tcp/10.201.1.1/9'],
    {
      timeout: 5000,
    },
  );
  t.not(r.status, 0); // refused
  void rig;
  const got = await drain(link, 100);
  const i = got.frames.findIndex(
    (f) => f[23] === 6 && ((f[36]! << 8) | f[37]!) === 9 && (f[47]! & 0x02) !== 0,
  );
  t.true(i >= 0, 'SYN captured');
  return { frame: got.frames[i]!, meta: got.meta[i]! };
}

function pseudoSum(f: Uint8Array): number {
  const tcpLen = ((f[16]! << 8) | f[17]!) - (f[14]! & 0xf) * 4;
  let s = 6 + tcpLen;
  for (let k = 26; k < 34; k += 2) s += (f[k]! << 8) | f[k + 1]!;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

function tcpChecksumOk(f: Uint8Array): boolean {
  let s = pseudoSum(f);
  for (let k = 34; k < f.length; k += 2) s += (f[k]! << 8) | (k + 1 < f.length ? f[k + 1]! : 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s === 0xffff;
}

root(
  'TCP from a veth with tx checksum offload arrives flagged META_CSUM_PARTIAL (pseudo-header sum only)',
  async (t) => {
    const { frame, meta } = await captureSyn(true, t);
    t.is(meta & META_CSUM_PARTIAL, META_CSUM_PARTIAL);
    t.is((frame[50]! << 8) | frame[51]!, pseudoSum(frame));
    t.false(tcpChecksumOk(frame));
  },
);

root('TCP from a veth with tx offload off arrives complete and unflagged', async (t) => {
  const { frame, meta } = await captureSyn(false, t);
  t.is(meta & META_CSUM_PARTIAL, 0);
  t.true(tcpChecksumOk(frame));
});

root('VLAN tags the kernel takes off on receive are written back: the frame arrives as sent', async (t) => {
  const { a, b } = pair(t, 'vlan');
  const link = AfPacketLink.open({ ifname: 'va', netns: a });
  const peer = AfPacketLink.open({ ifname: 'vb', netns: b });
  t.teardown(() => Promise.all([link.close(), peer.close()]));
  // A tagged frame on the wire: __netif_receive_skb_core untags it before the taps run, so the
  // ring reports it with TP_STATUS_VLAN_VALID and the tag outside the bytes.
  const inner = etherTestFrame(7, 80);
  const tagged = new Uint8Array(84);
  tagged.set(inner.subarray(0, 12), 0);
  tagged.set([0x81, 0x00, 0x20, 100], 12); // PCP 1, VID 100
  tagged.set(inner.subarray(12), 16);
  t.is(send(peer, [tagged]), 1);
  const got = (await drain(link, 150)).frames.filter((x) => isTestFrame(x, 0, x.length, 18));
  t.deepEqual(got, [tagged]);
});

root('BPF filter: only IPv4 to the given addresses, IPv6 and ARP reach the ring', async (t) => {
  const { a, b } = pair(t, 'bpf');
  const link = AfPacketLink.open({ ifname: 'va', netns: a, filter: bpfFilter({ ipv4Dst: [A_IP] }) });
  const all = AfPacketLink.open({ ifname: 'va', netns: a });
  const peer = AfPacketLink.open({ ifname: 'vb', netns: b });
  t.teardown(() => Promise.all([link.close(), all.close(), peer.close()]));
  const toA = udpFrame(1, 30001, A_IP);
  const toOther = udpFrame(2, 30002, 0x0ac90103);
  const arp = ether(OTHER_MAC, 0x0806, etherTestFrame(3, 60).subarray(14));
  const other = etherTestFrame(4, 60);
  t.is(send(peer, [toA, toOther, arp, other]), 4);
  const [got, gotAll] = await Promise.all([drain(link, 150), drain(all, 150)]);
  const mine = (fs: Uint8Array[]) =>
    fs.filter((f) => isTestFrame(f, 0, f.length, 14) || isTestFrame(f, 0, f.length, 42));
  t.deepEqual(mine(got.frames), [toA, arp]);
  t.deepEqual(mine(gotAll.frames), [toA, toOther, arp, other]);
});

root('setup errors name the interface, the step and the errno', (t) => {
  const rig = new NetnsRig('err');
  t.teardown(() => rig.destroy());
  const a = rig.ns();
  const e1 = t.throws(() => AfPacketLink.open({ ifname: 'nope0', netns: a }), { instanceOf: LinkError });
  t.is(e1.errnoName, 'ENODEV');
  t.is(e1.step, 'if_nametoindex');
  t.is(e1.message, `cannot open AF_PACKET link on nope0 (netns ${a}): if_nametoindex failed: ENODEV`);
  const e2 = t.throws(() => AfPacketLink.open({ ifname: 'lo', netns: 'uvst-missing-ns' }), {
    instanceOf: LinkError,
  });
  t.is(e2.errnoName, 'ENOENT');
  t.is(e2.step, 'setns(uvst-missing-ns)');
  const e3 = t.throws(() => AfPacketLink.open({ ifname: 'lo', netns: a, blockSize: 1000 }), {
    instanceOf: LinkError,
  });
  t.is(e3.errnoName, 'EINVAL');
  t.is(e3.step, 'options.blockSize');
});

root('latency of a lone frame (reported, not asserted) and kernel counters', async (t) => {
  const { a, b } = pair(t, 'lat');
  const link = AfPacketLink.open({ ifname: 'va', netns: a, retireTovMs: 1 });
  const peer = AfPacketLink.open({ ifname: 'vb', netns: b });
  t.teardown(() => Promise.all([link.close(), peer.close()]));
  const rx = new FrameBatch(8);
  const samples: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t0 = process.hrtime.bigint();
    send(peer, [etherTestFrame(i, 60)]);
    let n = 0;
    for (let k = 0; k < 100 && n === 0; k++) {
      link.wait(20);
      n = link.recv(rx);
    }
    samples.push(Number(process.hrtime.bigint() - t0) / 1000);
    await sleep(2);
  }
  samples.sort((x, y) => x - y);
  t.log(
    `lone-frame delivery, retire timeout 1 ms: median ${samples[10]!.toFixed(0)} us, max ${samples[19]!.toFixed(0)} us`,
  );
  const s = link.stats();
  t.is(s.rxFrames, 20);
  t.is(s.kernelPackets, 20);
  t.is(s.kernelDrops, 0);
});

void recvTestFrames;
