/**
 * TunLink: a TUN device (IFF_TUN | IFF_NO_PI) created by the addon; one read or write is one IP
 * packet. The device exists while the link is open (not persistent) and starts down: whoever
 * opens it configures addresses and brings it up (ip link / the daemon).
 *
 * framing 'ip' (default): frames are bare IP packets. framing 'ethernet': recv writes a 14-byte
 * Ethernet header (dst TUN_ETH_DST, src TUN_ETH_SRC, type from the IP version) into the headroom
 * in front of each packet, and send strips the first 14 bytes of each frame, so an engine that
 * parses Ethernet can sit on a TUN. Needs headroom >= 14.
 * Follows: Documentation/networking/tuntap.rst, drivers/net/tun.c.
 * Must not: allocate in recv/send (the strip arrays grow only when a larger batch first appears).
 */
import { NativeLink, openHandle } from './native-link.js';
import type { NativeAddon, NativeTunOptions } from './native.js';
import type { FrameBatch } from '../wire/frame-batch.js';

export const TUN_ETH_DST = Uint8Array.of(0x02, 0x75, 0x76, 0x73, 0x00, 0x01);
export const TUN_ETH_SRC = Uint8Array.of(0x02, 0x75, 0x76, 0x73, 0x00, 0x02);
const ETH_HLEN = 14;

export interface TunLinkOptions {
  /** Device name; may contain %d (the kernel picks the number). Default "uvs%d". */
  name?: string;
  netns?: string;
  framing?: 'ip' | 'ethernet';
}

export class TunLink extends NativeLink {
  readonly framing: 'ip' | 'ethernet';
  private stripOff = new Int32Array(0);
  private stripLen = new Int32Array(0);

  private constructor(native: NativeAddon, handle: number, name: string, framing: 'ip' | 'ethernet') {
    super(native, handle, 'TUN', name);
    this.framing = framing;
  }

  static open(opts: TunLinkOptions = {}): TunLink {
    const name = opts.name ?? 'uvs%d';
    const o: NativeTunOptions = { name };
    if (opts.netns !== undefined) o.netns = opts.netns;
    const { native, handle } = openHandle('TUN', name, opts.netns ?? '', (n) => n.tunOpen(o));
    return new TunLink(native, handle, name, opts.framing ?? 'ip');
  }

  override recv(rx: FrameBatch): number {
    const n = super.recv(rx);
    if (this.framing === 'ip' || n <= 0) return n;
    const d = rx.data;
    for (let i = 0; i < n; i++) {
      const o = rx.off[i]! - ETH_HLEN;
      if (o < i * rx.slotSize) continue; // headroom < 14: left as bare IP
      d.set(TUN_ETH_DST, o);
      d.set(TUN_ETH_SRC, o + 6);
      const v6 = d[o + ETH_HLEN]! >> 4 === 6;
      d[o + 12] = v6 ? 0x86 : 0x08;
      d[o + 13] = v6 ? 0xdd : 0x00;
      rx.off[i] = o;
      rx.len[i] = rx.len[i]! + ETH_HLEN;
    }
    return n;
  }

  override send(tx: FrameBatch): number {
    if (this.framing === 'ip') return super.send(tx);
    const n = tx.count;
    if (this.stripOff.length < n) {
      this.stripOff = new Int32Array(tx.capacity);
      this.stripLen = new Int32Array(tx.capacity);
    }
    for (let i = 0; i < n; i++) {
      const len = tx.len[i]!;
      // A frame without room for an IP packet after the header stays as is: the kernel refuses it.
      this.stripOff[i] = len > ETH_HLEN ? tx.off[i]! + ETH_HLEN : tx.off[i]!;
      this.stripLen[i] = len > ETH_HLEN ? len - ETH_HLEN : len;
    }
    return this.native.sendBatch(
      this.handle,
      tx.data,
      this.stripOff,
      this.stripLen,
      tx.meta,
      tx.csumStart,
      tx.csumOff,
      tx.gsoType,
      tx.gsoSize,
      n,
    );
  }
}
