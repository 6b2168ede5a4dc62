// Generator for veth-throughput.ts: sendBatch of 64-byte UDP frames (256 flows) on an AF_PACKET
// link for a bounded time; prints {sent, busy, seconds} as JSON. Args: netns ifname seconds.
import { AfPacketLink } from '../../../src/io/afpacket-link.js';
import { FrameBatch } from '../../../src/wire/frame-batch.js';

const [ns, ifname, secs] = process.argv.slice(2);
const link = AfPacketLink.open({ ifname: ifname!, netns: ns!, qdiscBypass: process.env.UVS_BYPASS !== '0' });
const tx = new FrameBatch(256, 128, 0);
for (let i = 0; i < 256; i++) {
  const f = new Uint8Array(64);
  f.set([0x02, 0x75, 0x76, 0x73, 0xee, 0x09, 0x02, 0x75, 0x76, 0x73, 0xee, 0x02, 0x08, 0x00, 0x45, 0, 0, 50]);
  f.set([64, 17, 0, 0, 10, 201, 1, 2, 10, 201, 1, 1, 0x9c, i], 22);
  tx.put(i, f);
}
tx.count = 256;
const end = process.hrtime.bigint() + BigInt(Math.round(Number(secs) * 1e9));
const t0 = process.hrtime.bigint();
let sent = 0;
let busy = 0;
while (process.hrtime.bigint() < end) {
  const n = link.send(tx);
  if (n < 256) busy++;
  if (n > 0) sent += n;
}
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
process.stdout.write(JSON.stringify({ sent, busy, seconds, stats: link.stats() }) + '\n');
await link.close();
