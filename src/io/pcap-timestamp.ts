/**
 * Exact conversions between (seconds, nanoseconds) and the 64-bit tick counts of pcapng.
 *
 * Owns: timestamp arithmetic for both codecs. Invariant: results are exact integers; a tick
 * count is handled as two uint32 halves (hi, lo) and never through a float that would round.
 * Fast paths use 16-bit long division (every intermediate < 2^53); anything else uses BigInt.
 * Follows draft-ietf-opsawg-pcapng §4.2 (if_tsresol, if_tsoffset).
 */

const TWO32 = 0x100000000;
const NS_PER_SEC = 1_000_000_000;

/** Ticks per second and how to turn leftover ticks into ns, for one if_tsresol value. */
export interface TsResolution {
  /** Ticks per second (exact when < 2^53). */
  readonly perSec: number;
  /** Exact ticks per second as BigInt (for the slow path). */
  readonly perSecBig: bigint;
  /** The if_tsresol byte this came from. */
  readonly raw: number;
}

const resolutionCache = new Map<number, TsResolution>();

/** Decode an if_tsresol byte: MSB clear = 10^-v, set = 2^-(v & 0x7f). Returns null past 2^-63/10^-19. */
export function tsResolution(raw: number): TsResolution | null {
  const cached = resolutionCache.get(raw);
  if (cached !== undefined) return cached;
  const exp = raw & 0x7f;
  const pow2 = (raw & 0x80) !== 0;
  if ((pow2 && exp > 63) || (!pow2 && exp > 19)) return null;
  const perSecBig = pow2 ? 1n << BigInt(exp) : 10n ** BigInt(exp);
  const res: TsResolution = { perSec: Number(perSecBig), perSecBig, raw };
  resolutionCache.set(raw, res);
  return res;
}

/** Default resolution: microseconds (if_tsresol absent). */
export const TS_RES_US: TsResolution = tsResolution(6)!;
/** Nanoseconds (if_tsresol = 9). */
export const TS_RES_NS: TsResolution = tsResolution(9)!;

/** Reused result of splitTicks (the reader copies the two fields out at once). */
export const splitOut = { sec: 0, nsec: 0 };

/**
 * ticks = hi * 2^32 + lo at resolution res  ->  splitOut.sec, splitOut.nsec (nsec truncated).
 */
export function splitTicks(hi: number, lo: number, res: TsResolution): void {
  const d = res.perSec;
  let sec: number;
  let rem: number;
  if (hi < 0x200000) {
    // ticks < 2^53: exact as a Number; correct the quotient's possible rounding.
    const t = hi * TWO32 + lo;
    sec = Math.floor(t / d);
    rem = t - sec * d;
    if (rem < 0) {
      sec -= 1;
      rem += d;
    } else if (rem >= d) {
      sec += 1;
      rem -= d;
    }
  } else if (d <= TWO32) {
    // Long division by 16-bit limbs: remainder < d <= 2^32, so r * 2^16 + limb < 2^48.
    let r = 0;
    sec = 0;
    for (let i = 0; i < 4; i++) {
      const limb = i === 0 ? hi >>> 16 : i === 1 ? hi & 0xffff : i === 2 ? lo >>> 16 : lo & 0xffff;
      const x = r * 65536 + limb;
      let q = Math.floor(x / d);
      r = x - q * d;
      if (r < 0) {
        q -= 1;
        r += d;
      } else if (r >= d) {
        q += 1;
        r -= d;
      }
      sec = sec * 65536 + q;
    }
    rem = r;
  } else {
    const t = (BigInt(hi) << 32n) | BigInt(lo);
    sec = Number(t / res.perSecBig);
    rem = Number(t % res.perSecBig);
  }
  splitOut.sec = sec;
  splitOut.nsec = remToNsec(rem, res);
}

function remToNsec(rem: number, res: TsResolution): number {
  const d = res.perSec;
  if (d <= NS_PER_SEC && NS_PER_SEC % d === 0) return rem * (NS_PER_SEC / d);
  if ((res.raw & 0x80) !== 0) {
    // d = 2^m. rem * 1e9 / 2^m; 1e9 = 1953125 * 2^9 keeps the product below 2^53 for m <= 32.
    const m = res.raw & 0x7f;
    if (m <= 9) return Math.floor((rem * NS_PER_SEC) / d);
    if (m <= 32) return Math.floor((rem * 1953125) / 2 ** (m - 9));
  }
  return Number((BigInt(rem) * 1_000_000_000n) / res.perSecBig);
}

/** Reused result of joinTicks. */
export const joinOut = { hi: 0, lo: 0 };

/**
 * (sec, nsec) -> ticks at 10^-6 (k = 6) or 10^-9 (k = 9) as joinOut.hi / joinOut.lo, exactly.
 * sec must be an integer in [0, 2^32); nsec in [0, 1e9).
 */
export function joinTicks(sec: number, nsec: number, k: 6 | 9): void {
  // 10^k = 5^k * 2^k: y = sec * 5^k < 2^53, then ticks = y * 2^k + frac.
  const y = sec * (k === 9 ? 1953125 : 15625);
  const frac = k === 9 ? nsec : Math.floor(nsec / 1000);
  const div = 2 ** (32 - k);
  let hi = Math.floor(y / div);
  let lo = (y - hi * div) * 2 ** k + frac;
  if (lo >= TWO32) {
    lo -= TWO32;
    hi += 1;
  }
  joinOut.hi = hi;
  joinOut.lo = lo;
}
