/**
 * The codec against real tools: files made by text2pcap, tcpdump, dumpcap, tshark and editcap
 * are read by us; files we write are read by tshark with the same frames, lengths and times.
 * The tools are required (CI installs tshark, tcpdump, wireshark-common); captures run on lo,
 * bounded by packet count and a timeout, into temp dirs that are removed.
 */
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CaptureFrame, WritableFrame } from '../../../src/io/pcap-format.js';
import { CaptureReader, readCaptureFile } from '../../../src/io/pcap-reader.js';
import { writePcapFile } from '../../../src/io/pcap-writer.js';
import { writePcapngFile } from '../../../src/io/pcapng-writer.js';
import { captureLoopback, epochString, randomPort, run, tempDir, tsharkFields } from './capture-tools.js';
import { toHex } from './hex.js';

const PACKETS = [
  '001122334455 66778899aabb 0800 4500001c000100004011f9cc7f0000017f000001 04d2162e00080000',
  'ffffffffffff 000102030405 0806 0001080006040001000102030405c0a80001000000000000c0a80002',
  '0a0b0c0d0e0f 101112131415 86dd 6000000000000000',
].map((s) => s.replace(/ /g, ''));

/** The od-style hex dump text2pcap reads, each packet preceded by its epoch time. */
function hexDump(times: readonly number[]): string {
  let out = '';
  PACKETS.forEach((p, i) => {
    out += String(times[i]) + '.\n';
    for (let o = 0; o < p.length / 2; o += 16) {
      const bytes = p.slice(o * 2, Math.min(p.length, (o + 16) * 2)).match(/../g)!;
      out += o.toString(16).padStart(6, '0') + '  ' + bytes.join(' ') + '\n';
    }
    out += '\n';
  });
  return out;
}

/** Our frames agree with tshark's reading of the same file: time, lengths. */
function sameAsTshark(t: ExecutionContext, file: string, ours: readonly CaptureFrame[]): void {
  const theirs = tsharkFields(file, ['frame.time_epoch', 'frame.len', 'frame.cap_len']);
  t.deepEqual(
    ours.map((f) => [epochString(f.tsSec, f.tsNsec), String(f.origLen), String(f.capLen)]),
    theirs,
  );
}

test('text2pcap: pcap, nsecpcap and pcapng outputs read back with exact bytes, times and linktype', (t) => {
  const dir = tempDir(t);
  const times = [1700000000, 1700000001, 1700003600];
  const txt = join(dir, 'dump.txt');
  writeFileSync(txt, hexDump(times));
  for (const [fmt, format, linktype] of [
    ['pcap', 'pcap', 1],
    ['nsecpcap', 'pcap', 1],
    ['pcapng', 'pcapng', 1],
    ['pcap', 'pcap', 101],
  ] as const) {
    const out = join(dir, 'out-' + fmt + String(linktype));
    run('text2pcap', ['-q', '-F', fmt, '-l', String(linktype), '-t', '%s.', txt, out]);
    const r = CaptureReader.open(out);
    t.is(r.format, format);
    t.is(r.nanos, fmt !== 'pcap'); // text2pcap's pcapng IDB carries if_tsresol=9
    r.close();
    const frames = readCaptureFile(out);
    t.deepEqual(
      frames.map((f) => [toHex(f.data), f.tsSec, f.linktype, f.truncated]),
      PACKETS.map((p, i) => [p, times[i], linktype, false]),
      fmt,
    );
    sameAsTshark(t, out, frames);
  }
});

/** Check a loopback capture of our datagrams "uvs-<i>" to port: n consecutive frames, exact lengths. */
function checkLoopback(t: ExecutionContext, frames: readonly CaptureFrame[], n: number, port: number): void {
  t.is(frames.length, n);
  let first = -1;
  frames.forEach((f, i) => {
    t.is(f.linktype, 1); // lo is DLT_EN10MB on Linux
    t.false(f.truncated);
    t.is(f.capLen, f.origLen);
    t.is(f.data[12]! * 256 + f.data[13]!, 0x0800);
    t.is(f.data[23], 17);
    t.is(f.data[36]! * 256 + f.data[37]!, port);
    const payload = Buffer.from(f.data.subarray(42)).toString('latin1');
    const m = /^uvs-(\d+)$/.exec(payload);
    t.truthy(m, payload);
    const k = Number(m![1]);
    if (i === 0) first = k;
    t.is(k, first + i);
    t.is(f.capLen, 42 + payload.length);
    t.true(Number.isInteger(f.tsSec) && Number.isInteger(f.tsNsec) && f.tsNsec < 1e9);
  });
}

test('tcpdump -w on lo (µs magic) reads back frame for frame', async (t) => {
  const dir = tempDir(t);
  const port = randomPort();
  const file = join(dir, 'us.pcap');
  await captureLoopback(
    'tcpdump',
    ['-i', 'lo', '-n', '-c', '5', '-w', file, 'udp', 'port', String(port)],
    /listening on/,
    port,
  );
  const r = CaptureReader.open(file);
  t.is(r.format, 'pcap');
  t.false(r.nanos);
  r.close();
  const frames = readCaptureFile(file);
  checkLoopback(t, frames, 5, port);
  for (const f of frames) t.is(f.tsNsec % 1000, 0);
  sameAsTshark(t, file, frames);
});

test('tcpdump --time-stamp-precision=nano on lo (ns magic) reads back frame for frame', async (t) => {
  const dir = tempDir(t);
  const port = randomPort();
  const file = join(dir, 'ns.pcap');
  const args = [
    '-i',
    'lo',
    '-n',
    '--time-stamp-precision=nano',
    '-c',
    '4',
    '-w',
    file,
    'udp',
    'port',
    String(port),
  ];
  await captureLoopback('tcpdump', args, /listening on/, port);
  const r = CaptureReader.open(file);
  t.true(r.nanos);
  r.close();
  const frames = readCaptureFile(file);
  checkLoopback(t, frames, 4, port);
  sameAsTshark(t, file, frames);
});

test('dumpcap -w and tshark -w on lo (pcapng) read back frame for frame', async (t) => {
  const dir = tempDir(t);
  for (const tool of ['dumpcap', 'tshark']) {
    const port = randomPort();
    const file = join(dir, tool + '.pcapng');
    const args = ['-i', 'lo', '-c', '3', '-w', file, '-f', 'udp port ' + String(port)];
    await captureLoopback(tool, args, /Capturing on/, port);
    const r = CaptureReader.open(file);
    t.is(r.format, 'pcapng');
    t.is(r.linktype, 1);
    r.close();
    const frames = readCaptureFile(file);
    checkLoopback(t, frames, 3, port);
    sameAsTshark(t, file, frames);
  }
});

const OURS: WritableFrame[] = [60, 61, 1514, 98, 200].map((len, i) => {
  const data = new Uint8Array(len);
  for (let j = 0; j < len; j++) data[j] = (j * 31 + i) & 0xff;
  return {
    tsSec: 1700000000 + i * 3601,
    tsNsec: [0, 1, 999999999, 123456789, 500000000][i]!,
    data,
    ifIndex: i % 2,
  };
});

test('tshark -r reads what we write (pcap µs, pcap ns big-endian, pcapng ns and µs) with the same frames', (t) => {
  const dir = tempDir(t);
  const cases: [string, (p: string) => void, boolean][] = [
    ['us.pcap', (p) => writePcapFile(p, OURS), false],
    ['ns-be.pcap', (p) => writePcapFile(p, OURS, { nanos: true, bigEndian: true }), true],
    [
      'ns.pcapng',
      (p) => writePcapngFile(p, OURS, { nanos: true, interfaces: [{ name: 'a' }, { name: 'b' }] }),
      true,
    ],
    [
      'us-be.pcapng',
      (p) => writePcapngFile(p, OURS, { bigEndian: true, interfaces: [{}, { snaplen: 1000 }] }),
      false,
    ],
  ];
  for (const [name, write, nanos] of cases) {
    const file = join(dir, name);
    write(file);
    const ng = name.endsWith('pcapng');
    const fields = ['frame.time_epoch', 'frame.len', 'frame.cap_len'];
    if (ng) fields.push('frame.interface_id');
    const want = OURS.map((f, i) => {
      const nsec = nanos ? f.tsNsec : Math.floor(f.tsNsec / 1000) * 1000;
      const cap = name === 'us-be.pcapng' && i % 2 === 1 ? Math.min(1000, f.data.length) : f.data.length;
      const row = [epochString(f.tsSec, nsec), String(f.data.length), String(cap)];
      if (ng) row.push(String(f.ifIndex));
      return row;
    });
    t.deepEqual(tsharkFields(file, fields), want, name);
  }
});

test('editcap conversions of our files (to pcapng, nsecpcap, pcap) read back identical', (t) => {
  const dir = tempDir(t);
  const src = join(dir, 'src.pcap');
  writePcapFile(src, OURS, { nanos: true });
  const srcNg = join(dir, 'src.pcapng');
  writePcapngFile(srcNg, OURS, { nanos: true, interfaces: [{}, {}] });
  const original = readCaptureFile(src);
  for (const [input, fmt] of [
    [src, 'pcapng'],
    [src, 'nsecpcap'],
    [srcNg, 'nsecpcap'],
    [srcNg, 'pcapng'],
  ] as const) {
    const out = join(dir, 'conv-' + fmt + (input === src ? '-a' : '-b'));
    run('editcap', ['-F', fmt, input, out]);
    const back = readCaptureFile(out);
    t.deepEqual(
      back.map((f) => [toHex(f.data), f.tsSec, f.tsNsec, f.origLen]),
      original.map((f) => [toHex(f.data), f.tsSec, f.tsNsec, f.origLen]),
      fmt,
    );
  }
  // editcap -F pcap gives µs: our times truncated to µs
  const us = join(dir, 'conv-us.pcap');
  run('editcap', ['-F', 'pcap', src, us]);
  t.deepEqual(
    readCaptureFile(us).map((f) => [f.tsSec, f.tsNsec]),
    OURS.map((f) => [f.tsSec, Math.floor(f.tsNsec / 1000) * 1000]),
  );
});
