// The control-plane rule model: virtual services, their real servers (dests), IPVS timeouts and
// sync-daemon settings, as plain data with stable keys.
//
// Owns: ServiceSpec, DestSpec, RuleSet, IpvsTimeouts, defaults, serviceKey/destKey.
// Must not: import io/daemon/cli, hold runtime counters (the engine owns those), resolve names.
// Invariants: addresses are canonical inet_ntop text (see addr-text.ts), so keys compare by
// string; a RuleSet keeps services and each service's dests in the order they were added
// (kernel IPVS walks dests newest-first; `ipvsadm -S` sorts, see rules-sort.ts).
// Sources: include/uapi/linux/ip_vs.h (IP_VS_SVC_F_*, tunnel types and flags), ipvsadm.c
// process_options defaults, libipvs.h IPVS_SVC_PERSISTENT_TIMEOUT.

import type { Af } from './addr-text.js';

export type { Af } from './addr-text.js';
export type Proto = 'tcp' | 'udp' | 'sctp';
export type FwdMethod = 'dr' | 'tun' | 'nat';
export type TunType = 'ipip' | 'gue' | 'gre';
export type TunCsum = 'nocsum' | 'csum' | 'remcsum';

/** What identifies a virtual service in the kernel table: <af, proto, vaddr, vport> or <af, fwmark>. */
export interface ServiceKey {
  af: Af;
  proto: Proto;
  /** Canonical address text; '0.0.0.0' / '::' for fwmark services. */
  vaddr: string;
  vport: number;
  /** 0 for address services; 1..2^32-1 for `-f` services (parsed, not yet forwarded by uvs). */
  fwmark: number;
}

/** Scheduler flag bits as ipvsadm `-b` sets them: flag-1 = sh-fallback = mh-fallback, etc. */
export const SCHED_FLAG_1 = 1; // IP_VS_SVC_F_SCHED1 (sh-fallback / mh-fallback)
export const SCHED_FLAG_2 = 2; // IP_VS_SVC_F_SCHED2 (sh-port / mh-port)
export const SCHED_FLAG_3 = 4; // IP_VS_SVC_F_SCHED3

export interface ServiceFlags {
  persistent: boolean;
  /** `-o`: one-packet scheduling (IP_VS_SVC_F_ONEPACKET). */
  onePacket: boolean;
  /** Bits SCHED_FLAG_1..3; their names depend on the scheduler (sh-*, mh-*, flag-N). */
  schedFlags: number;
}

export interface ServiceSpec extends ServiceKey {
  sched: string;
  flags: ServiceFlags;
  /** Persistence timeout in seconds (meaningful when flags.persistent). */
  timeout: number;
  /**
   * Persistence granularity: for IPv4 the 32-bit mask as an unsigned number (0xffffffff = /32,
   * printed dotted); for IPv6 the prefix length 1..128.
   */
  netmask: number;
  /** Persistence engine name ('' = none; the kernel knows 'sip'). */
  pe: string;
}

export interface DestSpec {
  af: Af;
  daddr: string;
  dport: number;
  fwd: FwdMethod;
  weight: number;
  /** Upper connection threshold, 0 = none. */
  uThreshold: number;
  /** Lower connection threshold, 0 = none. */
  lThreshold: number;
  tunType: TunType;
  /** GUE destination port (0 unless tunType is 'gue'). */
  tunPort: number;
  tunCsum: TunCsum;
}

export interface ServiceRules {
  svc: ServiceSpec;
  /** In the order added. */
  dests: DestSpec[];
}

export interface RuleSet {
  /** In the order added. */
  services: ServiceRules[];
}

/** `--set tcp tcpfin udp`, seconds; in a --set command 0 means "keep the current value". */
export interface IpvsTimeouts {
  tcp: number;
  tcpFin: number;
  udp: number;
}

export type SyncState = 'master' | 'backup';

/** `--start-daemon` options; 0 / '' mean "not given" (the kernel picks its default). */
export interface SyncDaemonSpec {
  state: SyncState;
  mcastIfn: string;
  syncid: number;
  syncMaxlen: number;
  mcastGroup: string;
  mcastPort: number;
  mcastTtl: number;
}

export const DEFAULT_SCHED = 'wlc';
/** IPVS_SVC_PERSISTENT_TIMEOUT (6*60) in libipvs.h; the man page's "300" is wrong. */
export const DEFAULT_PERSISTENT_TIMEOUT = 360;
/** MAX_TIMEOUT in ipvsadm.c: 31 days. */
export const MAX_TIMEOUT = 86400 * 31;
export const DEFAULT_WEIGHT = 1;
export const NETMASK_V4_HOST = 0xffffffff;
export const NETMASK_V6_HOST = 128;
/** Kernel defaults shown by `ipvsadm -L --timeout` on a fresh boot. */
export const DEFAULT_TIMEOUTS: Readonly<IpvsTimeouts> = { tcp: 900, tcpFin: 120, udp: 300 };
export const DEFAULT_MCAST_IFN = 'eth0';

export function emptyRuleSet(): RuleSet {
  return { services: [] };
}

/** Stable string key of a service: `tcp|10.0.0.1|80`, `udp|fd00::1|53`, `fwm|4|1`. */
export function serviceKey(k: ServiceKey): string {
  return k.fwmark !== 0 ? `fwm|${k.af}|${k.fwmark}` : `${k.proto}|${k.vaddr}|${k.vport}`;
}

/** Stable string key of a dest inside its service: `10.0.1.1|80`, `fd00::a:1|80`. */
export function destKey(d: Pick<DestSpec, 'daddr' | 'dport'>): string {
  return `${d.daddr}|${d.dport}`;
}

export function sameService(a: ServiceKey, b: ServiceKey): boolean {
  return serviceKey(a) === serviceKey(b);
}

/** A ServiceSpec with every field at its ipvsadm default for the given key. */
export function defaultService(key: ServiceKey): ServiceSpec {
  return {
    af: key.af,
    proto: key.proto,
    vaddr: key.vaddr,
    vport: key.vport,
    fwmark: key.fwmark,
    sched: DEFAULT_SCHED,
    flags: { persistent: false, onePacket: false, schedFlags: 0 },
    timeout: 0,
    netmask: key.af === 6 ? NETMASK_V6_HOST : NETMASK_V4_HOST,
    pe: '',
  };
}

/** A DestSpec with ipvsadm's defaults: DR, weight 1, no thresholds, ipip without checksum. */
export function defaultDest(af: Af, daddr: string, dport: number): DestSpec {
  return {
    af,
    daddr,
    dport,
    fwd: 'dr',
    weight: DEFAULT_WEIGHT,
    uThreshold: 0,
    lThreshold: 0,
    tunType: 'ipip',
    tunPort: 0,
    tunCsum: 'nocsum',
  };
}

export function serviceKeyOf(s: ServiceKey): ServiceKey {
  return { af: s.af, proto: s.proto, vaddr: s.vaddr, vport: s.vport, fwmark: s.fwmark };
}

/** Deep copy (services, dests and flags), for callers that diff or mutate. */
export function cloneRuleSet(rs: RuleSet): RuleSet {
  return {
    services: rs.services.map((s) => ({
      svc: { ...s.svc, flags: { ...s.svc.flags } },
      dests: s.dests.map((d) => ({ ...d })),
    })),
  };
}

/** Why uvs cannot forward a service yet, or null. The grammar accepts these; the daemon refuses. */
export function serviceUnsupported(k: ServiceKey): 'fwmark' | 'sctp' | null {
  if (k.fwmark !== 0) return 'fwmark';
  if (k.proto === 'sctp') return 'sctp';
  return null;
}
