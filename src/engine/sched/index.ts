/**
 * The scheduler registry: every scheduler of this folder, listed explicitly, by ipvsadm name.
 *
 * Owns: SCHEDULERS (the order of the kernel's Kconfig menu) and the name lookup. Must not:
 * discover files dynamically; a test fails when a scheduler file is missing from the list.
 * Kernel: net/netfilter/ipvs/ip_vs_sched.c (register_ip_vs_scheduler / ip_vs_scheduler_get).
 */
import { dh } from './dh.js';
import { fo } from './fo.js';
import { lblc } from './lblc.js';
import { lblcr } from './lblcr.js';
import { lc } from './lc.js';
import { mh } from './mh.js';
import { nq } from './nq.js';
import { ovf } from './ovf.js';
import { rr } from './rr.js';
import { sed } from './sed.js';
import { sh } from './sh.js';
import { twos } from './twos.js';
import type { SchedulerDef } from './types.js';
import { wlc } from './wlc.js';
import { wrr } from './wrr.js';

/** SCHEDULERS: all 14 IPVS schedulers. */
export const SCHEDULERS = [rr, wrr, lc, wlc, fo, ovf, lblc, lblcr, dh, sh, mh, sed, nq, twos] as const;

/** SchedulerName: an ipvsadm `-s` name. */
export type SchedulerName = (typeof SCHEDULERS)[number]['name'];

/** DEFAULT_SCHEDULER: ipvsadm's default when `-s` is not given (ipvsadm.c DEF_SCHED). */
export const DEFAULT_SCHEDULER: SchedulerName = 'wlc';

/** getScheduler: the definition for an ipvsadm name, null when unknown. */
export function getScheduler(name: string): SchedulerDef | null {
  for (const def of SCHEDULERS) if (def.name === name) return def;
  return null;
}

/** isSchedulerName: type guard for ipvsadm names. */
export function isSchedulerName(name: string): name is SchedulerName {
  return getScheduler(name) !== null;
}
