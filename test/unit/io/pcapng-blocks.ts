/**
 * A tiny, independent pcapng block builder for tests (hand-made files with several sections,
 * interfaces, resolutions and block kinds), deliberately separate from src/io/pcapng-writer.ts.
 */
import { concat } from './hex.js';

export interface BlockOpts {
  readonly le?: boolean;
  /** Override the trailing length field. */
  readonly trailer?: number;
  /** Override the leading length field. */
  readonly len?: number;
}

/** A block: type, length, body (padded to 4 with zeros), length. */
export function block(type: number, body: Uint8Array, o: BlockOpts = {}): Uint8Array {
  const le = o.le ?? true;
  const padded = (body.length + 3) & ~3;
  const len = 12 + padded;
  const b = new Uint8Array(len);
  const v = new DataView(b.buffer);
  v.setUint32(0, type, le);
  v.setUint32(4, o.len ?? len, le);
  b.set(body, 8);
  v.setUint32(len - 4, o.trailer ?? len, le);
  return b;
}

/** Fields packed in order: [bytes, value] with bytes 1, 2, 4 or raw arrays. */
export function fields(le: boolean, ...items: ([1 | 2 | 4, number] | Uint8Array)[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const it of items) {
    if (it instanceof Uint8Array) {
      parts.push(it);
      continue;
    }
    const [n, val] = it;
    const b = new Uint8Array(n);
    const v = new DataView(b.buffer);
    if (n === 1) v.setUint8(0, val);
    else if (n === 2) v.setUint16(0, val, le);
    else v.setUint32(0, val >>> 0, le);
    parts.push(b);
  }
  return concat(parts);
}

/** One option: code, length, value padded to 4. */
export function option(le: boolean, code: number, value: Uint8Array): Uint8Array {
  const padded = new Uint8Array((value.length + 3) & ~3);
  padded.set(value);
  return concat([fields(le, [2, code], [2, value.length]), padded]);
}

export const END_OPT = new Uint8Array(4);

export function shb(le = true, major = 1, options: Uint8Array = new Uint8Array(0)): Uint8Array {
  return block(
    0x0a0d0d0a,
    concat([fields(le, [4, 0x1a2b3c4d], [2, major], [2, 0], [4, 0xffffffff], [4, 0xffffffff]), options]),
    { le },
  );
}

export function idb(
  le: boolean,
  linktype: number,
  snaplen: number,
  options: Uint8Array = new Uint8Array(0),
): Uint8Array {
  return block(1, concat([fields(le, [2, linktype], [2, 0], [4, snaplen]), options]), { le });
}

export function epb(
  le: boolean,
  ifId: number,
  hi: number,
  lo: number,
  data: Uint8Array,
  origLen = data.length,
  o: BlockOpts & { capLen?: number } = {},
): Uint8Array {
  const body = concat([
    fields(le, [4, ifId], [4, hi], [4, lo], [4, o.capLen ?? data.length], [4, origLen]),
    data,
  ]);
  return block(6, body, { le, ...o });
}
