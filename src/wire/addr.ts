/**
 * Address text <-> numbers, for the control plane, the CLI, logs and tests only.
 *
 * Owns: IPv4 dotted quad <-> uint32, IPv6 text <-> Uint32Array(4) host-order words (RFC 4291 §2.2
 * input, RFC 5952 canonical output), MAC text <-> bytes / 48-bit numbers.
 * Must not: be called on the packet path (these allocate strings and arrays). Parsers never throw:
 * malformed text gives null (src/wire has no exceptions); the control plane turns null into a
 * UvsError with its own code.
 * Strictness follows inet_pton(3): IPv4 needs four decimal parts 0..255 without leading zeros;
 * IPv6 takes at most one "::", 1-4 hex digits per group, an optional trailing dotted quad, and
 * no zone ("%eth0" is rejected).
 */

/** "10.0.0.1" -> 0x0a000001; null when malformed. */
export function parseIpv4Addr(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let a = 0;
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    a = a * 256 + n;
  }
  return a >>> 0;
}

export function formatIpv4Addr(a: number): string {
  return ((a >>> 24) & 0xff) + '.' + ((a >>> 16) & 0xff) + '.' + ((a >>> 8) & 0xff) + '.' + (a & 0xff);
}

function parseGroups(s: string, out: number[]): boolean {
  if (s === '') return true;
  for (const g of s.split(':')) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return false;
    out.push(parseInt(g, 16));
  }
  return true;
}

/** "fd00::fe" -> Uint32Array [0xfd000000, 0, 0, 0xfe]; null when malformed. */
export function parseIpv6Addr(text: string): Uint32Array | null {
  let s = text;
  const tail: number[] = [];
  // A trailing dotted quad stands for the last two groups.
  const lastColon = s.lastIndexOf(':');
  if (lastColon >= 0 && s.indexOf('.', lastColon) >= 0) {
    const v4 = parseIpv4Addr(s.substring(lastColon + 1));
    if (v4 === null) return null;
    tail.push(v4 >>> 16, v4 & 0xffff);
    s = s.substring(0, lastColon + 1);
    // "::1.2.3.4" keeps its "::"; "x:1.2.3.4" leaves "x:" whose colon belonged to the quad.
    if (!s.endsWith('::')) s = s.substring(0, s.length - 1);
  }
  const dbl = s.indexOf('::');
  const head: number[] = [];
  const mid: number[] = [];
  if (dbl >= 0) {
    if (s.indexOf('::', dbl + 1) >= 0) return null;
    if (!parseGroups(s.substring(0, dbl), head) || !parseGroups(s.substring(dbl + 2), mid)) return null;
    const n = head.length + mid.length + tail.length;
    if (n > 7) return null;
    const groups = head.concat(new Array<number>(8 - n).fill(0), mid, tail);
    return groupsToWords(groups);
  }
  if (!parseGroups(s, head)) return null;
  const groups = head.concat(tail);
  if (groups.length !== 8) return null;
  return groupsToWords(groups);
}

function groupsToWords(g: number[]): Uint32Array {
  const w = new Uint32Array(4);
  for (let i = 0; i < 4; i++) w[i] = ((g[2 * i]! << 16) | g[2 * i + 1]!) >>> 0;
  return w;
}

/** RFC 5952 text: lowercase, no leading zeros, the longest run (>= 2) of zero groups as "::". */
export function formatIpv6Addr(w: Uint32Array): string {
  const g: number[] = [];
  for (let i = 0; i < 4; i++) g.push(w[i]! >>> 16, w[i]! & 0xffff);
  // IPv4-mapped addresses (::ffff:a.b.c.d) use the mixed notation (RFC 5952 §5).
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return '::ffff:' + formatIpv4Addr(w[3]!);
  }
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: number[]): string => a.map((x) => x.toString(16)).join(':');
  if (bestAt < 0) return hex(g);
  return hex(g.slice(0, bestAt)) + '::' + hex(g.slice(bestAt + bestLen)); // eslint-disable-line no-restricted-syntax -- control-plane formatting, off the packet path
}

/** "02:00:00:00:00:fe" (or with '-') -> 6 bytes; null when malformed. */
export function parseMac(text: string): Uint8Array | null {
  const m =
    /^([0-9a-fA-F]{2})([:-])([0-9a-fA-F]{2})\2([0-9a-fA-F]{2})\2([0-9a-fA-F]{2})\2([0-9a-fA-F]{2})\2([0-9a-fA-F]{2})$/.exec(
      text,
    );
  if (m === null) return null;
  const out = new Uint8Array(6);
  const idx = [1, 3, 4, 5, 6, 7];
  for (let i = 0; i < 6; i++) out[i] = parseInt(m[idx[i]!]!, 16);
  return out;
}

/** Lowercase colon form of 6 bytes or a 48-bit number. */
export function formatMac(mac: Uint8Array | number): string {
  const b = typeof mac === 'number' ? macFromNumber(mac) : mac;
  const parts: string[] = [];
  for (let i = 0; i < 6; i++) parts.push((b[i] ?? 0).toString(16).padStart(2, '0'));
  return parts.join(':');
}

/** 6 bytes -> the 48-bit number the views use. */
export function macToNumber(b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < 6; i++) n = n * 256 + (b[i] ?? 0);
  return n;
}

export function macFromNumber(n: number): Uint8Array {
  const out = new Uint8Array(6);
  let x = n;
  for (let i = 5; i >= 0; i--) {
    out[i] = x % 256;
    x = Math.floor(x / 256);
  }
  return out;
}

/** Convenience: MAC text straight to the 48-bit number; null when malformed. */
export function parseMacNum(text: string): number | null {
  const b = parseMac(text);
  return b === null ? null : macToNumber(b);
}
