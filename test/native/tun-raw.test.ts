// TunLink Ethernet framing and the raw IPv4 sockets of TUN mode's real-server side: IPIP sent
// from a peer namespace is received whole (outer header included) by RawIpLink.ipipReceiver,
// and while it is open the kernel answers with no ICMP protocol-unreachable.
// Needs root; skipped with a message otherwise.
import test from 'ava';
import { AfPacketLink } from '../../src/io/afpacket-link.js';
import { RawIpLink } from '../../src/io/raw-ip-socket.js';
import { TUN_ETH_DST, TUN_ETH_SRC, TunLink } from '../../src/io/tun-link.js';
import { FrameBatch } from '../../src/wire/frame-batch.js';
import { isRoot, NetnsRig } from '../helpers/netns.js';
import { ipv4TestPacket, isTestFrame, recvTestFrames } from './link-contract-suite.js';

const root = isRoot ? test.serial : test.skip;
if (!isRoot) test('TUN and raw socket tests need root: skipped', (t) => t.pass());

function batchOf(frames: readonly Uint8Array[]): FrameBatch {
  const tx = new FrameBatch(frames.length);
  frames.forEach((f, i) => tx.put(i, f));
  tx.count = frames.length;
  return tx;
}

/** IPIP: a 20-byte outer IPv4 header (proto 4) in front of `inner`, checksum exact. */
function ipip(src: number, dst: number, inner: Uint8Array): Uint8Array {
  const f = new Uint8Array(20 + inner.length);
  const v = new DataView(f.buffer);
  v.setUint8(0, 0x45);
  v.setUint16(2, f.length);
  v.setUint16(4, 0x4242);
  v.setUint8(8, 64);
  v.setUint8(9, 4);
  v.setUint32(12, src);
  v.setUint32(16, dst);
  let sum = 0;
  for (let k = 0; k < 20; k += 2) sum += v.getUint16(k);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  v.setUint16(10, ~sum & 0xffff);
  f.set(inner, 20);
  return f;
}

root(
  'raw IPIP: packets from a peer arrive with their outer header, and the kernel sends no ICMP',
  async (t) => {
    const rig = new NetnsRig('ipip');
    t.teardown(() => rig.destroy());
    const a = rig.ns();
    const b = rig.ns();
    rig.veth({ ns: a, ifname: 'va', addr: '10.201.2.1/24' }, { ns: b, ifname: 'vb', addr: '10.201.2.2/24' });
    const rx = RawIpLink.ipipReceiver({ netns: a });
    const sender = RawIpLink.sender({ netns: b });
    const watch = AfPacketLink.open({ ifname: 'vb', netns: b });
    t.teardown(() => Promise.all([rx.close(), sender.close(), watch.close()]));
    const inner = [0, 1, 2].map((i) => ipv4TestPacket(i, 80 + i, 0x0ac90202, 0x0ac90909));
    const outer = inner.map((p) => ipip(0x0ac90202, 0x0ac90201, p));
    t.is(sender.send(batchOf(outer)), 3);
    const got = await recvTestFrames(rx, new FrameBatch(8), 3, 48);
    t.deepEqual(got.frames, outer);
    // Anything the kernel of namespace a sent back: no ICMP (IPv4 protocol 1) at all.
    const back = new FrameBatch(64);
    let icmp = 0;
    for (let k = 0; k < 10; k++) {
      const n = watch.recv(back);
      for (let i = 0; i < n; i++) if (back.data[back.off[i]! + 23] === 1) icmp++;
      await new Promise((r) => setTimeout(r, 10));
    }
    t.is(icmp, 0);
  },
);

root('raw sender refuses frames that are not IPv4 and counts them, sending the rest', (t) => {
  const rig = new NetnsRig('rawbad');
  t.teardown(() => rig.destroy());
  const a = rig.ns();
  const sender = RawIpLink.sender({ netns: a });
  t.teardown(() => sender.close());
  const good = ipv4TestPacket(1, 60, 0x7f000001, 0x7f000001);
  const bad = new Uint8Array(60).fill(0x60); // IPv6 nibble
  t.is(sender.send(batchOf([bad, good, bad])), 3);
  t.like(sender.stats(), { txFrames: 1, txRejected: 2 });
});

root('TunLink ethernet framing: recv prepends a header in the headroom, send strips it', async (t) => {
  const rig = new NetnsRig('tuneth');
  t.teardown(() => rig.destroy());
  const a = rig.ns();
  const link = TunLink.open({ name: 'uvt%d', netns: a, framing: 'ethernet' });
  rig.ip(a, 'addr', 'add', '10.201.9.1/24', 'dev', link.name);
  rig.ip(a, 'link', 'set', link.name, 'up');
  const sender = RawIpLink.sender({ netns: a });
  const capture = AfPacketLink.open({ ifname: link.name, netns: a });
  t.teardown(() => Promise.all([link.close(), sender.close(), capture.close()]));
  const pkt = ipv4TestPacket(5, 100, 0x0ac90901, 0x0ac90902);
  t.is(sender.send(batchOf([pkt])), 1);
  const got = await recvTestFrames(link, new FrameBatch(8), 1, 14 + 28);
  const want = new Uint8Array(114);
  want.set(TUN_ETH_DST, 0);
  want.set(TUN_ETH_SRC, 6);
  want.set([0x08, 0x00], 12);
  want.set(pkt, 14);
  t.deepEqual(got.frames, [want]);
  t.is(link.send(batchOf([want])), 1);
  const seen = await recvTestFrames(capture, new FrameBatch(8), 1, 28);
  t.deepEqual(seen.frames, [pkt]);
});

void isTestFrame;
