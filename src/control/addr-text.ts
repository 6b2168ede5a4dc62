// Address text for the control plane: parse and print IPv4/IPv6 the way ipvsadm's libc does.
//
// Owns: glibc `inet_aton` (a, a.b, a.b.c, a.b.c.d with 0x/0 prefixes), strict `inet_pton`
// (AF_INET, AF_INET6) and glibc `inet_ntop` (RFC 5952 compression, `::a.b.c.d` forms).
// Must not: resolve names, allocate per packet (this is control-plane code; strings are fine).
// Invariants: canonical text is what `inet_ntop` prints, so two spellings of one address give one
// canonical string (model keys rely on this).
// Written here because src/wire/addr.ts did not exist yet; wire works on numbers, this on text.
// Sources: glibc resolv/inet_addr.c (inet_aton_end), resolv/inet_pton.c, resolv/inet_ntop.c.

export type Af = 4 | 6;

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isHex = (c: string): boolean => isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
const isSpace = (c: string): boolean =>
  c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';

/** strtoul(s + i, &end, 0) for a run starting with a digit: [value, end]; value may exceed 2^32. */
function strtoul0(s: string, i: number): [number, number] {
  let j = i;
  let base = 10;
  if (s[j] === '0') {
    if ((s[j + 1] === 'x' || s[j + 1] === 'X') && j + 2 < s.length && isHex(s[j + 2] ?? '')) {
      base = 16;
      j += 2;
    } else {
      base = 8;
    }
  }
  let v = 0;
  for (; j < s.length; j++) {
    const c = s[j] ?? '';
    let d: number;
    if (isDigit(c)) d = c.charCodeAt(0) - 48;
    else if (base === 16 && isHex(c)) d = c.toLowerCase().charCodeAt(0) - 97 + 10;
    else break;
    if (d >= base) break;
    v = v * base + d;
    if (v > 0x1_0000_0000) v = 0x1_0000_0001; // saturate: anything above 2^32-1 is rejected
  }
  return [v, j];
}

/**
 * glibc inet_aton: returns the address as an unsigned 32-bit number (host order) or null.
 * Accepts 1 to 4 parts, each decimal, octal (leading 0) or hex (0x); the last part fills the
 * remaining bytes; trailing whitespace (and anything after it) is ignored, as glibc does.
 */
export function inetAton(s: string): number | null {
  const parts: number[] = [];
  let i = 0;
  let val = 0;
  for (;;) {
    if (!isDigit(s[i] ?? '')) return null;
    const [v, end] = strtoul0(s, i);
    if (v > 0xffffffff) return null;
    val = v;
    i = end;
    if (s[i] === '.') {
      if (parts.length > 2 || val > 0xff) return null;
      parts.push(val);
      i++;
    } else break;
  }
  if (i < s.length && !isSpace(s[i] ?? '')) return null;
  const max = [0xffffffff, 0xffffff, 0xffff, 0xff][parts.length] ?? 0;
  if (val > max) return null;
  let word = 0;
  for (let k = 0; k < parts.length; k++) word += (parts[k] ?? 0) * 2 ** (24 - 8 * k);
  return word + val;
}

/** Strict dotted quad (inet_pton AF_INET): four decimal parts, no leading zeros, each <= 255. */
export function inetPton4(s: string): number | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  let word = 0;
  for (const p of parts) {
    if (p.length === 0 || p.length > 3 || !/^[0-9]+$/.test(p)) return null;
    if (p.length > 1 && p[0] === '0') return null;
    const n = Number(p);
    if (n > 255) return null;
    word = word * 256 + n;
  }
  return word;
}

/** inet_pton AF_INET6: eight 16-bit groups, or null. Accepts one `::` and a trailing dotted quad. */
export function inetPton6(s: string): number[] | null {
  if (s.length === 0) return null;
  const dbl = s.indexOf('::');
  if (dbl >= 0 && s.indexOf('::', dbl + 1) >= 0) return null;
  const parseSide = (side: string, allowV4: boolean): number[] | null => {
    if (side === '') return [];
    const groups = side.split(':');
    const out: number[] = [];
    for (let k = 0; k < groups.length; k++) {
      const g = groups[k] ?? '';
      if (allowV4 && k === groups.length - 1 && g.includes('.')) {
        const v4 = inetPton4(g);
        if (v4 === null) return null;
        out.push(Math.floor(v4 / 65536), v4 % 65536);
        continue;
      }
      if (g.length === 0 || g.length > 4 || !/^[0-9a-fA-F]+$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  if (dbl < 0) {
    const all = parseSide(s, true);
    return all !== null && all.length === 8 ? all : null;
  }
  const head = parseSide(s.slice(0, dbl), false);
  const tail = parseSide(s.slice(dbl + 2), true);
  if (head === null || tail === null || head.length + tail.length > 7) return null;
  const zeros: number[] = new Array<number>(8 - head.length - tail.length).fill(0);
  return [...head, ...zeros, ...tail];
}

export function formatIpv4(word: number): string {
  return [word >>> 24, (word >>> 16) & 0xff, (word >>> 8) & 0xff, word & 0xff].join('.');
}

/** glibc inet_ntop AF_INET6. */
export function formatIpv6(groups: readonly number[]): string {
  let bestBase = -1;
  let bestLen = 0;
  let curBase = -1;
  let curLen = 0;
  for (let i = 0; i < 8; i++) {
    if ((groups[i] ?? 0) === 0) {
      if (curBase < 0) {
        curBase = i;
        curLen = 1;
      } else curLen++;
    } else if (curBase >= 0) {
      if (curLen > bestLen) [bestBase, bestLen] = [curBase, curLen];
      curBase = -1;
    }
  }
  if (curBase >= 0 && curLen > bestLen) [bestBase, bestLen] = [curBase, curLen];
  if (bestLen < 2) bestBase = -1;
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && groups[5] === 0xffff))) {
      out += formatIpv4((groups[6] ?? 0) * 65536 + (groups[7] ?? 0));
      break;
    }
    out += (groups[i] ?? 0).toString(16);
  }
  if (bestBase >= 0 && bestBase + bestLen === 8) out += ':';
  return out;
}

/** Canonical text of an address literal of the given family (strict inet_pton), or null. */
export function canonicalAddr(af: Af, text: string): string | null {
  if (af === 4) {
    const w = inetPton4(text);
    return w === null ? null : formatIpv4(w);
  }
  const g = inetPton6(text);
  return g === null ? null : formatIpv6(g);
}

/** The address as four big-endian 32-bit words (IPv4 in word 0), as libipvs compares them. */
export function addrWords(af: Af, text: string): [number, number, number, number] {
  if (af === 4) return [inetPton4(text) ?? 0, 0, 0, 0];
  const g = inetPton6(text) ?? [0, 0, 0, 0, 0, 0, 0, 0];
  const w = (k: number): number => (g[2 * k] ?? 0) * 65536 + (g[2 * k + 1] ?? 0);
  return [w(0), w(1), w(2), w(3)];
}

/** `addr:port` as ipvsadm prints it numerically: IPv6 in brackets. */
export function addrPortText(af: Af, addr: string, port: number): string {
  return af === 4 ? `${addr}:${port}` : `[${addr}]:${port}`;
}
