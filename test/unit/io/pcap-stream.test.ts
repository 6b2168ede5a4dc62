/**
 * Streaming with bounded memory: a 200 MB capture is read with RSS growth far below its size,
 * and a pipe (non-seekable, partial reads) is read the same as memory, skipped blocks included.
 */
import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CaptureReader, decodeCapture } from '../../../src/io/pcap-reader.js';
import { PcapWriter } from '../../../src/io/pcap-writer.js';
import { PcapngWriter } from '../../../src/io/pcapng-writer.js';
import { tempDir } from './capture-tools.js';
import { concat, toHex } from './hex.js';
import { block, idb, shb } from './pcapng-blocks.js';

const MiB = 1024 * 1024;

function writeBig(path: string, ng: boolean, bytes: number): number {
  const frame = new Uint8Array(1500);
  const w = ng ? PcapngWriter.open(path, { nanos: true }) : PcapWriter.open(path, { nanos: true });
  let n = 0;
  while (w.offset < bytes) {
    const len = 64 + ((n * 97) % 1437);
    frame[0] = n & 0xff;
    frame[len - 1] = (n >>> 8) & 0xff;
    w.write({ tsSec: 1700000000 + (n >>> 10), tsNsec: (n & 1023) * 976562, data: frame.subarray(0, len) });
    n++;
  }
  w.close();
  return n;
}

for (const [name, ng, size] of [
  ['pcap', false, 200 * MiB],
  ['pcapng', true, 100 * MiB],
] as const) {
  test.serial(name + ': a ' + String(size / MiB) + ' MB capture is read with bounded memory', (t) => {
    const dir = tempDir(t);
    const file = join(dir, 'big.' + name);
    const written = writeBig(file, ng, size);
    t.true(statSync(file).size >= size);
    const before = process.memoryUsage().rss;
    let peak = before;
    const r = CaptureReader.open(file);
    let n = 0;
    let bad = 0;
    for (let f = r.next(); f !== null; f = r.next()) {
      const len = 64 + ((n * 97) % 1437);
      if (f.capLen !== len || f.data[0] !== (n & 0xff) || f.data[len - 1] !== ((n >>> 8) & 0xff)) bad++;
      if (f.tsSec !== 1700000000 + (n >>> 10) || f.tsNsec !== (n & 1023) * 976562) bad++;
      n++;
      if ((n & 4095) === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }
    r.close();
    peak = Math.max(peak, process.memoryUsage().rss);
    t.is(n, written);
    t.is(bad, 0);
    const growth = peak - before;
    t.log(
      'rss growth while reading: ' +
        (growth / MiB).toFixed(1) +
        ' MiB for a ' +
        String(size / MiB) +
        ' MB file',
    );
    t.true(growth < 48 * MiB, 'rss grew by ' + String(growth));
  });
}

test('a pipe (non-seekable, partial reads) reads the same as memory, a 3 MB skipped block included', async (t) => {
  const dir = tempDir(t);
  const w = PcapngWriter.toMemory({ nanos: true });
  for (let i = 0; i < 200; i++) w.write({ tsSec: i, tsNsec: i, data: new Uint8Array(100 + i).fill(i) });
  const frames = w.bytes();
  const extra = concat([shb(), idb(true, 1, 0), block(0x99, new Uint8Array(3 * MiB).fill(0xee))]);
  // a second section (µs interface, a big block to skip), then the same EPBs again
  const bytes = concat([frames, extra, frames.subarray(28 + 32)]);
  const file = join(dir, 'in.pcapng');
  writeFileSync(file, bytes);
  const fifo = join(dir, 'fifo');
  const mk = spawnSync('mkfifo', [fifo]);
  t.is(mk.status, 0);
  const feeder = spawn('dd', ['if=' + file, 'of=' + fifo, 'bs=777'], { stdio: 'ignore' });
  const done = new Promise<number | null>((resolve) => feeder.on('exit', resolve));
  const fd = openSync(fifo, 'r');
  const got: string[] = [];
  try {
    const r = CaptureReader.fromFd(fd, 4096);
    for (const f of r.frames())
      got.push(String(f.tsSec) + ':' + toHex(f.data.subarray(0, 4)) + ':' + String(f.offset));
    r.close();
  } finally {
    closeSync(fd);
  }
  t.is(await done, 0);
  const want = decodeCapture(bytes).map(
    (f) => String(f.tsSec) + ':' + toHex(f.data.subarray(0, 4)) + ':' + String(f.offset),
  );
  t.is(want.length, 400);
  t.deepEqual(got, want);
});
