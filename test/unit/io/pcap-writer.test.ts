import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CaptureReader, decodeCapture, readCaptureFile } from '../../../src/io/pcap-reader.js';
import { PcapWriter, encodePcap, writePcapFile } from '../../../src/io/pcap-writer.js';
import { PcapngWriter, encodePcapng, writePcapngFile } from '../../../src/io/pcapng-writer.js';
import type { WritableFrame } from '../../../src/io/pcap-format.js';
import { tempDir } from './capture-tools.js';
import { hex, toHex } from './hex.js';

const DATA = hex('deadbeef01');
const FRAME: WritableFrame = { tsSec: 1700000000, tsNsec: 123456789, data: DATA, origLen: 9 };

test('classic pcap µs little-endian: exact bytes', (t) => {
  const expected = hex(`
    d4c3b2a1 0200 0400 00000000 00000000 00000400 01000000
    00f15365 40e20100 05000000 09000000 deadbeef01`);
  t.is(toHex(encodePcap([FRAME])), toHex(expected));
});

test('classic pcap ns big-endian, linktype 101, snaplen 65535: exact bytes', (t) => {
  const expected = hex(`
    a1b23c4d 0002 0004 00000000 00000000 0000ffff 00000065
    6553f100 075bcd15 00000005 00000009 deadbeef01`);
  t.is(
    toHex(encodePcap([FRAME], { nanos: true, bigEndian: true, linktype: 101, snaplen: 65535 })),
    toHex(expected),
  );
});

test('pcapng ns little-endian: exact SHB, IDB with if_tsresol=9, EPB', (t) => {
  const expected = hex(`
    0a0d0d0a 1c000000 4d3c2b1a 0100 0000 ffffffff ffffffff 1c000000
    01000000 20000000 0100 0000 00000400 0900 0100 09000000 0000 0000 20000000
    06000000 28000000 00000000 fe9c9717 15cd853d 05000000 09000000 deadbeef01 000000 28000000`);
  t.is(toHex(encodePcapng([FRAME], { nanos: true })), toHex(expected));
});

test('pcapng µs big-endian with if_name: exact bytes', (t) => {
  const expected = hex(`
    0a0d0d0a 0000001c 1a2b3c4d 0001 0000 ffffffff ffffffff 0000001c
    00000001 00000020 0001 0000 00040000 0002 0004 65746830 0000 0000 00000020
    00000006 00000028 00000000 00060a24 18202240 00000005 00000009 deadbeef01 000000 00000028`);
  t.is(toHex(encodePcapng([FRAME], { bigEndian: true, interfaces: [{ name: 'eth0' }] })), toHex(expected));
});

test('frames longer than snaplen are cut and keep origLen; the reader flags them truncated', (t) => {
  const data = new Uint8Array(100).fill(7);
  for (const bytes of [
    encodePcap([{ tsSec: 1, tsNsec: 0, data }], { snaplen: 64 }),
    encodePcapng([{ tsSec: 1, tsNsec: 0, data }], { interfaces: [{ snaplen: 64 }] }),
  ]) {
    const r = CaptureReader.fromBytes(bytes);
    const f = r.next()!;
    t.is(f.capLen, 64);
    t.is(f.origLen, 100);
    t.true(f.truncated);
    t.is(r.next(), null);
    t.is(r.frameCount, 1);
    t.is(r.truncatedCount, 1);
  }
});

test('writer arguments are checked', (t) => {
  const w = PcapWriter.toMemory();
  t.throws(() => w.write({ tsSec: -1, tsNsec: 0, data: DATA }), { instanceOf: RangeError });
  t.throws(() => w.write({ tsSec: 1.5, tsNsec: 0, data: DATA }), { instanceOf: RangeError });
  t.throws(() => w.write({ tsSec: 2 ** 32, tsNsec: 0, data: DATA }), { instanceOf: RangeError });
  t.throws(() => w.write({ tsSec: 0, tsNsec: 1e9, data: DATA }), { instanceOf: RangeError });
  t.throws(() => w.write({ tsSec: 0, tsNsec: 0, data: DATA, origLen: 2 }), { instanceOf: RangeError });
  t.throws(() => PcapWriter.toMemory({ snaplen: 0 }), { instanceOf: RangeError });
  t.throws(() => PcapWriter.toMemory({ snaplen: 262145 }), { instanceOf: RangeError });
  t.throws(() => PcapWriter.toMemory({ linktype: 70000 }), { instanceOf: RangeError });
  const ng = PcapngWriter.toMemory();
  t.throws(() => ng.write({ tsSec: 0, tsNsec: 0, data: DATA, ifIndex: 1 }), { instanceOf: RangeError });
  t.is(ng.addInterface({ linktype: 101 }), 1);
  ng.write({ tsSec: 0, tsNsec: 0, data: DATA, ifIndex: 1 });
  t.deepEqual(
    decodeCapture(ng.bytes()).map((f) => [f.ifIndex, f.linktype]),
    [[1, 101]],
  );
});

test('writeRaw writes a window of a larger buffer', (t) => {
  const ring = hex('00112233445566778899');
  const a = PcapWriter.toMemory({ nanos: true });
  a.writeRaw(5, 6, ring, 3, 4);
  const b = PcapngWriter.toMemory({ nanos: true });
  b.writeRaw(0, 5, 6, ring, 3, 4, 10);
  t.is(toHex(decodeCapture(a.bytes())[0]!.data), '33445566');
  const f = decodeCapture(b.bytes())[0]!;
  t.deepEqual([toHex(f.data), f.origLen, f.tsSec, f.tsNsec], ['33445566', 10, 5, 6]);
});

function frames(n: number): WritableFrame[] {
  const out: WritableFrame[] = [];
  for (let i = 0; i < n; i++) {
    const data = new Uint8Array(60 + ((i * 37) % 1400));
    for (let j = 0; j < data.length; j++) data[j] = (i * 7 + j) & 0xff;
    out.push({ tsSec: 1700000000 + i, tsNsec: (i * 123456789) % 1e9, data });
  }
  return out;
}

test('file round trip: write, read, write again gives identical bytes (all four flavours)', (t) => {
  const dir = tempDir(t);
  const input = frames(300);
  const flavours: [string, (p: string, f: Iterable<WritableFrame>) => void][] = [
    ['us.pcap', (p, f) => writePcapFile(p, f)],
    ['ns.pcap', (p, f) => writePcapFile(p, f, { nanos: true, bigEndian: true })],
    ['us.pcapng', (p, f) => writePcapngFile(p, f, { bigEndian: true })],
    ['ns.pcapng', (p, f) => writePcapngFile(p, f, { nanos: true })],
  ];
  for (const [name, write] of flavours) {
    const a = join(dir, 'a-' + name);
    const b = join(dir, 'b-' + name);
    write(a, input);
    const back = readCaptureFile(a);
    t.is(back.length, input.length, name);
    const ns = name.startsWith('ns');
    for (let i = 0; i < input.length; i++) {
      const x = input[i]!;
      const y = back[i]!;
      t.deepEqual(y.data, x.data);
      t.is(y.tsSec, x.tsSec);
      t.is(y.tsNsec, ns ? x.tsNsec : Math.floor(x.tsNsec / 1000) * 1000);
    }
    write(b, back);
    t.true(Buffer.compare(readFileSync(a), readFileSync(b)) === 0, name);
  }
});

test('file reads with a tiny chunk size match in-memory reads (buffer compaction and growth)', (t) => {
  const dir = tempDir(t);
  const input = frames(50);
  for (const [name, bytes] of [
    ['x.pcap', encodePcap(input, { nanos: true })],
    ['x.pcapng', encodePcapng(input, { nanos: true })],
  ] as const) {
    const p = join(dir, name);
    writeFileSync(p, bytes);
    const r = CaptureReader.open(p, 64);
    const got: string[] = [];
    for (const f of r.frames()) got.push(toHex(f.data) + '/' + String(f.tsNsec) + '/' + String(f.offset));
    r.close();
    const want = decodeCapture(bytes).map(
      (f) => toHex(f.data) + '/' + String(f.tsNsec) + '/' + String(f.offset),
    );
    t.is(got.length, 50);
    t.deepEqual(got, want);
  }
});

test('empty captures: header only gives no frames', (t) => {
  t.deepEqual(decodeCapture(encodePcap([])), []);
  t.deepEqual(decodeCapture(encodePcapng([])), []);
  const r = CaptureReader.fromBytes(
    encodePcapng([], { nanos: true, interfaces: [{ linktype: 101, snaplen: 1500 }] }),
  );
  t.is(r.format, 'pcapng');
  t.is(r.linktype, 101);
  t.is(r.snaplen, 1500);
  t.true(r.nanos);
});
