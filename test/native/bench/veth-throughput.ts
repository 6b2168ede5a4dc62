// Throughput of recvBatch/sendBatch on a veth pair with 64-byte frames (not a test: run by hand,
// as root: node --import tsx test/native/bench/veth-throughput.ts [seconds]).
// The generator (veth-gen.ts, CPU0) sends from namespace b; this process (CPU1) receives in
// namespace a with recvBatch into a 256-slot FrameBatch, optionally sending every batch back out
// (mode "fwd": recv + sendBatch of the same batch, zero-copy). Bounded: a few seconds each.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { AfPacketLink } from '../../../src/io/afpacket-link.js';
import { FrameBatch } from '../../../src/wire/frame-batch.js';
import { NetnsRig } from '../../helpers/netns.js';

const secs = Number(process.argv[2] ?? 3);
const rig = new NetnsRig('bench');
try {
  const a = rig.ns();
  const b = rig.ns();
  rig.veth({ ns: a, ifname: 'va' }, { ns: b, ifname: 'vb' });
  for (const mode of ['recv', 'fwd'] as const) {
    const link = AfPacketLink.open({ ifname: 'va', netns: a, blockSize: 1 << 18, blockCount: 64 });
    const rx = new FrameBatch(256);
    const gen = spawn(
      'taskset',
      [
        '-c',
        '0',
        process.execPath,
        '--import',
        'tsx',
        fileURLToPath(new URL('./veth-gen.ts', import.meta.url)),
        b,
        'vb',
        String(secs),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    gen.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<void>((r) => gen.on('close', () => r()));
    // Generator start-up (tsx): drain without counting, so the ring does not overflow meanwhile.
    const warm = Date.now() + 1500;
    while (Date.now() < warm) if (link.recv(rx) === 0) link.wait(5);
    const dropsBefore = link.stats().kernelDrops;
    let got = 0;
    let sent = 0;
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const end = t0 + BigInt(Math.round((secs - 1) * 1e9));
    while (process.hrtime.bigint() < end) {
      const n = link.recv(rx);
      if (n > 0) {
        got += n;
        if (mode === 'fwd') {
          const tx = rx; // same frames, same memory: send the batch back out
          sent += Math.max(0, link.send(tx));
        }
      } else link.wait(5);
    }
    const dt = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    await exited;
    const g = JSON.parse(out) as { sent: number; seconds: number; busy: number };
    const s = link.stats();
    console.log(
      JSON.stringify({
        mode,
        genKpps: Math.round(g.sent / g.seconds / 1000),
        recvKpps: Math.round(got / dt / 1000),
        fwdSendKpps: Math.round(sent / dt / 1000),
        cpuNsPerPkt: Math.round(((cpu.user + cpu.system) * 1000) / Math.max(got, 1)),
        kernelDrops: s.kernelDrops - dropsBefore,
        genBusyCalls: g.busy,
      }),
    );
    await link.close();
  }
} finally {
  rig.destroy();
}
