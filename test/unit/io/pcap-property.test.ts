import test from 'ava';
import fc from 'fast-check';
import { CaptureError } from '../../../src/io/pcap-error.js';
import type { WritableFrame } from '../../../src/io/pcap-format.js';
import { CaptureReader, decodeCapture } from '../../../src/io/pcap-reader.js';
import { joinOut, joinTicks, splitOut, splitTicks, tsResolution } from '../../../src/io/pcap-timestamp.js';
import { encodePcap } from '../../../src/io/pcap-writer.js';
import { encodePcapng } from '../../../src/io/pcapng-writer.js';

const SEED = 0x5eed;

test('splitTicks agrees with BigInt arithmetic for every resolution', (t) => {
  const raws = fc.oneof(fc.integer({ min: 0, max: 19 }), fc.integer({ min: 0x80, max: 0x80 + 63 }));
  fc.assert(
    fc.property(fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff }), raws, (hi, lo, raw) => {
      const res = tsResolution(raw)!;
      const ticks = (BigInt(hi) << 32n) | BigInt(lo);
      const sec = ticks / res.perSecBig;
      const nsec = ((ticks % res.perSecBig) * 1_000_000_000n) / res.perSecBig;
      splitTicks(hi, lo, res);
      // seconds beyond 2^53 cannot be exact in a Number; compare as Numbers then
      return splitOut.sec === Number(sec) && splitOut.nsec === Number(nsec);
    }),
    { seed: SEED, numRuns: 20000 },
  );
  t.pass();
});

test('joinTicks agrees with BigInt arithmetic (µs and ns)', (t) => {
  fc.assert(
    fc.property(fc.nat({ max: 0xffffffff }), fc.nat({ max: 999_999_999 }), fc.boolean(), (sec, nsec, ns) => {
      joinTicks(sec, nsec, ns ? 9 : 6);
      const want = ns
        ? BigInt(sec) * 1_000_000_000n + BigInt(nsec)
        : BigInt(sec) * 1_000_000n + BigInt(nsec) / 1000n;
      return joinOut.hi === Number(want >> 32n) && joinOut.lo === Number(want & 0xffffffffn);
    }),
    { seed: SEED, numRuns: 20000 },
  );
  t.pass();
});

const frameArb = fc.record({
  tsSec: fc.nat({ max: 0xffffffff }),
  tsNsec: fc.nat({ max: 999_999_999 }),
  data: fc.uint8Array({ minLength: 0, maxLength: 300 }),
  extra: fc.nat({ max: 100 }),
  ifIndex: fc.nat({ max: 2 }),
});

test('random frames round trip through both writers and the reader (both byte orders, µs and ns)', (t) => {
  fc.assert(
    fc.property(
      fc.array(frameArb, { maxLength: 30 }),
      fc.boolean(),
      fc.boolean(),
      (arr, nanos, bigEndian) => {
        const frames: WritableFrame[] = arr.map((f) => ({
          tsSec: f.tsSec,
          tsNsec: f.tsNsec,
          data: f.data,
          origLen: f.data.length + f.extra,
          ifIndex: f.ifIndex,
        }));
        const files = [
          encodePcap(frames, { nanos, bigEndian }),
          encodePcapng(frames, { nanos, bigEndian, interfaces: [{}, { linktype: 101 }, { linktype: 12 }] }),
        ];
        for (const [k, bytes] of files.entries()) {
          const back = decodeCapture(bytes);
          if (back.length !== frames.length) return false;
          for (let i = 0; i < frames.length; i++) {
            const x = frames[i]!;
            const y = back[i]!;
            const nsec = nanos ? x.tsNsec : Math.floor(x.tsNsec / 1000) * 1000;
            const ifIndex = k === 0 ? 0 : x.ifIndex!;
            if (y.tsSec !== x.tsSec || y.tsNsec !== nsec || y.origLen !== x.origLen || y.ifIndex !== ifIndex)
              return false;
            if (y.truncated !== y.capLen < y.origLen || y.linktype !== [1, 101, 12][ifIndex]) return false;
            if (Buffer.compare(Buffer.from(y.data), Buffer.from(x.data)) !== 0) return false;
          }
          // Re-encoding what was read gives the same bytes.
          const again =
            k === 0
              ? encodePcap(back, { nanos, bigEndian })
              : encodePcapng(back, {
                  nanos,
                  bigEndian,
                  interfaces: [{}, { linktype: 101 }, { linktype: 12 }],
                });
          if (Buffer.compare(Buffer.from(again), Buffer.from(bytes)) !== 0) return false;
        }
        return true;
      },
    ),
    { seed: SEED, numRuns: 300 },
  );
  t.pass();
});

/** Read everything; only CaptureError may escape. Returns the number of frames read. */
function readAllOrCaptureError(bytes: Uint8Array): number {
  let n = 0;
  try {
    const r = CaptureReader.fromBytes(bytes);
    while (r.next() !== null) n++;
  } catch (e) {
    if (!(e instanceof CaptureError)) throw e;
    if (!Number.isInteger(e.offset) || e.offset < 0 || e.offset > bytes.length)
      throw new Error('bad offset ' + String(e.offset));
  }
  return n;
}

test('random corruption and truncation of valid files never throws anything but CaptureError', (t) => {
  const base = fc.sample(fc.array(frameArb, { minLength: 1, maxLength: 8 }), { seed: SEED, numRuns: 1 })[0]!;
  const frames = base.map((f) => ({ tsSec: f.tsSec, tsNsec: f.tsNsec, data: f.data, ifIndex: f.ifIndex }));
  const valid = [
    encodePcap(frames),
    encodePcap(frames, { nanos: true, bigEndian: true }),
    encodePcapng(frames, { nanos: true, interfaces: [{ name: 'lo' }, {}, {}] }),
    encodePcapng(frames, { bigEndian: true, interfaces: [{}, {}, {}] }),
  ];
  const mutation = fc.record({
    file: fc.nat({ max: valid.length - 1 }),
    edits: fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { minLength: 1, maxLength: 6 }),
    cut: fc.option(fc.nat(), { nil: undefined }),
  });
  fc.assert(
    fc.property(mutation, (m) => {
      const src = valid[m.file]!;
      const b = src.slice(0, m.cut === undefined ? src.length : m.cut % (src.length + 1));
      for (const [pos, val] of m.edits) if (b.length > 0) b[pos % b.length] = val;
      readAllOrCaptureError(b);
    }),
    { seed: SEED, numRuns: 5000 },
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (junk) => {
      readAllOrCaptureError(junk);
    }),
    { seed: SEED, numRuns: 2000 },
  );
  t.pass();
});
