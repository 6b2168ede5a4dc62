/**
 * hex: byte arrays from readable hex text for byte-exact tests.
 *
 * Usage: hex`45 00 00 3c  # version/IHL, TOS, total length` — whitespace is ignored, `#` starts a
 * comment to the end of the line, interpolated numbers are written as one byte each (0..255).
 * toHex() formats bytes back (space-separated) for readable assertion diffs.
 */

export function hex(strings: TemplateStringsArray | string, ...values: number[]): Uint8Array {
  const parts = typeof strings === 'string' ? [strings] : strings;
  let text = '';
  for (let i = 0; i < parts.length; i++) {
    text += parts[i];
    if (i < values.length) {
      const v = values[i]!;
      if (!Number.isInteger(v) || v < 0 || v > 255)
        throw new RangeError('hex: interpolated value not a byte: ' + v);
      text += ' ' + v.toString(16).padStart(2, '0') + ' ';
    }
  }
  const digits = text
    .split('\n')
    .map((line) => line.replace(/#.*$/, ''))
    .join('')
    .replace(/\s+/g, '');
  if (!/^[0-9a-fA-F]*$/.test(digits) || digits.length % 2 !== 0) {
    throw new Error('hex: malformed hex text: ' + digits);
  }
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(digits.substring(2 * i, 2 * i + 2), 16);
  return out;
}

export function toHex(b: Uint8Array, off = 0, end = b.length): string {
  const parts: string[] = [];
  for (let i = off; i < end; i++) parts.push(b[i]!.toString(16).padStart(2, '0'));
  return parts.join(' ');
}

/** A buffer of n bytes filled with 0xa5, so bytes a test did not write show up. */
export function filled(n: number): Uint8Array {
  return new Uint8Array(n).fill(0xa5);
}
