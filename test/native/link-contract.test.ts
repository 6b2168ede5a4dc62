// The Link contract (link-contract-suite.ts) against the native links, each in namespaces the
// test creates: AfPacketLink on one end of a veth pair (the peer is another AF_PACKET socket on
// the other end), and TunLink (frames are injected by a raw IPPROTO_RAW socket routing into the
// TUN, and what the link writes is captured by an AF_PACKET socket on the TUN device).
// Needs root; skipped with a message otherwise.
import test from 'ava';
import { AfPacketLink } from '../../src/io/afpacket-link.js';
import { RawIpLink } from '../../src/io/raw-ip-socket.js';
import { TunLink } from '../../src/io/tun-link.js';
import { FrameBatch } from '../../src/wire/frame-batch.js';
import { isRoot, NetnsRig } from '../helpers/netns.js';
import {
  etherTestFrame,
  ipv4TestPacket,
  linkContract,
  recvTestFrames,
  type LinkFixture,
} from './link-contract-suite.js';

function sendAll(link: AfPacketLink | RawIpLink, frames: readonly Uint8Array[]): void {
  const tx = new FrameBatch(Math.max(frames.length, 1));
  frames.forEach((f, i) => tx.put(i, f));
  tx.count = frames.length;
  const n = link.send(tx);
  if (n !== frames.length) throw new Error(`peer sent ${n} of ${frames.length}`);
}

function afPacketFixture(): Promise<LinkFixture> {
  const rig = new NetnsRig('afc');
  const a = rig.ns();
  const b = rig.ns();
  rig.veth({ ns: a, ifname: 'va' }, { ns: b, ifname: 'vb' });
  const link = AfPacketLink.open({ ifname: 'va', netns: a });
  const peer = AfPacketLink.open({ ifname: 'vb', netns: b });
  const peerRx = new FrameBatch(64);
  return Promise.resolve({
    link,
    inject: (frames) => sendAll(peer, frames),
    collect: async (want) => (await recvTestFrames(peer, peerRx, want, 14)).frames,
    frame: etherTestFrame,
    markerAt: 14,
    maxFrame: 1514,
    teardown: async () => {
      await link.close();
      await peer.close();
      rig.destroy();
    },
  });
}

const TUN_ADDR = 0x0ac90901; // 10.201.9.1 (on the TUN)
const TUN_PEER = 0x0ac90902; // 10.201.9.2 (routed into the TUN)

function tunFixture(): Promise<LinkFixture> {
  const rig = new NetnsRig('tunc');
  const a = rig.ns();
  const link = TunLink.open({ name: 'uvt%d', netns: a });
  rig.ip(a, 'addr', 'add', '10.201.9.1/24', 'dev', link.name);
  rig.ip(a, 'link', 'set', link.name, 'up');
  const sender = RawIpLink.sender({ netns: a });
  const capture = AfPacketLink.open({ ifname: link.name, netns: a });
  const capRx = new FrameBatch(64);
  return Promise.resolve({
    link,
    inject: (frames) => sendAll(sender, frames),
    collect: async (want) => (await recvTestFrames(capture, capRx, want, 28)).frames,
    frame: (i, size) => ipv4TestPacket(i, size, TUN_ADDR, TUN_PEER),
    markerAt: 28,
    maxFrame: 1500,
    teardown: async () => {
      await link.close();
      await sender.close();
      await capture.close();
      rig.destroy();
    },
  });
}

if (isRoot) {
  linkContract(test, 'AfPacketLink', afPacketFixture);
  linkContract(test, 'TunLink', tunFixture);
} else {
  test('native link contract needs root (CAP_NET_ADMIN, CAP_NET_RAW): skipped', (t) => {
    t.log('not root: AfPacketLink/TunLink contract not run');
    t.pass();
  });
}
