// The symmetric fanout program verified by the kernel: two AF_PACKET sockets in one
// PACKET_FANOUT_CBPF group on a veth, frames from the peer (requests to a VIP, NAT replies,
// ICMP errors, ARP) from many client addresses. Each frame must reach the socket the test's
// interpreter predicts (value % 2, sockets in join order), so the program's offsets (network
// header at 0, SKF_AD_PROTOCOL) are the kernel's; and a request and its reply meet on one socket.
// Then the program is replaced at run time (setFanoutProgram) and the new one takes effect.
// Needs root; bounded (a few hundred frames, 300-ms drains).
import test from 'ava';
import { AfPacketLink } from '../../src/io/afpacket-link.js';
import { fanoutProgram, type FanoutSpec } from '../../src/io/fanout-bpf.js';
import { buildFrame, type PacketSpec } from '../../src/wire/builder.js';
import { FrameBatch } from '../../src/wire/frame-batch.js';
import { ip4 } from '../helpers/engine-harness.js';
import { runCbpf } from '../helpers/cbpf.js';
import { isRoot, NetnsRig } from '../helpers/netns.js';

const OTHER_MAC = 0x027576730e09; // nobody's: the kernel in namespace a ignores the frames
const w4 = (a: string): number[] => [ip4(a), 0, 0, 0];
const SPEC: FanoutSpec = {
  vips: [{ af: 4, addr: w4('10.0.0.90') }],
  natDests: [{ af: 4, addr: w4('10.0.1.91'), port: 8080 }],
};

function frame(ip: PacketSpec['ip'], l4: PacketSpec['l4'], tag: number): Uint8Array {
  const payload = Uint8Array.of(0x75, 0x76, 0x73, 0x46, tag >> 8, tag & 0xff);
  return buildFrame({ ip, l4, payload, eth: { src: 0x027576730e02, dst: OTHER_MAC } });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function drainTags(link: AfPacketLink, ms: number): Promise<number[]> {
  const rx = new FrameBatch(64);
  const tags: number[] = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const n = link.recv(rx);
    for (let i = 0; i < n; i++) {
      const o = rx.off[i]! + rx.len[i]! - 6;
      const d = rx.data;
      if (d[o] === 0x75 && d[o + 1] === 0x76 && d[o + 2] === 0x73 && d[o + 3] === 0x46)
        tags.push((d[o + 4]! << 8) | d[o + 5]!);
    }
    if (n === 0) await sleep(5);
  }
  return tags;
}

const root = isRoot ? test.serial : test.skip;
if (!isRoot) test('fanout cbpf test needs root: skipped', (t) => t.pass());

root(
  'PACKET_FANOUT_CBPF: the kernel sends each frame where the program says; requests and replies meet',
  async (t) => {
    const rig = new NetnsRig('fcbpf');
    t.teardown(() => rig.destroy());
    const a = rig.ns();
    const b = rig.ns();
    rig.veth({ ns: a, ifname: 'va' }, { ns: b, ifname: 'vb' });
    const group = (process.pid & 0x7fff) + 7;
    const prog = fanoutProgram(SPEC);
    const s0 = AfPacketLink.open({ ifname: 'va', netns: a, fanout: { group, mode: 'cbpf', program: prog } });
    const s1 = AfPacketLink.open({ ifname: 'va', netns: a, fanout: { group, mode: 'cbpf' } });
    const peer = AfPacketLink.open({ ifname: 'vb', netns: b });
    t.teardown(() => Promise.all([s0.close(), s1.close(), peer.close()]));

    const frames: Uint8Array[] = [];
    const expect: number[] = [];
    const pair: number[] = []; // index of the request a reply belongs to, or -1
    for (let c = 1; c <= 40; c++) {
      const cl = ip4(`192.168.${c >> 3}.${c * 5}`);
      const add = (f: Uint8Array, of = -1): void => {
        expect.push(runCbpf(prog, f.subarray(14), (f[12]! << 8) | f[13]!) % 2);
        pair.push(of);
        frames.push(f);
      };
      const q = frames.length;
      add(
        frame(
          { v: 4, src: cl, dst: ip4('10.0.0.90') },
          { kind: 'tcp', srcPort: 40000 + c, dstPort: 80, flags: 0x10 },
          q,
        ),
      );
      add(
        frame(
          { v: 4, src: ip4('10.0.1.91'), dst: cl },
          { kind: 'tcp', srcPort: 8080, dstPort: 40000 + c, flags: 0x10 },
          q + 1,
        ),
        q,
      );
      add(
        frame(
          { v: 4, src: ip4('10.9.9.9'), dst: ip4('10.0.0.90') },
          { kind: 'icmp4', type: 3, code: 4, rest: 1400 },
          q + 2,
        ),
      );
    }
    const tx = new FrameBatch(frames.length);
    frames.forEach((f, i) => tx.put(i, f));
    tx.count = frames.length;
    t.is(peer.send(tx), frames.length);
    const [g0, g1] = await Promise.all([drainTags(s0, 300), drainTags(s1, 300)]);
    const got = new Array<number>(frames.length).fill(-1);
    for (const tag of g0) got[tag] = 0;
    for (const tag of g1) got[tag] = 1;
    t.deepEqual(got, expect);
    t.true(g0.length > 0 && g1.length > 0, `${g0.length} / ${g1.length}`);
    pair.forEach((q, i) => {
      if (q >= 0) t.is(got[i], got[q], `reply ${i} with its request`);
    });

    // Replace the program: one that returns 1 for everything moves all traffic to the second socket.
    s1.setFanoutProgram([{ code: 0x06, jt: 0, jf: 0, k: 1 }]);
    t.is(peer.send(tx), frames.length);
    const [h0, h1] = await Promise.all([drainTags(s0, 300), drainTags(s1, 300)]);
    t.deepEqual([h0.length, h1.length], [0, frames.length]);
  },
);
