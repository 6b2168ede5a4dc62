// No argument can crash the addon or make it throw: every shape of bad input to the data-plane
// functions returns -EINVAL (or -EBADF for a handle that is not open), checked case by case and
// by a fast-check fuzz of argument shapes against live handles (an AF_PACKET socket on lo and a
// TUN device, both in a namespace the test creates).
import test from 'ava';
import fc from 'fast-check';
import { constants } from 'node:os';
import { loadNative } from '../../src/io/native.js';
import { isRoot, NetnsRig } from '../helpers/netns.js';

const EINVAL = -constants.errno.EINVAL;
const EBADF = -constants.errno.EBADF;
const native = loadNative();

test('handles that are not open are -EBADF for every function', (t) => {
  const d = new Uint8Array(4096);
  const i32 = new Int32Array(2);
  const u32 = new Uint32Array(2);
  const u16 = new Uint16Array(2);
  const u8 = new Uint8Array(2);
  for (const h of [-1, 1e9, 0.5, NaN, '0', null, undefined, {}] as unknown[]) {
    const hh = h as number;
    t.is(native.recvBatch(hh, d, i32, i32, u32, u16, u16, u8, u16, 2048, 128, 2), EBADF);
    t.is(native.sendBatch(hh, d, i32, i32, u32, u16, u16, u8, u16, 0), EBADF);
    t.is(native.fanoutProgram(hh, Uint32Array.of(6, 0, 0, 0)), EBADF);
    t.is(native.wait(hh, 0), EBADF);
    t.is(native.pollStop(hh), EBADF);
    t.is(native.stats(hh, new Float64Array(9)), EBADF);
    t.is(native.linkInfo(hh), EBADF);
    t.is(native.fd(hh), EBADF);
    t.is(native.close(hh), EBADF);
  }
});

test('open functions reject bad options with -EINVAL and name the field', (t) => {
  const cases: [() => number, string][] = [
    [() => native.afpacketOpen(undefined as never), 'options: not an object'],
    [() => native.afpacketOpen({} as never), 'options.ifname'],
    [() => native.afpacketOpen({ ifname: '' }), 'options.ifname'],
    [() => native.afpacketOpen({ ifname: 'x'.repeat(16) }), 'options.ifname'],
    [() => native.afpacketOpen({ ifname: 'lo', blockSize: 4097 }), 'options.blockSize'],
    [() => native.afpacketOpen({ ifname: 'lo', blockCount: 0 }), 'options.blockCount'],
    [() => native.afpacketOpen({ ifname: 'lo', retireTovMs: -1 }), 'options.retireTovMs'],
    [() => native.afpacketOpen({ ifname: 'lo', fanoutGroup: 0x10000 }), 'options.fanoutGroup'],
    [() => native.afpacketOpen({ ifname: 'lo', ignoreOutgoing: 1 as never }), 'options.ignoreOutgoing'],
    [() => native.afpacketOpen({ ifname: 'lo', filter: new Uint32Array(3) }), 'options.filter'],
    [() => native.afpacketOpen({ ifname: 'lo', filter: Uint32Array.of(0x10000, 0, 0, 0) }), 'options.filter'],
    [() => native.afpacketOpen({ ifname: 'lo', netns: 'a\0b' }), 'options.netns'],
    [() => native.afpacketOpen({ ifname: 'lo', vnetHdr: 1 as never }), 'options.vnetHdr'],
    // A fanout program needs a group in mode 6 (PACKET_FANOUT_CBPF).
    [
      () => native.afpacketOpen({ ifname: 'lo', fanoutProgram: Uint32Array.of(6, 0, 0, 0) }),
      'options.fanoutProgram',
    ],
    [
      () =>
        native.afpacketOpen({
          ifname: 'lo',
          fanoutGroup: 1,
          fanoutMode: 6,
          fanoutProgram: new Uint32Array(5),
        }),
      'options.fanoutProgram',
    ],
    [() => native.tunOpen({ name: 'x'.repeat(16) }), 'options.name'],
    [() => native.rawIpOpen({ protocol: 6 }), 'options.protocol'],
    [() => native.rawIpOpen({} as never), 'options.protocol'],
  ];
  for (const [call, field] of cases) {
    t.is(call(), EINVAL, field);
    t.is(native.lastError(), field);
  }
  const throwing = {
    get ifname(): string {
      throw new Error('boom');
    },
  };
  t.is(native.afpacketOpen(throwing as never), EINVAL);
});

const root = isRoot ? test.serial : test.skip;

root('recvBatch/sendBatch: each bad argument is -EINVAL, buffers untouched', (t) => {
  const rig = new NetnsRig('args');
  t.teardown(() => rig.destroy());
  const ns = rig.ns();
  const h = native.afpacketOpen({ ifname: 'lo', netns: ns });
  t.true(h >= 0, native.lastError());
  t.teardown(() => native.close(h));
  const d = new Uint8Array(4 * 256);
  const off = new Int32Array(4);
  const len = new Int32Array(4);
  const meta = new Uint32Array(4);
  const v = [new Uint16Array(4), new Uint16Array(4), new Uint8Array(4), new Uint16Array(4)] as const;
  const ok = native.recvBatch(h, d, off, len, meta, ...v, 256, 64, 4);
  t.true(ok >= 0);
  const bad: unknown[][] = [
    [h, new Int8Array(1024), off, len, meta, ...v, 256, 64, 4], // wrong data type
    [h, d, new Uint32Array(4), len, meta, ...v, 256, 64, 4],
    [h, d, off, len, new Int32Array(4), ...v, 256, 64, 4],
    [h, d, off, len, meta, v[0], v[1], new Uint16Array(4), v[3], 256, 64, 4], // gsoType not Uint8Array
    [h, d, off, len, meta, v[0], v[1], v[2], new Uint16Array(3), 256, 64, 4], // gsoSize too short
    [h, d, off, len, meta, ...v, 256, 256, 4], // headroom >= slot
    [h, d, off, len, meta, ...v, 0, 0, 4],
    [h, d, off, len, meta, ...v, 256, 64, 5], // more than the arrays hold
    [h, new Uint8Array(1000), off, len, meta, ...v, 256, 64, 4], // data too small
    [h, d, off, len, meta, ...v, 256.5, 64, 4],
    [h, d, off, len, meta, ...v, 256, 64, -1],
    [h, d, off, len, meta, ...v, 256, 64],
    [h, d, off, len, meta, 256, 64, 4], // ABI 2 shape
  ];
  for (const args of bad) t.is((native.recvBatch as (...a: unknown[]) => number)(...args), EINVAL);
  const m1 = new Uint32Array(1);
  const v1 = [new Uint16Array(1), new Uint16Array(1), new Uint8Array(1), new Uint16Array(1)] as const;
  const sbad: unknown[][] = [
    [h, d, Int32Array.of(-1), Int32Array.of(10), m1, ...v1, 1],
    [h, d, Int32Array.of(1020), Int32Array.of(10), m1, ...v1, 1], // past the end
    [h, d, Int32Array.of(0), Int32Array.of(0), m1, ...v1, 1], // empty frame
    [h, d, Int32Array.of(0), Int32Array.of(60), m1, ...v1, 2], // count > arrays
    [h, d, Int32Array.of(0), Int32Array.of(60), m1, ...v1, 1.5],
    [h, [1, 2], Int32Array.of(0), Int32Array.of(1), m1, ...v1, 1],
    [h, d, Int32Array.of(0), Int32Array.of(60), new Uint32Array(0), ...v1, 1], // meta too short
    [h, d, Int32Array.of(0), Int32Array.of(60), m1, v1[0], v1[1], v1[2], new Uint8Array(1), 1],
    [h, d, Int32Array.of(0), Int32Array.of(60), 1], // ABI 2 shape
  ];
  for (const args of sbad) t.is((native.sendBatch as (...a: unknown[]) => number)(...args), EINVAL);
  t.is(native.wait(h, -1), EINVAL);
  t.is(native.wait(h, 20000), EINVAL);
  t.is(native.stats(h, new Float64Array(3)), EINVAL);
  t.is(native.stats(h, new Float64Array(9)), EINVAL); // ABI 3 has 11 counters
  t.is(native.fanoutProgram(h, new Uint32Array(3)), EINVAL);
  t.is(native.fanoutProgram(h, Uint32Array.of(6, 0, 0, 0)), EINVAL); // no cbpf fanout group
  t.is(native.pollStart(h, 'cb' as never), EINVAL);
});

root('fuzz: any argument shapes give a number, never a throw or a crash', (t) => {
  const rig = new NetnsRig('fuzz');
  t.teardown(() => rig.destroy());
  const ns = rig.ns();
  const hp = native.afpacketOpen({ ifname: 'lo', netns: ns });
  const ht = native.tunOpen({ name: 'uvf%d', netns: ns });
  t.true(hp >= 0 && ht >= 0, native.lastError());
  t.teardown(() => {
    native.close(hp);
    native.close(ht);
  });
  const int = fc.oneof(
    fc.integer({ min: -5, max: 5000 }),
    fc.constantFrom(NaN, Infinity, -0, 2 ** 31, 2 ** 53, 0.5),
  );
  const typed = fc.oneof(
    fc.integer({ min: 0, max: 4096 }).map((n) => new Uint8Array(n)),
    fc.integer({ min: 0, max: 64 }).map((n) => new Int32Array(n)),
    fc.integer({ min: 0, max: 64 }).map((n) => new Uint32Array(n)),
    fc.integer({ min: 0, max: 64 }).map((n) => new Float64Array(n)),
    fc
      .tuple(fc.integer({ min: 0, max: 32 }), fc.integer({ min: -3000, max: 3000 }))
      .map(([n, v]) => new Int32Array(n).fill(v)),
  );
  const arg = fc.oneof(int, typed, fc.anything());
  const handle = fc.constantFrom(hp, ht, -1, 99999);
  fc.assert(
    fc.property(handle, fc.array(arg, { maxLength: 12 }), fc.nat(4), (h, rest, which) => {
      const n = native as unknown as Record<string, (...a: unknown[]) => unknown>;
      const name = ['recvBatch', 'sendBatch', 'wait', 'stats', 'linkInfo'][which]!;
      const fn = (...a: unknown[]) => n[name]!(...a);
      const r = fn(h, ...rest.map((x) => (typeof x === 'number' && which === 2 ? Math.min(x, 5) : x)));
      return typeof r === 'number' || (which === 4 && typeof r === 'object');
    }),
    { numRuns: 3000, seed: 42 },
  );
  t.pass();
});
