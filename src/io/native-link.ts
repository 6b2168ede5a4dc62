/**
 * NativeLink: the part every addon-backed link shares (AfPacketLink, TunLink, RawIpLink): the
 * handle, recv/send straight into FrameBatch memory, the uv_poll readiness callback, stats and
 * close. Subclasses only open the handle (and may adapt framing).
 *
 * Memory: FrameBatch arrays are owned by JS; the addon writes into them (recv: one copy from the
 * kernel ring) or reads from them (send: iovecs into the batch, no copy) only during the call.
 * Must not: throw or allocate in recv/send.
 */
import { constants } from 'node:os';
import { loadNative, STATS_FIELDS, type NativeAddon } from './native.js';
import { emptyLinkStats, LinkError, type Link, type LinkStats } from './link.js';
import type { FrameBatch } from '../wire/frame-batch.js';

const EBADF = constants.errno.EBADF;

/** Opens through `open`, which returns a handle or -errno; a failure becomes a LinkError. */
export function openHandle(
  kind: string,
  ifname: string,
  netns: string,
  open: (native: NativeAddon) => number,
): { native: NativeAddon; handle: number } {
  const native = loadNative();
  const handle = open(native);
  if (handle < 0) throw new LinkError(kind, ifname, native.lastError() || 'open', -handle, netns);
  return { native, handle };
}

export abstract class NativeLink implements Link {
  readonly name: string;
  readonly mtu: number;
  readonly ifindex: number;
  /** See Link.offload; AfPacketLink opened with vnetHdr. */
  readonly offload: boolean;
  /** MAC address of the interface (zeros for TUN and unbound raw sockets). */
  readonly mac: Uint8Array;
  protected readonly native: NativeAddon;
  protected handle: number;
  private readonly statsBuf = new Float64Array(STATS_FIELDS.length);

  protected constructor(
    native: NativeAddon,
    handle: number,
    kind: string,
    fallbackName: string,
    offload = false,
  ) {
    this.native = native;
    this.handle = handle;
    this.offload = offload;
    const info = native.linkInfo(handle);
    if (typeof info === 'number') {
      native.close(handle);
      throw new LinkError(kind, fallbackName, 'SIOCGIFMTU', -info);
    }
    this.name = info.name === '' ? fallbackName : info.name;
    this.mtu = info.mtu;
    this.ifindex = info.ifindex;
    this.mac = Uint8Array.from(info.mac);
  }

  /** The socket or device fd (diagnostics only; -EBADF once closed). */
  get fd(): number {
    return this.native.fd(this.handle);
  }

  recv(rx: FrameBatch): number {
    const n = this.native.recvBatch(
      this.handle,
      rx.data,
      rx.off,
      rx.len,
      rx.meta,
      rx.csumStart,
      rx.csumOff,
      rx.gsoType,
      rx.gsoSize,
      rx.slotSize,
      rx.headroom,
      rx.capacity,
    );
    rx.count = n > 0 ? n : 0;
    return n;
  }

  send(tx: FrameBatch): number {
    return this.native.sendBatch(
      this.handle,
      tx.data,
      tx.off,
      tx.len,
      tx.meta,
      tx.csumStart,
      tx.csumOff,
      tx.gsoType,
      tx.gsoSize,
      tx.count,
    );
  }

  /** Blocks the calling thread until readable or timeout: 1, 0, or -errno (tests, worker loops). */
  wait(timeoutMs: number): number {
    return this.native.wait(this.handle, timeoutMs);
  }

  onReadable(cb: (() => void) | null): void {
    if (this.handle < 0) return;
    this.native.pollStop(this.handle);
    if (cb === null) return;
    const rc = this.native.pollStart(this.handle, () => cb());
    if (rc < 0) throw new LinkError('poll', this.name, 'uv_poll_start', -rc);
  }

  stats(): LinkStats {
    const s = emptyLinkStats();
    if (this.native.stats(this.handle, this.statsBuf) === -EBADF) return s;
    STATS_FIELDS.forEach((field, i) => {
      s[field] = this.statsBuf[i]!;
    });
    return s;
  }

  close(): Promise<void> {
    if (this.handle >= 0) {
      this.native.close(this.handle);
      this.handle = -1;
    }
    return Promise.resolve();
  }
}
