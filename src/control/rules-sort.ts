// The order `ipvsadm -L` and `ipvsadm -S` print services and dests in (unless --nosort).
//
// Owns: compareServices / compareDests (libipvs ipvs_cmp_services / ipvs_cmp_dests, including
// their C int wrap-around: `ntohl(a) - ntohl(b)` stored in an int, so addresses more than 2^31
// apart compare "backwards") and glibc's merge sort (qsort on glibc 2.36 is a top-down merge
// sort), so even that non-transitive comparator gives the kernel-recorded order.
// Must not: mutate its input.
// Sources: libipvs/libipvs.c ipvs_cmp_services, ipvs_cmp_dests; glibc stdlib/msort.c.

import { addrWords } from './addr-text.js';
import type { DestSpec, ServiceSpec } from './model.js';

const PROTO_NUM = { tcp: 6, udp: 17, sctp: 132 } as const;
const AF_NUM = { 4: 2, 6: 10 } as const; // AF_INET, AF_INET6

/** `(int)(a - b)` for two unsigned 32-bit values. */
const wrapSub = (a: number, b: number): number => (a - b) | 0;

export function compareServices(s1: ServiceSpec, s2: ServiceSpec): number {
  let r = wrapSub(s1.fwmark, s2.fwmark);
  if (r !== 0) return r;
  r = AF_NUM[s1.af] - AF_NUM[s2.af];
  if (r !== 0) return r;
  r = PROTO_NUM[s1.proto] - PROTO_NUM[s2.proto];
  if (r !== 0) return r;
  const a = addrWords(s1.af, s1.vaddr);
  const b = addrWords(s2.af, s2.vaddr);
  const words = s1.af === 6 ? 4 : 1;
  for (let i = 0; r === 0 && i < words; i++) r = wrapSub(a[i] ?? 0, b[i] ?? 0);
  if (r !== 0) return r;
  return s1.vport - s2.vport;
}

/** The first dest's family decides how many words are compared, as in libipvs. */
export function compareDests(d1: DestSpec, d2: DestSpec): number {
  const a = addrWords(d1.af, d1.daddr);
  const b = addrWords(d2.af, d2.daddr);
  const words = d1.af === 6 ? 4 : 1;
  let r = 0;
  for (let i = 0; r === 0 && i < words; i++) r = wrapSub(a[i] ?? 0, b[i] ?? 0);
  if (r !== 0) return r;
  return d1.dport - d2.dport;
}

/** glibc msort_with_tmp: split n/2 | n - n/2, sort both, merge taking the left on cmp <= 0. */
export function glibcMergeSort<T>(items: readonly T[], cmp: (a: T, b: T) => number): T[] {
  const out = items.slice();
  const tmp: T[] = new Array<T>(out.length);
  const sort = (lo: number, n: number): void => {
    if (n <= 1) return;
    const n1 = Math.floor(n / 2);
    const n2 = n - n1;
    sort(lo, n1);
    sort(lo + n1, n2);
    let i = lo;
    let j = lo + n1;
    let k = 0;
    const iEnd = lo + n1;
    const jEnd = lo + n;
    while (i < iEnd && j < jEnd) {
      if (cmp(out[i] as T, out[j] as T) <= 0) tmp[k++] = out[i++] as T;
      else tmp[k++] = out[j++] as T;
    }
    while (i < iEnd) tmp[k++] = out[i++] as T;
    for (let m = 0; m < k; m++) out[lo + m] = tmp[m] as T;
  };
  sort(0, out.length);
  return out;
}
