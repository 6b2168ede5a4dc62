/**
 * FrameBatch: a batch of frames inside one preallocated byte ring, the unit that crosses from a
 * link (src/io) to the engine and back. Lives in wire/ because both io and engine use it and
 * neither may import the other.
 *
 * Layout: `data` holds `capacity` slots of `slotSize` bytes; a received frame starts `headroom`
 * bytes into its slot, so a forwarder can prepend an outer header (IPIP) in place. Per frame,
 * `off`/`len` locate it in `data` and `meta` carries link flags (META_*). A transmit batch may
 * share `data` with the receive batch: then its frames are rx slots rewritten in place (zero
 * copy) and `src[j]` is the index of the rx frame that produced tx frame j.
 * Invariants: off[i] >= slot start, off[i] + len[i] <= slot end; `count` <= `capacity`.
 * Must not: allocate after construction.
 */

/** The L4 checksum holds only the pseudo-header sum (the sender offloaded it: CHECKSUM_PARTIAL). */
export const META_CSUM_PARTIAL = 0x1;

export const DEFAULT_SLOT_SIZE = 2048;
export const DEFAULT_HEADROOM = 128;

export class FrameBatch {
  readonly data: Uint8Array;
  readonly capacity: number;
  readonly slotSize: number;
  readonly headroom: number;
  readonly off: Int32Array;
  readonly len: Int32Array;
  readonly meta: Uint32Array;
  readonly src: Int32Array;
  count = 0;

  /** A batch over `data` (allocated here when null) of `capacity` slots. */
  constructor(
    capacity: number,
    slotSize: number = DEFAULT_SLOT_SIZE,
    headroom: number = DEFAULT_HEADROOM,
    data: Uint8Array | null = null,
  ) {
    this.capacity = capacity;
    this.slotSize = slotSize;
    this.headroom = headroom;
    this.data = data ?? new Uint8Array(capacity * slotSize);
    this.off = new Int32Array(capacity);
    this.len = new Int32Array(capacity);
    this.meta = new Uint32Array(capacity);
    this.src = new Int32Array(capacity);
  }

  /** A transmit batch sharing this batch's bytes, for zero-copy forwarding. */
  txView(): FrameBatch {
    return new FrameBatch(this.capacity, this.slotSize, this.headroom, this.data);
  }

  /** Start of slot i's bytes (its headroom included). */
  slotStart(i: number): number {
    return i * this.slotSize;
  }

  /** Copy a frame into slot i after the headroom; returns false when it does not fit. */
  put(i: number, frame: Uint8Array, metaFlags = 0): boolean {
    const room = this.slotSize - this.headroom;
    if (frame.length > room || i >= this.capacity) return false;
    const o = i * this.slotSize + this.headroom;
    this.data.set(frame, o);
    this.off[i] = o;
    this.len[i] = frame.length;
    this.meta[i] = metaFlags;
    return true;
  }
}
