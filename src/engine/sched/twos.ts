/**
 * twos: power of two choices (net/netfilter/ipvs/ip_vs_twos.c).
 *
 * Owns: a copy of the dest list and the service's random source. Must not: allocate or throw
 * in schedule().
 * Kernel semantics reproduced: total = sum of weights of dests without OVERLOAD with
 * weight > 0 (none -> NULL); rweight1 = get_random_u32_below(total + 1), then rweight2 the
 * same (two draws, in that order); walk the eligible dests subtracting each weight from both;
 * choice1 / choice2 = the first dest where rweight1 / rweight2 <= 0; return choice2 when
 * weight2 * overhead1 > weight1 * overhead2 in C int (wrapping, reproduced with Math.imul),
 * else choice1. The range [0, total] makes rweight 0 land on the first eligible dest.
 * Not reproducible: the kernel draws from its CRNG; here the u32 words come from
 * ServiceInfo.random and are reduced with the kernel's own __get_random_u32_below (Lemire
 * multiply-shift with rejection), so the same words give the same picks. No hooks.
 */
import { DEST_F_OVERLOAD } from '../service/dest.js';
import type { Dest, DestChangeCode, FlowInfo, Scheduler, SchedulerDef, ServiceInfo } from './types.js';
import { connOverhead, randomU32Below } from './util.js';

export class TwosScheduler implements Scheduler {
  private dests: Dest[] = [];
  private readonly random: () => number;

  constructor(svc: ServiceInfo) {
    this.random = svc.random;
  }

  schedule(_flow: FlowInfo, _now: number): Dest | null {
    const list = this.dests;
    const n = list.length;
    let total = 0;
    let choice1: Dest | null = null;
    for (let i = 0; i < n; i++) {
      const d = list[i]!;
      if ((d.flags & DEST_F_OVERLOAD) === 0 && d.weight > 0) {
        total = (total + d.weight) | 0;
        choice1 = d;
      }
    }
    if (choice1 === null) return null;
    total = (total + 1) | 0;
    let rweight1 = randomU32Below(total, this.random) | 0;
    let rweight2 = randomU32Below(total, this.random) | 0;
    let choice2: Dest | null = null;
    let weight1 = -1;
    let weight2 = -1;
    let overhead1 = 0;
    let overhead2 = 0;
    for (let i = 0; i < n; i++) {
      const d = list[i]!;
      if ((d.flags & DEST_F_OVERLOAD) !== 0) continue;
      const w = d.weight;
      if (w <= 0) continue;
      rweight1 = (rweight1 - w) | 0;
      rweight2 = (rweight2 - w) | 0;
      if (rweight1 <= 0 && weight1 === -1) {
        choice1 = d;
        weight1 = w;
        overhead1 = connOverhead(d);
      }
      if (rweight2 <= 0 && weight2 === -1) {
        choice2 = d;
        weight2 = w;
        overhead2 = connOverhead(d);
      }
      if (weight1 !== -1 && weight2 !== -1) break;
    }
    if (choice2 !== null && Math.imul(weight2, overhead1) > Math.imul(weight1, overhead2)) return choice2;
    return choice1;
  }

  update(dests: readonly Dest[], _change: DestChangeCode, _changed: Dest | null): void {
    this.dests = Array.from(dests);
  }

  expire(_now: number): void {}
}

/** twos: ipvsadm `-s twos`. */
export const twos = {
  name: 'twos',
  summary: 'Power of Two Choices: the less loaded of two weighted random picks',
  create: (svc: ServiceInfo) => new TwosScheduler(svc),
} as const satisfies SchedulerDef;
