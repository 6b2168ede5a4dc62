/**
 * Byte access helpers for the wire layer: big-endian reads and writes on a Uint8Array.
 *
 * Owns: the only non-null assertions on raw byte reads in src/wire. Callers have bounds-checked
 * (a view's wrap() validated the range), so these helpers do no checks of their own.
 * Must not: allocate, throw, or read past what the caller validated. V8 inlines them.
 */

/** The empty array views point at before their first wrap(). */
export const EMPTY: Uint8Array = new Uint8Array(0);

export function rd8(b: Uint8Array, o: number): number {
  return b[o]!;
}

export function rd16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

export function rd32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

export function wr8(b: Uint8Array, o: number, v: number): void {
  b[o] = v;
}

export function wr16(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 8;
  b[o + 1] = v;
}

export function wr32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = v >>> 16;
  b[o + 2] = v >>> 8;
  b[o + 3] = v;
}

/** Copy len bytes from src[so..] to dst[do..]; overlapping ranges are handled (memmove). */
export function copyBytes(dst: Uint8Array, dOff: number, src: Uint8Array, sOff: number, len: number): void {
  if (dst === src) {
    dst.copyWithin(dOff, sOff, sOff + len);
    return;
  }
  for (let i = 0; i < len; i++) dst[dOff + i] = src[sOff + i]!;
}

/** A 48-bit big-endian value (a MAC address) as an exact integer number (< 2^48). */
export function rd48(b: Uint8Array, o: number): number {
  return ((b[o]! << 8) | b[o + 1]!) * 0x100000000 + rd32(b, o + 2);
}

export function wr48(b: Uint8Array, o: number, v: number): void {
  const hi = Math.floor(v / 0x100000000);
  b[o] = hi >>> 8;
  b[o + 1] = hi;
  wr32(b, o + 2, v >>> 0);
}
