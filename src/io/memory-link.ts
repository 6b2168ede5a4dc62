/**
 * MemoryLink: an in-process Link for tests and offline runs, like gVisor's channel endpoint and
 * serialport's mock binding. inject() queues frames as if they arrived on the wire; collect()
 * drains the frames the link sent. It follows the Link contract exactly (see link.ts), including
 * oversize skipping, level-triggered onReadable and -EBADF after close.
 * Options model a device: a bounded receive queue (overflow counts as kernelDrops) and an
 * optional per-call transmit budget (backpressure: send returns fewer than tx.count).
 */
import { constants } from 'node:os';
import { emptyLinkStats, type Link, type LinkStats } from './link.js';
import type { FrameBatch } from '../wire/frame-batch.js';

const EBADF = constants.errno.EBADF;

export interface MemoryLinkOptions {
  name?: string;
  mtu?: number;
  /** Frames the receive queue holds before inject() drops. Default 4096. */
  rxQueue?: number;
  /** At most this many frames accepted per send() call. Default unlimited. */
  txBudget?: number;
}

export class MemoryLink implements Link {
  readonly name: string;
  readonly mtu: number;
  /** In-process frames carry no offload metadata. */
  readonly offload = false;
  private readonly rxQueueMax: number;
  private readonly txBudget: number;
  private readonly queue: { bytes: Uint8Array; meta: number }[] = [];
  private readonly sent: Uint8Array[] = [];
  private readonly counters: LinkStats = emptyLinkStats();
  private readableCb: (() => void) | null = null;
  private scheduled = false;
  private closed = false;

  constructor(opts: MemoryLinkOptions = {}) {
    this.name = opts.name ?? 'mem0';
    this.mtu = opts.mtu ?? 1500;
    this.rxQueueMax = opts.rxQueue ?? 4096;
    this.txBudget = opts.txBudget ?? Infinity;
  }

  /** Queue a frame (copied) for recv; false when the queue is full (counted) or closed. */
  inject(frame: Uint8Array, meta = 0): boolean {
    if (this.closed) return false;
    this.counters.kernelPackets++;
    if (this.queue.length >= this.rxQueueMax) {
      this.counters.kernelDrops++;
      return false;
    }
    this.queue.push({ bytes: Uint8Array.from(frame), meta });
    this.schedule();
    return true;
  }

  /** Frames sent since the last collect(), oldest first (copies). */
  collect(): Uint8Array[] {
    return this.sent.splice(0, this.sent.length);
  }

  /** Frames waiting for recv. */
  get pending(): number {
    return this.queue.length;
  }

  recv(rx: FrameBatch): number {
    rx.count = 0;
    if (this.closed) return -EBADF;
    const room = rx.slotSize - rx.headroom;
    let n = 0;
    while (n < rx.capacity && this.queue.length > 0) {
      const f = this.queue.shift()!;
      if (f.bytes.length > room) {
        this.counters.rxOversize++;
        continue;
      }
      const o = n * rx.slotSize + rx.headroom;
      rx.data.set(f.bytes, o);
      rx.off[n] = o;
      rx.len[n] = f.bytes.length;
      rx.meta[n] = f.meta;
      rx.csumStart[n] = 0;
      rx.csumOff[n] = 0;
      rx.gsoType[n] = 0;
      rx.gsoSize[n] = 0;
      n++;
    }
    rx.count = n;
    this.counters.rxFrames += n;
    return n;
  }

  send(tx: FrameBatch): number {
    if (this.closed) return -EBADF;
    const n = Math.min(tx.count, this.txBudget);
    for (let i = 0; i < n; i++) {
      const o = tx.off[i]!;
      this.sent.push(tx.data.slice(o, o + tx.len[i]!));
    }
    this.counters.txFrames += n;
    if (n < tx.count) this.counters.txBusy++;
    return n;
  }

  onReadable(cb: (() => void) | null): void {
    this.readableCb = this.closed ? null : cb;
    this.schedule();
  }

  stats(): LinkStats {
    return { ...this.counters };
  }

  close(): Promise<void> {
    this.closed = true;
    this.readableCb = null;
    this.queue.length = 0;
    return Promise.resolve();
  }

  // Level-triggered like uv_poll: while frames wait and a callback is set, call it each turn.
  private schedule(): void {
    if (this.scheduled || this.readableCb === null || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const cb = this.readableCb;
      if (cb === null || this.queue.length === 0) return;
      cb();
      this.schedule();
    });
  }
}
