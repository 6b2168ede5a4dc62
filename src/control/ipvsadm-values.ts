// Value parsers of ipvsadm 1.31, with their C library semantics: string_to_number (strtol base
// 10, whole string), atoi, parse_fwmark, parse_service (host[:port], [v6]:port, names).
//
// Owns: the text → number/address rules ipvsadm applies to option values.
// Must not: resolve names itself. A name goes to the caller's NameResolver; when the resolver does
// not know it, the parse fails exactly as ipvsadm's does and reports the name as `unresolved`, so a
// caller that can do DNS / getservbyname asynchronously resolves it and parses again.
// Sources: ipvsadm.c string_to_number, parse_fwmark, parse_netmask, parse_service, str_is_digit;
// glibc strtol/atoi.

import { formatIpv4, formatIpv6, inetAton, inetPton6 } from './addr-text.js';
import type { Af } from './addr-text.js';
import type { Proto } from './model.js';

export interface NameResolver {
  /** gethostbyname restricted to AF_INET: dotted IPv4 text for `name`, or undefined. */
  host?(name: string): string | undefined;
  /** getservbyname(name, proto): the port, or undefined. */
  service?(name: string, proto: Proto): number | undefined;
}

export type Unresolved = { kind: 'host'; name: string } | { kind: 'service'; name: string; proto: Proto };

const isSpace = (c: string | undefined): boolean =>
  c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';

/** strtol(s, &end, 10) requiring the whole string: the value, or null (no digits, junk, overflow). */
export function strtolWhole(s: string): number | null {
  let i = 0;
  while (isSpace(s[i])) i++;
  let sign = 1;
  if (s[i] === '+' || s[i] === '-') {
    if (s[i] === '-') sign = -1;
    i++;
  }
  const start = i;
  while (i < s.length && (s[i] ?? '') >= '0' && (s[i] ?? '') <= '9') i++;
  if (i === start || i !== s.length) return null;
  const digits = s.slice(start, i).replace(/^0+(?=\d)/, '');
  if (digits.length > 18) return null; // beyond LONG_MAX: ERANGE
  return sign * Number(digits);
}

/** ipvsadm string_to_number: the value if within [min, max], else -1. */
export function stringToNumber(s: string, min: number, max: number): number {
  const n = strtolWhole(s);
  return n !== null && n >= min && n <= max ? n : -1;
}

/** glibc atoi: leading spaces, sign, digits; 0 when there are none. */
export function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d+)/.exec(s);
  if (m === null) return 0;
  const v = Number((m[2] ?? '0').slice(0, 18));
  return m[1] === '-' ? -v : v;
}

/** ipvsadm parse_fwmark: 1..UINT_MAX, else null. */
export function parseFwmark(s: string): number | null {
  const n = strtolWhole(s);
  return n !== null && n > 0 && n <= 0xffffffff ? n : null;
}

export interface AddrPortParse {
  /** 0 = SERVICE_NONE, 1 = address only, 3 = address and port. */
  result: 0 | 1 | 3;
  af: Af;
  addr: string;
  port: number;
  unresolved?: Unresolved;
}

const NONE = (unresolved?: Unresolved): AddrPortParse =>
  unresolved === undefined
    ? { result: 0, af: 4, addr: '', port: 0 }
    : { result: 0, af: 4, addr: '', port: 0, unresolved };

/**
 * ipvsadm parse_service: `host`, `host:port`, `[v6]:port`, or a bare IPv6 literal (no port).
 * `proto` selects the getservbyname protocol; null (a -r before the service option) means
 * IPPROTO_IP, for which no service name resolves.
 */
export function parseAddrPort(buf: string, proto: Proto | null, resolver: NameResolver): AddrPortParse {
  if (/^[0-9]*$/.test(buf)) return NONE(); // str_is_digit, true for ''
  let host = buf;
  let portStr: string | null = null;
  if (buf[0] === '[') {
    const inner = buf.slice(1);
    const close = inner.indexOf(']');
    if (close < 0 || inner[close + 1] !== ':') return NONE();
    host = inner.slice(0, close);
    portStr = inner.slice(close + 2);
  }
  let af: Af;
  let addr: string;
  const v6 = inetPton6(host);
  if (v6 !== null) {
    af = 6;
    addr = formatIpv6(v6);
  } else {
    const colon = host.lastIndexOf(':');
    portStr = colon >= 0 ? host.slice(colon + 1) : null;
    if (colon >= 0) host = host.slice(0, colon);
    const a = resolveV4(host, resolver);
    if (typeof a !== 'number') return NONE(a);
    af = 4;
    addr = formatIpv4(a);
  }
  if (portStr === null) return { result: 1, af, addr, port: 0 };
  const n = stringToNumber(portStr, 0, 65535);
  if (n >= 0) return { result: 3, af, addr, port: n };
  if (proto === null) return NONE();
  const p = resolver.service?.(portStr, proto);
  if (p === undefined || !Number.isInteger(p) || p < 0 || p > 65535) {
    return NONE(portStr === '' ? undefined : { kind: 'service', name: portStr, proto });
  }
  return { result: 3, af, addr, port: p };
}

/** inet_aton, then gethostbyname through the resolver: the IPv4 word, or why it failed. */
export function resolveV4(host: string, resolver: NameResolver): number | Unresolved | undefined {
  const a = inetAton(host);
  if (a !== null) return a;
  if (host === '') return undefined;
  const text = resolver.host?.(host);
  const w = text === undefined ? null : inetAton(text);
  return w === null ? { kind: 'host', name: host } : w;
}
