// Validation of rule-model values: ranges, scheduler and persistence-engine names, scheduler
// flags, and the consistency checks ipvsadm and the kernel apply before a change is accepted.
//
// Owns: the scheduler name list, sched-flag names, validateService/validateDest.
// Must not: mutate its inputs, resolve names, know about argv (ipvsadm-args.ts calls in here).
// Invariants: every failure is a UvsError carrying ipvsadm's exact message and exit status.
// Sources: ipvsadm.c (parse_sched_flags, print_sched_flags, process_options checks),
// ip_vs_ctl.c (ip_vs_add_service netmask check, ip_vs_add_dest threshold check -> ERANGE).
// The engine's scheduler registry (src/engine/sched/index.ts) did not exist when this was
// written, so the names are listed here; keep them in step with the registry.

import { EXIT_KERNEL, UvsError, IPVS_MSG } from './errors.js';
import type { DestSpec, ServiceSpec } from './model.js';
import { MAX_TIMEOUT, SCHED_FLAG_1, SCHED_FLAG_2, SCHED_FLAG_3 } from './model.js';

/** Schedulers of Linux 6.1 IPVS (ipvsadm 1.31 documents all but twos). */
export const SCHEDULERS: readonly string[] = [
  'rr',
  'wrr',
  'lc',
  'wlc',
  'lblc',
  'lblcr',
  'dh',
  'sh',
  'sed',
  'nq',
  'fo',
  'ovf',
  'mh',
  'twos',
];
/** Persistence engines the kernel provides. */
export const PERSISTENCE_ENGINES: readonly string[] = ['sip'];

export const MAX_WEIGHT = 65535;
export const MAX_THRESHOLD = 2147483647; // INT_MAX

export function isKnownScheduler(name: string): boolean {
  return SCHEDULERS.includes(name);
}

/**
 * ipvsadm parse_sched_flags: comma list of flag-1..3, sh-fallback, sh-port, mh-fallback,
 * mh-port; the sh- and mh- names only with their scheduler (`sched` '' means the default, wlc).
 */
export function parseSchedFlags(sched: string, text: string): number | UvsError {
  const name = sched === '' ? 'wlc' : sched;
  let bits = 0;
  const tokens = text.split(',').filter((t) => t !== '');
  if (tokens.length === 0) return new UvsError('UVS_ERR_BAD_SCHED_FLAG', "invalid scheduler flag `'");
  for (const flag of tokens) {
    let bit: number;
    let needs = '';
    switch (flag) {
      case 'flag-1':
        bit = SCHED_FLAG_1;
        break;
      case 'flag-2':
        bit = SCHED_FLAG_2;
        break;
      case 'flag-3':
        bit = SCHED_FLAG_3;
        break;
      case 'sh-fallback':
        [bit, needs] = [SCHED_FLAG_1, 'sh'];
        break;
      case 'sh-port':
        [bit, needs] = [SCHED_FLAG_2, 'sh'];
        break;
      case 'mh-fallback':
        [bit, needs] = [SCHED_FLAG_1, 'mh'];
        break;
      case 'mh-port':
        [bit, needs] = [SCHED_FLAG_2, 'mh'];
        break;
      default:
        return new UvsError('UVS_ERR_BAD_SCHED_FLAG', `invalid scheduler flag \`${flag}'`);
    }
    bits |= bit;
    if (needs !== '' && needs !== name) {
      return new UvsError('UVS_ERR_BAD_SCHED_FLAG', `incompatible scheduler flag \`${flag}'`);
    }
  }
  return bits;
}

/**
 * ipvsadm print_sched_flags: the names of the set bits for this scheduler, comma-separated.
 * For sh/mh only bits 1 and 2 have names (flag-3 prints nothing, as in ipvsadm).
 */
export function schedFlagsText(sched: string, bits: number): string {
  const names: string[] = [];
  if (sched === 'sh' || sched === 'mh') {
    if (bits & SCHED_FLAG_1) names.push(`${sched}-fallback`);
    if (bits & SCHED_FLAG_2) names.push(`${sched}-port`);
  } else {
    if (bits & SCHED_FLAG_1) names.push('flag-1');
    if (bits & SCHED_FLAG_2) names.push('flag-2');
    if (bits & SCHED_FLAG_3) names.push('flag-3');
  }
  return names.join(',');
}

/** The checks ipvsadm makes on -A/-E after parsing (process_options). */
export function checkServiceGrammar(svc: ServiceSpec): UvsError | null {
  if (svc.fwmark === 0 && svc.vport === 0 && !svc.flags.persistent) {
    return new UvsError('UVS_ERR_BAD_SERVICE', 'Zero port specified for non-persistent service');
  }
  if (svc.flags.onePacket && svc.fwmark === 0 && svc.proto !== 'udp') {
    return new UvsError('UVS_ERR_BAD_SERVICE', 'One-Packet Scheduling is only for UDP virtual services');
  }
  return null;
}

/** The checks the kernel makes when a service is added or edited (ip_vs_add/edit_service). */
export function checkServiceKernel(svc: ServiceSpec): UvsError | null {
  if (!isKnownScheduler(svc.sched) || (svc.pe !== '' && !PERSISTENCE_ENGINES.includes(svc.pe))) {
    return new UvsError('UVS_ERR_BAD_SCHEDULER', IPVS_MSG.schedNotFound);
  }
  if (svc.af === 6 && (svc.netmask < 1 || svc.netmask > 128)) {
    return new UvsError('UVS_ERR_INVALID', IPVS_MSG.invalid);
  }
  return null;
}

/** Every check on a service spec built outside argv (API, keepalived import), ipvsadm order. */
export function validateService(svc: ServiceSpec): UvsError | null {
  if (!Number.isInteger(svc.vport) || svc.vport < 0 || svc.vport > 65535) {
    return new UvsError('UVS_ERR_BAD_ADDRESS', 'illegal virtual server address[:port] specified');
  }
  if (!Number.isInteger(svc.fwmark) || svc.fwmark < 0 || svc.fwmark > 0xffffffff) {
    return new UvsError('UVS_ERR_BAD_FWMARK', `invalid fwmark value \`${svc.fwmark}' specified`);
  }
  if (
    svc.flags.persistent &&
    (!Number.isInteger(svc.timeout) || svc.timeout < 1 || svc.timeout > MAX_TIMEOUT)
  ) {
    return new UvsError('UVS_ERR_BAD_TIMEOUT', `invalid timeout value \`${svc.timeout}' specified`);
  }
  if (svc.af === 4 && (!Number.isInteger(svc.netmask) || svc.netmask < 0 || svc.netmask > 0xffffffff)) {
    return new UvsError('UVS_ERR_BAD_NETMASK', 'illegal virtual server persistent mask specified');
  }
  if (svc.af === 6 && (!Number.isInteger(svc.netmask) || svc.netmask < 1 || svc.netmask > 128)) {
    return new UvsError('UVS_ERR_BAD_NETMASK', 'illegal ipv6 netmask specified');
  }
  return checkServiceGrammar(svc) ?? checkServiceKernel(svc);
}

/** The checks ipvsadm makes on -a/-e after parsing: address family and tunnel options. */
export function checkDestGrammar(svc: ServiceSpec | { af: 4 | 6 }, dest: DestSpec): UvsError | null {
  if (dest.af !== svc.af && dest.fwd !== 'tun') {
    return new UvsError(
      'UVS_ERR_BAD_ADDRESS',
      'Different address family is allowed only for tunneling servers',
    );
  }
  return null;
}

/** The checks the kernel makes when a dest is added or edited (ip_vs_add_dest/ip_vs_edit_dest). */
export function checkDestKernel(dest: DestSpec): UvsError | null {
  if (dest.lThreshold > dest.uThreshold) {
    return new UvsError('UVS_ERR_BAD_THRESHOLD', IPVS_MSG.erange, { exitCode: EXIT_KERNEL });
  }
  if (dest.fwd === 'tun' && dest.tunType === 'gue' && dest.tunPort === 0) {
    return new UvsError('UVS_ERR_INVALID', IPVS_MSG.invalid);
  }
  return null;
}

/** Every check on a dest spec built outside argv, in ipvsadm order. */
export function validateDest(svc: ServiceSpec, dest: DestSpec): UvsError | null {
  if (!Number.isInteger(dest.weight) || dest.weight < 0 || dest.weight > MAX_WEIGHT) {
    return new UvsError('UVS_ERR_BAD_WEIGHT', 'illegal weight specified');
  }
  if (!Number.isInteger(dest.uThreshold) || dest.uThreshold < 0 || dest.uThreshold > MAX_THRESHOLD) {
    return new UvsError('UVS_ERR_BAD_THRESHOLD', 'illegal u_threshold specified');
  }
  if (!Number.isInteger(dest.lThreshold) || dest.lThreshold < 0 || dest.lThreshold > MAX_THRESHOLD) {
    return new UvsError('UVS_ERR_BAD_THRESHOLD', 'illegal l_threshold specified');
  }
  if (!Number.isInteger(dest.dport) || dest.dport < 0 || dest.dport > 65535) {
    return new UvsError('UVS_ERR_BAD_ADDRESS', 'illegal real server address[:port] specified');
  }
  if (dest.fwd === 'tun' && dest.tunType === 'gue' && (dest.tunPort < 1 || dest.tunPort > 65535)) {
    return new UvsError('UVS_ERR_BAD_TUNNEL', 'illegal tunnel port specified');
  }
  return checkDestGrammar(svc, dest) ?? checkDestKernel(dest);
}
