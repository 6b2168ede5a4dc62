/**
 * Announcements the director makes on request (control path, not per packet): gratuitous ARP
 * for an IPv4 VIP and unsolicited Neighbor Advertisements for an IPv6 VIP, sent when a VIP
 * appears or moves (ARCHITECTURE §7; keepalived sends them on takeover).
 *
 * Formats: a gratuitous ARP is an ARP request with sender and target protocol address both the
 * VIP, target hardware address zero, to the broadcast address (RFC 5227 §3 "ARP Announcement");
 * an unsolicited NA (RFC 4861 §7.2.6) goes to all-nodes ff02::1 with hop limit 255, the override
 * flag set and solicited clear, and a target link-layer address option.
 * Writes into a caller's buffer at `off`; returns the frame length.
 */
import { csumAdd, csumFinish, pseudoSum6, wr16, wr32, wr48, writeAddr } from '../wire/index.js';

export const GARP_LEN = 42;
export const UNSOLICITED_NA_LEN = 86;
const BROADCAST = 0xffffffffffff;

/** Gratuitous ARP (announcement) for `vip` from `mac`. */
export function buildGratuitousArp(b: Uint8Array, off: number, mac: number, vip: number): number {
  wr48(b, off, BROADCAST);
  wr48(b, off + 6, mac);
  wr16(b, off + 12, 0x0806);
  const a = off + 14;
  wr16(b, a, 1); // Ethernet
  wr16(b, a + 2, 0x0800); // IPv4
  b[a + 4] = 6;
  b[a + 5] = 4;
  wr16(b, a + 6, 1); // request
  wr48(b, a + 8, mac);
  wr32(b, a + 14, vip);
  wr48(b, a + 18, 0);
  wr32(b, a + 24, vip);
  return GARP_LEN;
}

/** ARP request for `target` from the director (`mac`, `ip`): resolving a real server's MAC. */
export function buildArpRequest(b: Uint8Array, off: number, mac: number, ip: number, target: number): number {
  buildGratuitousArp(b, off, mac, ip);
  wr32(b, off + 14 + 24, target);
  return GARP_LEN;
}

/** Unsolicited Neighbor Advertisement for `vip` (four words) from `mac`. */
export function buildUnsolicitedNa(b: Uint8Array, off: number, mac: number, vip: Uint32Array): number {
  wr48(b, off, 0x333300000001);
  wr48(b, off + 6, mac);
  wr16(b, off + 12, 0x86dd);
  const ip = off + 14;
  wr32(b, ip, 0x60000000);
  wr16(b, ip + 4, 32);
  b[ip + 6] = 58;
  b[ip + 7] = 255;
  writeAddr(b, ip + 8, vip);
  wr32(b, ip + 24, 0xff020000);
  wr32(b, ip + 28, 0);
  wr32(b, ip + 32, 0);
  wr32(b, ip + 36, 1);
  const o = ip + 40;
  b[o] = 136;
  b[o + 1] = 0;
  wr16(b, o + 2, 0);
  wr32(b, o + 4, 0x20000000); // override
  writeAddr(b, o + 8, vip);
  b[o + 24] = 2;
  b[o + 25] = 1;
  wr48(b, o + 26, mac);
  wr16(b, o + 2, csumFinish(csumAdd(b, o, 32, pseudoSum6(b, ip + 8, ip + 24, 58, 32))));
  return UNSOLICITED_NA_LEN;
}
