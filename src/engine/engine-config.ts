/**
 * The engine's configuration methods: services, dests, timeouts, neighbours, zeroing. The control
 * plane (src/control, src/daemon) changes the engine only through these. They run on the control
 * path: they may allocate, and they report problems as negative ConfigErr codes (the engine never
 * throws; src/control turns the codes into UvsErrors).
 *
 * Kernel parity (ip_vs_ctl.c): a new dest goes to the head of its service's list; editing a dest
 * keeps its place; a removed dest stays alive, unavailable, while conns still point at it (the
 * kernel's trash list), and its id is reused only once nothing refers to it; `--set` changes only
 * the ESTABLISHED, FIN_WAIT and UDP timeouts, and 0 keeps a value.
 */
import { TcpState } from './conn/tcp-state.js';
import { getScheduler } from './sched/index.js';
import { DEST_F_OVERLOAD, Dest, type FwdCode } from './service/dest.js';
import { Service } from './service/service.js';
import type { EngineState } from './state.js';

export const ConfigErr = {
  ServiceExists: -1,
  NoSuchService: -2,
  DestExists: -3,
  NoSuchDest: -4,
  BadScheduler: -5,
  FamilyMismatch: -6,
  BadThreshold: -7,
} as const;
export type ConfigErrCode = (typeof ConfigErr)[keyof typeof ConfigErr];

export interface ServiceParams {
  af: 4 | 6;
  /** 6 TCP or 17 UDP. */
  proto: number;
  vaddr: Uint32Array;
  vport: number;
  sched: string;
  /** IP_VS_SVC_F_*: PERSISTENT 0x1, ONEPACKET 0x4, SCHED1..3 0x08/0x10/0x20. */
  flags: number;
  /** Persistence timeout in seconds (with PERSISTENT). */
  persistSec: number;
  /** Persistence mask, four words (IPv4 in word 0). */
  netmask: Uint32Array;
}

export interface DestParams {
  af: 4 | 6;
  addr: Uint32Array;
  port: number;
  fwd: FwdCode;
  weight: number;
  uThreshold: number;
  lThreshold: number;
}

const SCHED_FLAGS = 0x38;

/** Add a service; returns its id or a ConfigErr. */
export function addService(st: EngineState, p: ServiceParams): number {
  if (exactService(st, p) !== null) return ConfigErr.ServiceExists;
  const def = getScheduler(p.sched);
  if (def === null) return ConfigErr.BadScheduler;
  const id = st.svcs.length;
  const sched = def.create({ schedFlags: p.flags & SCHED_FLAGS, random: st.random });
  const svc = new Service(id, p.af, p.proto, p.vaddr, p.vport, p.sched, sched);
  applyServiceParams(svc, p);
  st.svcs.push(svc);
  st.services.add(svc);
  return id;
}

/** The service with exactly these keys (no port-0 fallback), or null. */
export function exactService(
  st: EngineState,
  p: { af: number; proto: number; vaddr: Uint32Array; vport: number },
): Service | null {
  for (const s of st.services.all) {
    if (s.af === p.af && s.proto === p.proto && s.vport === p.vport && sameWords(s.vaddr, p.vaddr)) return s;
  }
  return null;
}

/** Edit a service's scheduler, flags and persistence (ipvsadm -E). */
export function editService(st: EngineState, svc: Service, p: ServiceParams): number {
  const def = getScheduler(p.sched);
  if (def === null) return ConfigErr.BadScheduler;
  const oldSchedFlags = svc.flags & SCHED_FLAGS;
  applyServiceParams(svc, p);
  if (p.sched !== svc.schedName || (p.flags & SCHED_FLAGS) !== oldSchedFlags) {
    svc.setScheduler(p.sched, def.create({ schedFlags: p.flags & SCHED_FLAGS, random: st.random }));
  }
  return 0;
}

function applyServiceParams(svc: Service, p: ServiceParams): void {
  svc.flags = p.flags;
  svc.persistMs = p.persistSec * 1000;
  for (let w = 0; w < 4; w++) svc.netmask[w] = p.netmask[w]! >>> 0;
}

/** Delete a service and unlink its dests; conns drain as their dests become unavailable. */
export function delService(st: EngineState, svc: Service): void {
  for (const d of Array.from(svc.dests)) {
    svc.removeDest(d);
    retire(st, d);
  }
  st.services.remove(svc);
}

/** Add a dest at the head of the service's list; returns its id or a ConfigErr. */
export function addDest(st: EngineState, svc: Service, p: DestParams): number {
  if (p.af !== svc.af) return ConfigErr.FamilyMismatch;
  if (p.lThreshold !== 0 && p.uThreshold !== 0 && p.lThreshold > p.uThreshold) return ConfigErr.BadThreshold;
  if (svc.findDest(p.addr, p.port) !== null) return ConfigErr.DestExists;
  reclaim(st);
  let id = st.dests.indexOf(null);
  if (id < 0) id = st.dests.length;
  const d = new Dest(id, svc.id, p.af, p.addr, p.port, p.fwd, p.weight);
  d.uThreshold = p.uThreshold;
  d.lThreshold = p.lThreshold;
  d.mac = neighborOf(st, p.af, d.addr);
  st.dests[id] = d;
  svc.addDest(d);
  return id;
}

/** Edit a dest in place (ipvsadm -e): weight, method, thresholds. */
export function editDest(svc: Service, d: Dest, p: DestParams): number {
  if (p.lThreshold !== 0 && p.uThreshold !== 0 && p.lThreshold > p.uThreshold) return ConfigErr.BadThreshold;
  // ip_vs_ctl.c __ip_vs_update_dest(): OVERLOAD is cleared when the new upper threshold is 0 or larger.
  if (p.uThreshold === 0 || p.uThreshold > d.uThreshold) d.flags &= ~DEST_F_OVERLOAD;
  d.fwd = p.fwd;
  d.weight = p.weight;
  if (p.weight !== 0) d.lastWeight = p.weight;
  d.uThreshold = p.uThreshold;
  d.lThreshold = p.lThreshold;
  svc.editedDest(d);
  return 0;
}

/** Remove a dest from its service (ipvsadm -d). */
export function delDest(st: EngineState, svc: Service, d: Dest): void {
  svc.removeDest(d);
  retire(st, d);
}

/** ipvsadm -C: every service and dest goes; conns drain as their dests are unavailable. */
export function clearAll(st: EngineState): void {
  for (const svc of Array.from(st.services.all)) delService(st, svc);
}

/** ipvsadm -Z: counters and rates to zero, for one service or (null) all and the globals. */
export function zeroStats(st: EngineState, svc: Service | null): void {
  const list = svc === null ? st.services.all : [svc];
  for (const s of list) {
    s.stats.zero();
    for (const d of s.dests) d.stats.zero();
  }
  if (svc === null) st.stats.zero();
}

/** ipvsadm --set tcp tcpfin udp (seconds; 0 keeps the current value). */
export function setTimeouts(st: EngineState, tcpSec: number, tcpFinSec: number, udpSec: number): void {
  if (tcpSec > 0) st.tcpTimeoutsMs[TcpState.Established] = tcpSec * 1000;
  if (tcpFinSec > 0) st.tcpTimeoutsMs[TcpState.FinWait] = tcpFinSec * 1000;
  if (udpSec > 0) st.udpTimeoutMs = udpSec * 1000;
  for (const svc of st.services.all) if (svc.tcpTimeoutsMs !== null) rebuildServiceTimeouts(st, svc);
}

/**
 * Per-service timeouts (an extension no LVS has): TCP ESTABLISHED and FIN_WAIT and the UDP
 * timeout for this service only, in seconds; 0 keeps the engine-wide value for that state.
 * Applies to packets from now on (each packet re-arms its conn with the current timeout).
 */
export function setServiceTimeouts(
  st: EngineState,
  svc: Service,
  tcpSec: number,
  tcpFinSec: number,
  udpSec: number,
): void {
  svc.timeoutOverride[0] = tcpSec;
  svc.timeoutOverride[1] = tcpFinSec;
  svc.timeoutOverride[2] = udpSec;
  rebuildServiceTimeouts(st, svc);
}

/** The service's TCP table: the engine's with this service's overrides on top. */
function rebuildServiceTimeouts(st: EngineState, svc: Service): void {
  const [tcpSec, tcpFinSec, udpSec] = svc.timeoutOverride;
  if (tcpSec === 0 && tcpFinSec === 0) {
    svc.tcpTimeoutsMs = null;
  } else {
    const t = Float64Array.from(st.tcpTimeoutsMs);
    if (tcpSec! > 0) t[TcpState.Established] = tcpSec! * 1000;
    if (tcpFinSec! > 0) t[TcpState.FinWait] = tcpFinSec! * 1000;
    svc.tcpTimeoutsMs = t;
  }
  svc.udpTimeoutMs = udpSec! * 1000;
}

/** The current `--set` triple in seconds. */
export function getTimeouts(st: EngineState): { tcp: number; tcpFin: number; udp: number } {
  return {
    tcp: st.tcpTimeoutsMs[TcpState.Established]! / 1000,
    tcpFin: st.tcpTimeoutsMs[TcpState.FinWait]! / 1000,
    udp: st.udpTimeoutMs / 1000,
  };
}

/** A static or learned neighbour: the MAC of `addr`; every dest with that address uses it. */
export function setNeighbor(st: EngineState, af: 4 | 6, addr: Uint32Array, mac: number): void {
  st.neighbors.set(neighborKey(af, addr), mac);
  for (const d of st.dests) if (d !== null && d.af === af && sameWords(d.addr, addr)) d.mac = mac;
}

function neighborOf(st: EngineState, af: 4 | 6, addr: Uint32Array): number {
  return st.neighbors.get(neighborKey(af, addr)) ?? -1;
}

function neighborKey(af: number, a: Uint32Array): string {
  return [af, a[0], a[1], a[2], a[3]].join(',');
}

/** A removed dest: reclaimed now if nothing refers to it, else when its conns are gone. */
function retire(st: EngineState, d: Dest): void {
  st.retired.push(d);
  reclaim(st);
}

function reclaim(st: EngineState): void {
  for (let i = st.retired.length - 1; i >= 0; i--) {
    const d = st.retired[i]!;
    if (d.activeConns + d.inactConns + d.persistConns === 0) {
      st.dests[d.id] = null;
      st.retired.splice(i, 1);
    }
  }
}

function sameWords(a: Uint32Array, b: Uint32Array): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
}
