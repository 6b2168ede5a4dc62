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
 *
 * Offload metadata (the virtio_net_hdr a link with offloads exchanges with the kernel, e.g.
 * AF_PACKET with PACKET_VNET_HDR; every other link reads none and writes zeros):
 * - META_CSUM_PARTIAL (CHECKSUM_PARTIAL): the L4 checksum field holds the folded pseudo-header
 *   sum, not complemented; whoever sends the frame on finishes it over [csumStart, end) and
 *   writes it at csumStart + csumOff. On receive csumStart/csumOff are the kernel's (0 when the
 *   link has no vnet header: the engine finds the L4 header itself); on transmit the engine sets
 *   them for every frame it leaves partial.
 * - gsoType != GSO_NONE: a GSO super-frame (TSO/GRO): one IP header for up to 64 KiB of payload
 *   that the kernel cuts into segments of gsoSize payload bytes on transmit. Its checksum is
 *   always partial. GSO_ECN may be or-ed into the type.
 * Invariants: off[i] >= slot start, off[i] + len[i] <= slot end; `count` <= `capacity`.
 * Must not: allocate after construction.
 */

/** The L4 checksum holds only the pseudo-header sum (the sender offloaded it: CHECKSUM_PARTIAL). */
export const META_CSUM_PARTIAL = 0x1;

/** gsoType values (VIRTIO_NET_HDR_GSO_*, include/uapi/linux/virtio_net.h). */
export const GSO_NONE = 0;
export const GSO_TCPV4 = 1;
export const GSO_UDP = 3;
export const GSO_TCPV6 = 4;
export const GSO_UDP_L4 = 5;
export const GSO_ECN = 0x80;

export const DEFAULT_SLOT_SIZE = 2048;
export const DEFAULT_HEADROOM = 128;
/**
 * Slot size for links that deliver GSO super-frames: an IP packet of up to 65535 bytes plus
 * Ethernet and a VLAN tag (65553) after the default headroom, rounded up. 64 KiB + 256, not a
 * power of two, so the slot starts of a batch do not all fall into the same cache sets.
 * Memory: 256 slots = 16.1 MiB per batch.
 */
export const GSO_SLOT_SIZE = 65536 + 256;

export class FrameBatch {
  readonly data: Uint8Array;
  readonly capacity: number;
  readonly slotSize: number;
  readonly headroom: number;
  readonly off: Int32Array;
  readonly len: Int32Array;
  readonly meta: Uint32Array;
  /** Offload metadata per frame (see the header): partial checksum location and GSO. */
  readonly csumStart: Uint16Array;
  readonly csumOff: Uint16Array;
  readonly gsoType: Uint8Array;
  readonly gsoSize: Uint16Array;
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
    this.csumStart = new Uint16Array(capacity);
    this.csumOff = new Uint16Array(capacity);
    this.gsoType = new Uint8Array(capacity);
    this.gsoSize = new Uint16Array(capacity);
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

  /**
   * Describe frame i as data[off, off + len) with no flags and no offloads: for frames built in
   * place, so metadata a previous batch left in slot i is not sent with them.
   */
  setFrame(i: number, off: number, len: number): void {
    this.off[i] = off;
    this.len[i] = len;
    this.meta[i] = 0;
    this.csumStart[i] = 0;
    this.csumOff[i] = 0;
    this.gsoType[i] = GSO_NONE;
    this.gsoSize[i] = 0;
  }

  /** Copy a frame into slot i after the headroom; returns false when it does not fit. */
  put(i: number, frame: Uint8Array, metaFlags = 0, gsoType = GSO_NONE, gsoSize = 0): boolean {
    const room = this.slotSize - this.headroom;
    if (frame.length > room || i >= this.capacity) return false;
    const o = i * this.slotSize + this.headroom;
    this.data.set(frame, o);
    this.off[i] = o;
    this.len[i] = frame.length;
    this.meta[i] = metaFlags;
    this.csumStart[i] = 0;
    this.csumOff[i] = 0;
    this.gsoType[i] = gsoType;
    this.gsoSize[i] = gsoSize;
    return true;
  }
}
