import test from 'ava';
import { CaptureReader, decodeCapture } from '../../../src/io/pcap-reader.js';
import { concat, hex, toHex } from './hex.js';
import { END_OPT, block, epb, fields, idb, option, shb } from './pcapng-blocks.js';

const P1 = hex('0102030405');
const P2 = hex('aabbccddeeff0011');

test('several interfaces: linktype, snaplen and if_tsresol (10^-3, 2^-20, default µs) per interface', (t) => {
  const le = true;
  const file = concat([
    shb(le),
    idb(le, 1, 0, concat([option(le, 9, hex('03')), END_OPT])), // ms
    idb(le, 101, 65535, concat([option(le, 9, hex('94')), END_OPT])), // 2^-20 s
    idb(le, 113, 128), // default 10^-6
    epb(le, 0, 0x18b, 0xcfe5687b, P1), // 1700000000123 ms
    epb(le, 1, 0x6553f, 0x10080000, P2), // (1700000000 * 2^20 + 2^19) ticks of 2^-20 s
    epb(le, 2, 0x60a24, 0x18202240, P1, 9), // µs
  ]);
  const r = CaptureReader.fromBytes(file);
  t.is(r.format, 'pcapng');
  t.deepEqual(
    r.interfaces.map((i) => [i.linktype, i.snaplen, i.tsResolution.raw]),
    [
      [1, 0, 3],
      [101, 65535, 0x94],
      [113, 128, 6],
    ],
  );
  const got = [...r.frames()].map((f) => [
    f.ifIndex,
    f.linktype,
    f.tsSec,
    f.tsNsec,
    toHex(f.data),
    f.origLen,
    f.truncated,
  ]);
  t.deepEqual(got, [
    [0, 1, 1700000000, 123000000, '0102030405', 5, false],
    [1, 101, 1700000000, 500000000, 'aabbccddeeff0011', 8, false],
    [2, 113, 1700000000, 123456000, '0102030405', 9, true],
  ]);
  t.is(r.truncatedCount, 1);
});

test('several sections in different byte orders; each SHB resets the interfaces', (t) => {
  const file = concat([
    shb(true),
    idb(true, 1, 0),
    epb(true, 0, 0, 1_000_001, P1),
    shb(false),
    idb(false, 228, 0, concat([option(false, 9, hex('09')), END_OPT])),
    epb(false, 0, 0, 2_000_000_007, P2),
    shb(true),
    idb(true, 1, 0),
    idb(true, 12, 0),
    epb(true, 1, 0, 3_000_000, P1),
  ]);
  const r = CaptureReader.fromBytes(file);
  const got = [...r.frames()].map((f) => [f.ifIndex, f.linktype, f.tsSec, f.tsNsec, toHex(f.data)]);
  t.deepEqual(got, [
    [0, 1, 1, 1000, '0102030405'],
    [0, 228, 2, 7, 'aabbccddeeff0011'],
    [1, 12, 3, 0, '0102030405'],
  ]);
  t.true(r.littleEndian);
});

test('NRB, ISB, custom, DSB and unknown blocks are skipped by their length; SPB and OPB are read', (t) => {
  const le = true;
  const file = concat([
    shb(le, 1, concat([option(le, 4, new TextEncoder().encode('test app')), END_OPT])),
    block(4, hex('0100 0800 7f000001 6c6f0000 0000 0000')), // NRB: ipv4 record + end
    idb(le, 1, 6),
    block(5, fields(le, [4, 0], [4, 0], [4, 0])), // ISB
    block(0x00000bad, hex('0000a0b0 0102')), // custom block (PEN 0xa0b0...)
    block(0x0000000a, new Uint8Array(40000)), // DSB, large
    block(0x12345678, hex('ff')), // unknown
    block(3, concat([fields(le, [4, 5]), P1])), // SPB: origLen 5, snaplen 6 -> capLen 5
    block(3, concat([fields(le, [4, 9]), P2])), // SPB: origLen 9, snaplen 6 -> capLen 6
    block(2, concat([fields(le, [2, 0], [2, 0], [4, 0], [4, 7], [4, 5], [4, 5]), P1])), // OPB
  ]);
  const got = decodeCapture(file).map((f) => [
    f.tsSec,
    f.tsNsec,
    f.capLen,
    f.origLen,
    toHex(f.data),
    f.truncated,
  ]);
  t.deepEqual(got, [
    [0, 0, 5, 5, '0102030405', false],
    [0, 0, 6, 9, 'aabbccddeeff', true],
    [0, 7000, 5, 5, '0102030405', false],
  ]);
});

test('if_tsoffset adds seconds; EPB options after the data are ignored', (t) => {
  const le = true;
  const off = new Uint8Array(8);
  new DataView(off.buffer).setBigInt64(0, 1000n, true);
  const withOpts = concat([fields(le, [4, 0], [4, 0], [4, 2_500_000], [4, 5], [4, 5]), P1, hex('000000')]);
  const epbOpts = concat([withOpts, option(le, 2, hex('00000001')), END_OPT]); // epb_flags
  const file = concat([shb(le), idb(le, 1, 0, concat([option(le, 14, off), END_OPT])), block(6, epbOpts)]);
  t.deepEqual(
    decodeCapture(file).map((f) => [f.tsSec, f.tsNsec, toHex(f.data)]),
    [[1002, 500000000, '0102030405']],
  );
});

test('ns timestamps beyond 2^53 ticks and 2^-32 resolution are exact', (t) => {
  const le = true;
  // 4102444799.999999999 s (2099-12-31T23:59:59.999999999Z) in ns = 0x38ee_6b9f_7d1c_3fff
  const ns = 4102444799_999999999n;
  const hi = Number(ns >> 32n);
  const lo = Number(ns & 0xffffffffn);
  const frac32 = (2n ** 32n - 1n) | (4102444799n << 32n); // 2^-32 resolution
  const file = concat([
    shb(le),
    idb(le, 1, 0, concat([option(le, 9, hex('09')), END_OPT])),
    idb(le, 1, 0, concat([option(le, 9, hex('a0')), END_OPT])),
    epb(le, 0, hi, lo, P1),
    epb(le, 1, Number(frac32 >> 32n), Number(frac32 & 0xffffffffn), P1),
  ]);
  t.deepEqual(
    decodeCapture(file).map((f) => [f.tsSec, f.tsNsec]),
    [
      [4102444799, 999999999],
      [4102444799, 999999999], // floor((2^32-1) * 1e9 / 2^32)
    ],
  );
});
