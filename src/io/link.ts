/**
 * Link: the one I/O interface the daemon sees (house-style §4.8). A link moves batches of frames
 * between a device and FrameBatch memory that JS owns: AfPacketLink (AF_PACKET + TPACKET_V3 ring),
 * TunLink (TUN device), RawIpLink (raw IPv4 sockets) and MemoryLink (in-process, for tests).
 *
 * Contract (test/native/link-contract-suite.ts checks it against every implementation):
 * - recv(rx) fills rx from slot 0 with at most rx.capacity frames, each starting rx.headroom bytes
 *   into its slot, sets rx.count and returns it; 0 when nothing waits. Frames too large for a
 *   slot are skipped and counted (stats().rxOversize), never truncated. Per-frame offload
 *   metadata is written for every frame (zeros on links without offloads). A negative result is
 *   -errno: the link failed (closed: -EBADF) and rx.count is 0.
 * - send(tx) transmits tx.count frames (tx.off/tx.len) in order and returns how many it took from
 *   the head of the batch: sent, or refused by the kernel as invalid and counted (txRejected).
 *   Fewer than tx.count means the device pushed back and the rest were not sent. -errno only
 *   when the first frame met a link-level error.
 * - onReadable(cb) calls cb (on the event loop) while frames may be waiting; null stops it.
 * - Hot calls never throw and never allocate; open() and close() may.
 * Must not: import engine/control/daemon/cli (layer rule); hold frames across recv calls.
 */
import { errnoName } from './errno.js';
import type { FrameBatch } from '../wire/frame-batch.js';

export interface LinkStats {
  /** Frames handed to recv callers. */
  rxFrames: number;
  /** Frames skipped because they were larger than a slot's room (slotSize - headroom). */
  rxOversize: number;
  /** Frames the kernel truncated to the ring's frame size (GSO super-frames): skipped. */
  rxTruncated: number;
  /** AF_PACKET: frames the kernel offered the socket (tp_packets), and those dropped (ring full). */
  kernelPackets: number;
  kernelDrops: number;
  freezeQueue: number;
  txFrames: number;
  txRejected: number;
  /** send calls that stopped early because the device pushed back. */
  txBusy: number;
  /** Links with offloads: GSO super-frames received, and sent for the kernel to segment. */
  rxGso: number;
  txGso: number;
}

export function emptyLinkStats(): LinkStats {
  return {
    rxFrames: 0,
    rxOversize: 0,
    rxTruncated: 0,
    kernelPackets: 0,
    kernelDrops: 0,
    freezeQueue: 0,
    txFrames: 0,
    txRejected: 0,
    txBusy: 0,
    rxGso: 0,
    txGso: 0,
  };
}

export interface Link {
  /** Interface name (the kernel's, e.g. for a TUN opened as "uvs%d"). */
  readonly name: string;
  /** Interface MTU at open (0 when the link has no interface, e.g. an unbound raw socket). */
  readonly mtu: number;
  /**
   * The link exchanges offload metadata with the kernel (FrameBatch header): recv may deliver
   * GSO super-frames and partial checksums with their metadata, and send honours tx.meta's
   * META_CSUM_PARTIAL (the kernel finishes the checksum) and tx.gsoType/gsoSize (the kernel
   * segments). false: recv delivers single packets only and send ignores the metadata, so a
   * sender must complete checksums itself and must never send a GSO frame.
   */
  readonly offload: boolean;
  /** HOT. See the contract above. */
  recv(rx: FrameBatch): number;
  /** HOT. See the contract above. */
  send(tx: FrameBatch): number;
  onReadable(cb: (() => void) | null): void;
  stats(): LinkStats;
  /** Releases the device; idempotent. Afterwards recv/send return -EBADF. */
  close(): Promise<void>;
}

/** A link could not be set up: names the interface, the failing step and the errno. */
export class LinkError extends Error {
  readonly code = 'UVS_ERR_LINK';
  readonly errno: number;
  readonly errnoName: string;
  readonly ifname: string;
  readonly step: string;

  constructor(kind: string, ifname: string, step: string, errno: number, netns = '') {
    const where = netns === '' ? ifname : `${ifname} (netns ${netns})`;
    const name = errnoName(errno);
    super(`cannot open ${kind} link on ${where}: ${step} failed: ${name}`);
    this.name = 'LinkError';
    this.errno = errno;
    this.errnoName = name;
    this.ifname = ifname;
    this.step = step;
  }
}
