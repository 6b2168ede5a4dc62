/**
 * The Link contract (src/io/link.ts) as one ava suite, run against MemoryLink
 * (test/unit/io/link-contract.test.ts) and against AfPacketLink and TunLink inside namespaces
 * (test/native/link-contract.test.ts). A fixture gives the link and a way to inject frames from
 * its peer and to collect what the peer received; frames are recognised by a per-run marker so
 * unrelated kernel traffic on a real link cannot confuse the checks.
 */
import type { ExecutionContext, TestFn } from 'ava';
import { constants } from 'node:os';
import type { Link } from '../../src/io/link.js';
import { FrameBatch } from '../../src/wire/frame-batch.js';

export const MARKER = 0x55565354; // "UVST"
export const RUN_ID = (process.pid * 2654435761) >>> 0;

export interface LinkFixture {
  link: Link;
  /** Make these frames arrive at the link, in order. */
  inject(frames: readonly Uint8Array[]): void;
  /** Test frames the peer received from the link, waiting until `want` arrived (bounded). */
  collect(want: number): Promise<Uint8Array[]>;
  /** Test frame number i, `size` bytes, in the link's framing. */
  frame(i: number, size: number): Uint8Array;
  /** Offset of the marker inside a frame of this framing. */
  markerAt: number;
  /** Largest frame the peer can inject. */
  maxFrame: number;
  teardown(): Promise<void>;
}

export function isTestFrame(bytes: Uint8Array, off: number, len: number, markerAt: number): boolean {
  if (len < markerAt + 8) return false;
  const v = new DataView(bytes.buffer, bytes.byteOffset + off + markerAt, 8);
  return v.getUint32(0) === MARKER && v.getUint32(4) === RUN_ID;
}

/** Marker, run id, index and a byte pattern that depends on both, from `at` to the end. */
export function fillPayload(f: Uint8Array, at: number, i: number): void {
  const v = new DataView(f.buffer, f.byteOffset);
  v.setUint32(at, MARKER);
  v.setUint32(at + 4, RUN_ID);
  v.setUint16(at + 8, i);
  for (let k = at + 10; k < f.length; k++) f[k] = (k * 7 + i * 13) & 0xff;
}

/** An Ethernet frame of an experimental ethertype (0x88b5) that no kernel stack answers. */
export function etherTestFrame(i: number, size: number): Uint8Array {
  const f = new Uint8Array(size);
  f.set([0x02, 0x75, 0x76, 0x73, 0xee, 0x01, 0x02, 0x75, 0x76, 0x73, 0xee, 0x02, 0x88, 0xb5]);
  fillPayload(f, 14, i);
  return f;
}

/** An IPv4/UDP packet src -> dst (host-order), with the header checksum and lengths exact. */
export function ipv4TestPacket(i: number, size: number, src: number, dst: number): Uint8Array {
  const f = new Uint8Array(size);
  const v = new DataView(f.buffer);
  v.setUint8(0, 0x45);
  v.setUint16(2, size);
  v.setUint16(4, 0x1000 + i); // id != 0: the kernel keeps it
  v.setUint8(8, 64);
  v.setUint8(9, 17);
  v.setUint32(12, src);
  v.setUint32(16, dst);
  let sum = 0;
  for (let k = 0; k < 20; k += 2) sum += v.getUint16(k);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  v.setUint16(10, ~sum & 0xffff);
  v.setUint16(20, 40000);
  v.setUint16(22, 40001);
  v.setUint16(24, size - 20);
  fillPayload(f, 28, i); // UDP checksum 0: none
  return f;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Receives until `want` test frames arrived (bounded: ~3 s); returns them with their slot checks. */
export async function recvTestFrames(
  link: Link,
  rx: FrameBatch,
  want: number,
  markerAt: number,
  maxPerCall: number[] = [],
): Promise<{ frames: Uint8Array[]; slotOk: boolean }> {
  const frames: Uint8Array[] = [];
  let slotOk = true;
  for (let round = 0; round < 600 && frames.length < want; round++) {
    const n = link.recv(rx);
    if (n < 0) break;
    maxPerCall.push(n);
    for (let i = 0; i < n; i++) {
      const off = rx.off[i]!;
      const len = rx.len[i]!;
      if (!isTestFrame(rx.data, off, len, markerAt)) continue;
      if (off < i * rx.slotSize + rx.headroom || off + len > (i + 1) * rx.slotSize) slotOk = false;
      frames.push(rx.data.slice(off, off + len));
    }
    if (n === 0) await sleep(5);
  }
  return { frames, slotOk };
}

export function linkContract(test: TestFn, label: string, setup: () => Promise<LinkFixture>): void {
  const serial = test.serial;
  const withFixture = (title: string, body: (fx: LinkFixture, t: ExecutionContext) => Promise<void> | void) =>
    serial(`${label}: ${title}`, async (t) => {
      const fx = await setup();
      t.teardown(() => fx.teardown());
      await body(fx, t);
    });

  withFixture('recv on an idle link returns 0 and sets count 0', (fx, t) => {
    const rx = new FrameBatch(8);
    rx.count = 5;
    t.is(fx.link.recv(rx), 0);
    t.is(rx.count, 0);
  });

  withFixture('injected frames arrive in order, byte for byte, after the headroom', async (fx, t) => {
    const sizes = [60, 61, 100, 1000, fx.maxFrame];
    const sent = sizes.map((s, i) => fx.frame(i, s));
    fx.inject(sent);
    const rx = new FrameBatch(16);
    const got = await recvTestFrames(fx.link, rx, sent.length, fx.markerAt);
    t.deepEqual(got.frames, sent);
    t.true(got.slotOk);
  });

  withFixture('recv never returns more than rx.capacity', async (fx, t) => {
    const sent = [0, 1, 2, 3, 4].map((i) => fx.frame(i, 80));
    fx.inject(sent);
    const rx = new FrameBatch(2);
    const perCall: number[] = [];
    const got = await recvTestFrames(fx.link, rx, sent.length, fx.markerAt, perCall);
    t.deepEqual(got.frames, sent);
    t.true(perCall.every((n) => n <= 2));
  });

  withFixture('send transmits tx.count frames from their off/len, in order', async (fx, t) => {
    const tx = new FrameBatch(4);
    const frames = [fx.frame(10, 64), fx.frame(11, 300), fx.frame(12, 1200)];
    // Frames placed like a forwarder leaves them: one grew into the headroom, one sits later.
    const offs = [tx.headroom - 20, tx.slotSize + tx.headroom, 2 * tx.slotSize + 7];
    frames.forEach((f, i) => {
      tx.data.set(f, offs[i]);
      tx.off[i] = offs[i]!;
      tx.len[i] = f.length;
    });
    tx.count = 3;
    t.is(fx.link.send(tx), 3);
    t.deepEqual(await fx.collect(3), frames);
    t.is(fx.link.stats().txFrames >= 3, true);
  });

  withFixture('frames larger than a slot are skipped and counted, not truncated', async (fx, t) => {
    const sent = [fx.frame(20, 100), fx.frame(21, 300), fx.frame(22, 120)];
    fx.inject(sent);
    const rx = new FrameBatch(8, 256, 64); // room: 192 bytes
    const before = fx.link.stats().rxOversize;
    const got = await recvTestFrames(fx.link, rx, 2, fx.markerAt);
    t.deepEqual(got.frames, [sent[0], sent[2]]);
    t.is(fx.link.stats().rxOversize - before, 1);
  });

  withFixture('onReadable calls back while frames wait; null stops it', async (fx, t) => {
    const rx = new FrameBatch(16);
    const frames: Uint8Array[] = [];
    let calls = 0;
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('onReadable never fired')), 3000);
      fx.link.onReadable(() => {
        calls++;
        const n = fx.link.recv(rx);
        for (let i = 0; i < n; i++) {
          if (isTestFrame(rx.data, rx.off[i]!, rx.len[i]!, fx.markerAt))
            frames.push(rx.data.slice(rx.off[i], rx.off[i]! + rx.len[i]!));
        }
        if (frames.length >= 2) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const sent = [fx.frame(30, 90), fx.frame(31, 91)];
    fx.inject(sent);
    await done;
    fx.link.onReadable(null);
    t.deepEqual(frames, sent);
    t.true(calls >= 1);
    const after = calls;
    fx.inject([fx.frame(32, 92)]);
    await sleep(50);
    t.is(calls, after);
  });

  withFixture('after close, recv and send return -EBADF; close is idempotent', async (fx, t) => {
    await fx.link.close();
    await fx.link.close();
    const rx = new FrameBatch(4);
    t.is(fx.link.recv(rx), -constants.errno.EBADF);
    t.is(rx.count, 0);
    const tx = new FrameBatch(4);
    tx.put(0, fx.frame(40, 60));
    tx.count = 1;
    t.is(fx.link.send(tx), -constants.errno.EBADF);
  });
}
