/**
 * RawIpLink: raw IPv4 sockets for the real-server side of TUN mode (`uvs decap`).
 * - RawIpLink.ipipReceiver(): socket(AF_INET, SOCK_RAW, IPPROTO_IPIP). Receives every IPIP packet
 *   addressed to this host, outer IPv4 header included, without the ipip module; while it is open
 *   the kernel sends no "protocol unreachable" for them (reference/performance.md §6).
 * - RawIpLink.sender(): socket(AF_INET, SOCK_RAW, IPPROTO_RAW), header included: each frame is a
 *   whole IPv4 packet and is sent to its own destination address (the kernel fills the checksum,
 *   total length, and the id when 0). Frames that are not IPv4 are refused and counted.
 * Follows: raw(7), net/ipv4/raw.c (raw_send_hdrinc).
 */
import { NativeLink, openHandle } from './native-link.js';
import type { NativeAddon, NativeRawIpOptions } from './native.js';

const IPPROTO_IPIP = 4;
const IPPROTO_RAW = 255;

export interface RawIpOptions {
  /** SO_BINDTODEVICE: only this interface. */
  ifname?: string;
  netns?: string;
}

export class RawIpLink extends NativeLink {
  private constructor(native: NativeAddon, handle: number, label: string) {
    super(native, handle, 'raw IPv4', label);
  }

  static ipipReceiver(opts: RawIpOptions = {}): RawIpLink {
    return RawIpLink.open(IPPROTO_IPIP, 'ipip', opts);
  }

  static sender(opts: RawIpOptions = {}): RawIpLink {
    return RawIpLink.open(IPPROTO_RAW, 'raw', opts);
  }

  private static open(protocol: number, label: string, opts: RawIpOptions): RawIpLink {
    const o: NativeRawIpOptions = { protocol };
    if (opts.ifname !== undefined) o.ifname = opts.ifname;
    if (opts.netns !== undefined) o.netns = opts.netns;
    const name = opts.ifname ?? label;
    const { native, handle } = openHandle('raw IPv4', name, opts.netns ?? '', (n) => n.rawIpOpen(o));
    return new RawIpLink(native, handle, name);
  }
}
