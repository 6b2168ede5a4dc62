/**
 * Internet checksums: RFC 1071 one's-complement sums and RFC 1624 incremental updates.
 *
 * Owns: every checksum computation in uvs. Sums are kept unfolded in a JS number while
 * accumulating (each 16-bit add stays exact far below 2^53) and folded once at the end.
 * Must not: allocate or throw. Offsets and lengths are the caller's validated ranges.
 *
 * RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), which, unlike eqn. 2, never yields 0xffff -> 0x0000
 * ambiguity problems for a field change; the result is the checksum a full recompute gives.
 */

/** Unfolded one's-complement sum of b[off, off+len) as big-endian 16-bit words, added to acc. */
export function csumAdd(b: Uint8Array, off: number, len: number, acc: number): number {
  const end = off + (len & ~1);
  let i = off;
  for (; i < end; i += 2) acc += (b[i]! << 8) | b[i + 1]!;
  if (len & 1) acc += b[end]! << 8;
  return acc;
}

/** Fold an unfolded sum to 16 bits (end-around carry). */
export function csumFold(acc: number): number {
  // acc may exceed 2^32 for very long inputs; % keeps it exact where >>> would truncate.
  while (acc > 0xffff) acc = (acc % 0x10000) + Math.floor(acc / 0x10000);
  return acc;
}

/** The checksum field value for an unfolded sum: ~fold(acc). */
export function csumFinish(acc: number): number {
  return ~csumFold(acc) & 0xffff;
}

/** RFC 1624 eqn. 3 for one 16-bit word changing from oldV to newV under checksum hc. */
export function csumReplace16(hc: number, oldV: number, newV: number): number {
  return ~csumFold((~hc & 0xffff) + (~oldV & 0xffff) + (newV & 0xffff)) & 0xffff;
}

/** RFC 1624 eqn. 3 for one 32-bit value (two words) changing from oldV to newV. */
export function csumReplace32(hc: number, oldV: number, newV: number): number {
  return (
    ~csumFold(
      (~hc & 0xffff) +
        (~(oldV >>> 16) & 0xffff) +
        (~oldV & 0xffff) +
        ((newV >>> 16) & 0xffff) +
        (newV & 0xffff),
    ) & 0xffff
  );
}

/**
 * RFC 1624 eqn. 3 for a 16-byte field (an IPv6 address) changing in place: the caller passes
 * the old words' sum (sum of the eight 16-bit words before the write) and the new one.
 */
export function csumReplaceSums(hc: number, oldSum: number, newSum: number): number {
  const o = csumFold(oldSum);
  return ~csumFold((~hc & 0xffff) + (~o & 0xffff) + csumFold(newSum)) & 0xffff;
}

/**
 * A partial checksum field (CHECKSUM_PARTIAL: the sender left the folded pseudo-header sum in
 * it, not complemented, for the device to finish over the L4 bytes) after a 32-bit value of its
 * pseudo-header changed from oldV to newV: fold(f + ~oldV + newV), i.e. the complement of
 * csumReplace32 on ~f. The port fields need no such update: they are summed at the end.
 */
export function csumPartialReplace32(f: number, oldV: number, newV: number): number {
  return csumFold(
    (f & 0xffff) + (~(oldV >>> 16) & 0xffff) + (~oldV & 0xffff) + ((newV >>> 16) & 0xffff) + (newV & 0xffff),
  );
}

/** csumPartialReplace32 for a 16-byte address: unfolded sums of its words before and after. */
export function csumPartialReplaceSums(f: number, oldSum: number, newSum: number): number {
  return csumFold((f & 0xffff) + (~csumFold(oldSum) & 0xffff) + csumFold(newSum));
}

/** Unfolded sum of the IPv4 pseudo-header (RFC 793 §3.1, RFC 768). */
export function pseudoSum4(src: number, dst: number, proto: number, l4len: number): number {
  return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + proto + l4len;
}

/**
 * Unfolded sum of the IPv6 pseudo-header (RFC 8200 §8.1): both addresses read in place from
 * b at srcOff and dstOff (16 bytes each), the upper-layer length and the next header.
 */
export function pseudoSum6(
  b: Uint8Array,
  srcOff: number,
  dstOff: number,
  proto: number,
  l4len: number,
): number {
  return csumAdd(b, srcOff, 16, csumAdd(b, dstOff, 16, 0)) + (l4len >>> 16) + (l4len & 0xffff) + proto;
}
