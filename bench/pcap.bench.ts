/**
 * pcap group: read and write throughput of the capture codec (src/io/pcap-*.ts).
 *
 * Writes a temporary ~100 MB capture (20 MB with UVS_BENCH_QUICK=1) of 64..1500-byte frames in
 * each format, reads it back, and prints one JSON line per figure on stdout (nothing else).
 * Baselines from the same run: plain fs.readSync / fs.writeSync of the same bytes in 1 MiB chunks
 * (the file is in the page cache, so read figures are CPU-bound). Each figure is the median of 3.
 * The temp directory is removed at exit.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureReader } from '../src/io/pcap-reader.js';
import { PcapWriter } from '../src/io/pcap-writer.js';
import { PcapngWriter } from '../src/io/pcapng-writer.js';

const MB = 1e6;
const TARGET = (process.env.UVS_BENCH_QUICK === '1' ? 20 : 100) * MB;
const RUNS = 3;

function emit(name: string, value: number, unit: string, baseline?: string): void {
  const fig: Record<string, string | number> = { name, value: Number(value.toFixed(1)), unit };
  if (baseline !== undefined) fig.baseline = baseline;
  process.stdout.write(JSON.stringify(fig) + '\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function seconds(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** 2048 distinct frames of 64..1500 bytes, cycled. */
const FRAMES: Uint8Array[] = [];
for (let i = 0; i < 2048; i++) {
  const len = 64 + ((i * 7919) % 1437);
  const f = new Uint8Array(len);
  for (let j = 0; j < len; j++) f[j] = (i + j * 13) & 0xff;
  FRAMES.push(f);
}

function writeCapture(path: string, ng: boolean): number {
  const w = ng ? PcapngWriter.open(path, { nanos: true }) : PcapWriter.open(path, { nanos: true });
  let n = 0;
  while (w.offset < TARGET) {
    w.write({ tsSec: 1700000000 + (n >>> 14), tsNsec: (n & 16383) * 61035, data: FRAMES[n & 2047]! });
    n++;
  }
  w.close();
  return n;
}

function readCapture(path: string): number {
  const r = CaptureReader.open(path);
  let n = 0;
  let sum = 0;
  for (let f = r.next(); f !== null; f = r.next()) {
    sum += f.data[0]!;
    n++;
  }
  r.close();
  if (sum < 0) throw new Error('unreachable');
  return n;
}

function rawRead(path: string): void {
  const fd = openSync(path, 'r');
  const buf = new Uint8Array(1 << 20);
  while (readSync(fd, buf, 0, buf.length, null) > 0);
  closeSync(fd);
}

function rawWrite(path: string, size: number): void {
  const fd = openSync(path, 'w');
  const buf = new Uint8Array(1 << 20).fill(0x5a);
  for (let done = 0; done < size; done += buf.length)
    writeSync(fd, buf, 0, Math.min(buf.length, size - done));
  closeSync(fd);
}

const dir = mkdtempSync(join(tmpdir(), 'uvs-bench-pcap-'));
try {
  const raw = join(dir, 'raw.bin');
  emit(
    'raw_write_mb_s',
    TARGET / MB / median(Array.from({ length: RUNS }, () => seconds(() => rawWrite(raw, TARGET)))),
    'MB/s',
  );
  emit(
    'raw_read_mb_s',
    TARGET / MB / median(Array.from({ length: RUNS }, () => seconds(() => rawRead(raw)))),
    'MB/s',
  );
  rmSync(raw);
  for (const [fmt, ng] of [
    ['pcap', false],
    ['pcapng', true],
  ] as const) {
    const path = join(dir, 'bench.' + fmt);
    let frames = 0;
    const wt = median(Array.from({ length: RUNS }, () => seconds(() => (frames = writeCapture(path, ng)))));
    const size = statSync(path).size;
    emit(fmt + '_write_mb_s', size / MB / wt, 'MB/s', 'raw_write_mb_s');
    let read = 0;
    const rt = median(Array.from({ length: RUNS }, () => seconds(() => (read = readCapture(path)))));
    if (read !== frames)
      throw new Error(fmt + ': read ' + String(read) + ' of ' + String(frames) + ' frames');
    emit(fmt + '_read_mb_s', size / MB / rt, 'MB/s', 'raw_read_mb_s');
    emit(fmt + '_read_frames_s', frames / rt, 'frames/s');
    process.stderr.write(
      'pcap bench: ' + fmt + ' ' + String(frames) + ' frames, ' + String(size) + ' bytes\n',
    );
    rmSync(path);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
