import test from 'ava';
import type { ExecutionContext } from 'ava';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CaptureError, CaptureErrorCode } from '../../../src/io/pcap-error.js';
import type { CaptureErrorCode as Code } from '../../../src/io/pcap-error.js';
import { CaptureReader, decodeCapture, readCaptureFile } from '../../../src/io/pcap-reader.js';
import { encodePcap } from '../../../src/io/pcap-writer.js';
import { tempDir } from './capture-tools.js';
import { concat, hex } from './hex.js';
import { END_OPT, block, epb, fields, idb, option, shb } from './pcapng-blocks.js';

const P = hex('0102030405060708');

function expectError(t: ExecutionContext, bytes: Uint8Array, code: Code, offset: number): void {
  const err = t.throws(() => decodeCapture(bytes), { instanceOf: CaptureError });
  t.is(err?.code, code);
  t.is(err?.offset, offset);
  t.true(err?.message.startsWith(code + ' at byte ' + String(offset) + ': '), err?.message);
}

/** A classic µs LE file with one 8-byte record; patch fields with the callback. */
function pcap(patch: (v: DataView) => void = () => undefined): Uint8Array {
  const b = encodePcap([{ tsSec: 1, tsNsec: 2000, data: P }], { snaplen: 1500 });
  patch(new DataView(b.buffer));
  return b;
}

test('UVS_ERR_PCAP_BAD_MAGIC: unknown magic, pcapng byte-order magic', (t) => {
  expectError(t, hex('00112233 44556677'), CaptureErrorCode.BadMagic, 0);
  expectError(
    t,
    concat([hex('0a0d0d0a 1c000000 4d3c2b1b'), new Uint8Array(16)]),
    CaptureErrorCode.BadMagic,
    8,
  );
});

test('UVS_ERR_PCAP_BAD_VERSION: pcap 3.0, pcapng 2.0', (t) => {
  expectError(
    t,
    pcap((v) => v.setUint16(4, 3, true)),
    CaptureErrorCode.BadVersion,
    4,
  );
  expectError(t, concat([shb(true), shb(false, 2)]), CaptureErrorCode.BadVersion, 28 + 12);
});

test('UVS_ERR_PCAP_TRUNCATED: empty input, cut headers, cut records and blocks', (t) => {
  expectError(t, new Uint8Array(0), CaptureErrorCode.Truncated, 0);
  expectError(t, hex('d4c3'), CaptureErrorCode.Truncated, 0);
  const whole = pcap();
  expectError(t, whole.subarray(0, 20), CaptureErrorCode.Truncated, 0); // file header
  expectError(t, whole.subarray(0, 30), CaptureErrorCode.Truncated, 24); // record header
  expectError(t, whole.subarray(0, 45), CaptureErrorCode.Truncated, 24); // record data
  t.is(decodeCapture(whole).length, 1);
  const ng = concat([shb(), idb(true, 1, 0), epb(true, 0, 0, 0, P)]);
  expectError(t, ng.subarray(0, 10), CaptureErrorCode.Truncated, 0); // SHB
  expectError(t, ng.subarray(0, 52), CaptureErrorCode.Truncated, 48); // block header
  expectError(t, ng.subarray(0, ng.length - 1), CaptureErrorCode.Truncated, 48); // EPB
  const skipped = concat([shb(), block(0x99, new Uint8Array(100))]);
  expectError(t, skipped.subarray(0, skipped.length - 2), CaptureErrorCode.Truncated, 28); // skipped block
});

test('UVS_ERR_PCAP_BLOCK_LENGTH: trailer mismatch, bad lengths, block too short for caplen', (t) => {
  const le = true;
  // EPB at 48 whose trailing length is wrong: reported at the trailer's offset
  const e1 = epb(le, 0, 0, 0, P, 8, { trailer: 44 });
  expectError(t, concat([shb(), idb(le, 1, 0), e1]), CaptureErrorCode.BlockLength, 48 + 40 - 4);
  // skipped block with a trailer mismatch
  expectError(
    t,
    concat([shb(), block(0x99, hex('00000000'), { trailer: 20 })]),
    CaptureErrorCode.BlockLength,
    28 + 12,
  );
  // length not a multiple of 4, and below 12
  expectError(
    t,
    concat([shb(), fields(le, [4, 0x99], [4, 14]), new Uint8Array(8)]),
    CaptureErrorCode.BlockLength,
    32,
  );
  expectError(t, concat([shb(), fields(le, [4, 0x99], [4, 8])]), CaptureErrorCode.BlockLength, 32);
  // EPB claims capLen 20 but carries 8 bytes
  const e2 = epb(le, 0, 0, 0, P, 20, { capLen: 20 });
  expectError(t, concat([shb(), idb(le, 1, 0), e2]), CaptureErrorCode.BlockLength, 52);
  // SHB shorter than 28, IDB shorter than 20
  const shortShb = block(0x0a0d0d0a, fields(le, [4, 0x1a2b3c4d], [2, 1], [2, 0]));
  expectError(t, shortShb, CaptureErrorCode.BlockLength, 4);
  expectError(t, concat([shb(), block(1, hex('0100 0000'))]), CaptureErrorCode.BlockLength, 32);
});

test('UVS_ERR_PCAP_BLOCK_TOO_LARGE: a packet block over the parse limit is refused before reading it', (t) => {
  const huge = fields(true, [4, 6], [4, 8 * 1024 * 1024]);
  expectError(t, concat([shb(), idb(true, 1, 0), huge]), CaptureErrorCode.BlockTooLarge, 52);
});

test('UVS_ERR_PCAP_CAPLEN: beyond snaplen, beyond 256 KiB', (t) => {
  expectError(
    t,
    pcap((v) => v.setUint32(16, 4, true)),
    CaptureErrorCode.CapLen,
    32,
  );
  expectError(
    t,
    pcap((v) => {
      v.setUint32(16, 0, true);
      v.setUint32(32, 262145, true);
    }),
    CaptureErrorCode.CapLen,
    32,
  );
  const e = epb(true, 0, 0, 0, P);
  expectError(t, concat([shb(), idb(true, 1, 4), e]), CaptureErrorCode.CapLen, 48 + 20);
});

test('UVS_ERR_PCAP_BAD_TIMESTAMP: microseconds >= 1e6, nanoseconds >= 1e9', (t) => {
  expectError(
    t,
    pcap((v) => v.setUint32(28, 1_000_000, true)),
    CaptureErrorCode.BadTimestamp,
    28,
  );
  const ns = encodePcap([{ tsSec: 1, tsNsec: 2, data: P }], { nanos: true });
  new DataView(ns.buffer).setUint32(28, 1_000_000_000, true);
  expectError(t, ns, CaptureErrorCode.BadTimestamp, 28);
});

test('UVS_ERR_PCAP_BAD_OPTION: overrunning option, empty or impossible if_tsresol, short if_tsoffset', (t) => {
  const le = true;
  const overrun = concat([fields(le, [2, 2], [2, 40]), hex('41424344')]);
  expectError(t, concat([shb(), idb(le, 1, 0, overrun)]), CaptureErrorCode.BadOption, 28 + 16);
  expectError(
    t,
    concat([shb(), idb(le, 1, 0, concat([option(le, 9, hex('')), END_OPT]))]),
    CaptureErrorCode.BadOption,
    44,
  );
  expectError(
    t,
    concat([shb(), idb(le, 1, 0, concat([option(le, 9, hex('7f')), END_OPT]))]),
    CaptureErrorCode.BadOption,
    44,
  );
  expectError(
    t,
    concat([shb(), idb(le, 1, 0, concat([option(le, 14, hex('0100')), END_OPT]))]),
    CaptureErrorCode.BadOption,
    44,
  );
});

test('UVS_ERR_PCAP_NO_INTERFACE: EPB or SPB before any IDB (also after a new SHB)', (t) => {
  expectError(t, concat([shb(), epb(true, 0, 0, 0, P)]), CaptureErrorCode.NoInterface, 28);
  expectError(
    t,
    concat([shb(), block(3, concat([fields(true, [4, 8]), P]))]),
    CaptureErrorCode.NoInterface,
    28,
  );
  const two = concat([shb(), idb(true, 1, 0), shb(), epb(true, 0, 0, 0, P)]);
  expectError(t, two, CaptureErrorCode.NoInterface, 76);
});

test('UVS_ERR_PCAP_BAD_INTERFACE: interface id beyond the section', (t) => {
  expectError(
    t,
    concat([shb(), idb(true, 1, 0), epb(true, 1, 0, 0, P)]),
    CaptureErrorCode.BadInterface,
    48 + 8,
  );
});

test('errors from files name the offset too, and the descriptor is released', (t) => {
  const dir = tempDir(t);
  const p = join(dir, 'bad.pcap');
  const fdsBefore = readdirSync('/proc/self/fd').length;
  writeFileSync(p, pcap().subarray(0, 45));
  const err = t.throws(() => readCaptureFile(p), { instanceOf: CaptureError });
  t.is(err?.code, CaptureErrorCode.Truncated);
  t.is(err?.offset, 24);
  writeFileSync(p, hex('deadbeef'));
  t.throws(() => CaptureReader.open(p), {
    instanceOf: CaptureError,
    message: /UVS_ERR_PCAP_BAD_MAGIC at byte 0/,
  });
  t.throws(() => CaptureReader.open(join(dir, 'missing.pcap')), { code: 'ENOENT' });
  t.is(readdirSync('/proc/self/fd').length, fdsBefore);
});
