/**
 * Applying a validated RuleSet to an engine: the bridge from the control model (text addresses,
 * named methods) to the engine's numeric configuration calls (src/engine/engine-config.ts).
 *
 * Owns: the conversions (addresses to words, protocol names to numbers, ipvsadm flag bits to the
 * kernel's IP_VS_SVC_F_* bits, netmasks and prefix lengths to masks) and the mapping of the
 * engine's ConfigErr codes to UvsErrors. Refuses, with UVS_ERR_UNSUPPORTED, what the engine does
 * not forward yet (fwmark and SCTP services, GUE/GRE tunnels).
 */
import { addrWords } from './addr-text.js';
import { UvsError, IPVS_MSG } from './errors.js';
import { destKey, emptyRuleSet, serviceKey, type DestSpec, type RuleSet, type ServiceSpec } from './model.js';
import {
  addDest,
  addService,
  ConfigErr,
  delDest,
  delService,
  editDest,
  editService,
  exactService,
  setTimeouts,
  type DestParams,
  type ServiceParams,
} from '../engine/engine-config.js';
import { Fwd } from '../engine/service/dest.js';
import { getScheduler } from '../engine/sched/index.js';
import type { EngineState } from '../engine/state.js';
import type { IpvsTimeouts } from './model.js';

const PROTO: Record<string, number> = { tcp: 6, udp: 17 };
const SVC_F_PERSISTENT = 0x1;
const SVC_F_ONEPACKET = 0x4;

/** The engine's service parameters for a service spec. */
export function serviceParams(s: ServiceSpec): ServiceParams {
  if (s.fwmark !== 0)
    throw new UvsError('UVS_ERR_UNSUPPORTED', 'firewall-mark services are not supported yet');
  const proto = PROTO[s.proto];
  if (proto === undefined)
    throw new UvsError('UVS_ERR_UNSUPPORTED', `${s.proto.toUpperCase()} services are not supported yet`);
  let flags = 0;
  if (s.flags.persistent) flags |= SVC_F_PERSISTENT;
  if (s.flags.onePacket) flags |= SVC_F_ONEPACKET;
  flags |= (s.flags.schedFlags & 0x7) << 3; // flag-1..3 -> IP_VS_SVC_F_SCHED1..3 (0x08..0x20)
  return {
    af: s.af,
    proto,
    vaddr: Uint32Array.from(addrWords(s.af, s.vaddr)),
    vport: s.vport,
    sched: s.sched,
    flags,
    persistSec: s.timeout,
    netmask: maskWords(s.af, s.netmask),
  };
}

/** The persistence mask as four words: IPv4 takes the mask itself, IPv6 a prefix length. */
export function maskWords(af: 4 | 6, netmask: number): Uint32Array {
  const m = new Uint32Array(4);
  if (af === 4) {
    m[0] = netmask >>> 0;
    return m;
  }
  let bits = netmask;
  for (let w = 0; w < 4; w++) {
    const take = Math.max(0, Math.min(32, bits));
    m[w] = take === 0 ? 0 : (0xffffffff << (32 - take)) >>> 0;
    bits -= take;
  }
  return m;
}

/** The engine's dest parameters for a dest spec. */
export function destParams(d: DestSpec): DestParams {
  if (d.fwd === 'tun' && d.tunType !== 'ipip') {
    throw new UvsError('UVS_ERR_UNSUPPORTED', `--tun-type ${d.tunType} is not supported yet (ipip only)`);
  }
  return {
    af: d.af,
    addr: Uint32Array.from(addrWords(d.af, d.daddr)),
    port: d.dport,
    fwd: d.fwd === 'dr' ? Fwd.Dr : d.fwd === 'tun' ? Fwd.Tun : Fwd.Nat,
    weight: d.weight,
    uThreshold: d.uThreshold,
    lThreshold: d.lThreshold,
  };
}

/** A UvsError for an engine ConfigErr code. */
export function configError(code: number): UvsError {
  switch (code) {
    case ConfigErr.ServiceExists:
      return new UvsError('UVS_ERR_SERVICE_EXISTS', IPVS_MSG.serviceExists);
    case ConfigErr.NoSuchService:
      return new UvsError('UVS_ERR_NO_SUCH_SERVICE', IPVS_MSG.noSuchService);
    case ConfigErr.DestExists:
      return new UvsError('UVS_ERR_DEST_EXISTS', IPVS_MSG.destExists);
    case ConfigErr.NoSuchDest:
      return new UvsError('UVS_ERR_NO_SUCH_DEST', IPVS_MSG.noSuchDest);
    case ConfigErr.BadScheduler:
      return new UvsError('UVS_ERR_BAD_SCHEDULER', IPVS_MSG.schedNotFound);
    case ConfigErr.BadThreshold:
      return new UvsError('UVS_ERR_BAD_THRESHOLD', IPVS_MSG.erange);
    default:
      return new UvsError('UVS_ERR_INVALID', IPVS_MSG.invalid);
  }
}

/** One planned engine change; everything is converted before the first change is made. */
type Step =
  | { kind: 'del-svc'; svc: ServiceParams }
  | { kind: 'edit-svc'; svc: ServiceParams }
  | { kind: 'add-svc'; svc: ServiceParams }
  | { kind: 'del-dest'; svc: ServiceParams; dest: DestParams }
  | { kind: 'edit-dest'; svc: ServiceParams; dest: DestParams }
  | { kind: 'add-dest'; svc: ServiceParams; dest: DestParams };

function sameService(a: ServiceSpec, b: ServiceSpec): boolean {
  return (
    a.sched === b.sched &&
    a.timeout === b.timeout &&
    a.netmask === b.netmask &&
    a.pe === b.pe &&
    a.flags.persistent === b.flags.persistent &&
    a.flags.onePacket === b.flags.onePacket &&
    a.flags.schedFlags === b.flags.schedFlags
  );
}

function sameDest(a: DestSpec, b: DestSpec): boolean {
  return (
    a.fwd === b.fwd &&
    a.weight === b.weight &&
    a.uThreshold === b.uThreshold &&
    a.lThreshold === b.lThreshold &&
    a.tunType === b.tunType &&
    a.tunPort === b.tunPort &&
    a.tunCsum === b.tunCsum
  );
}

/** The engine changes that turn rule set `from` into `to` (deletions, then edits, then additions). */
export function planSync(from: RuleSet, to: RuleSet): Step[] {
  const before = new Map(from.services.map((r) => [serviceKey(r.svc), r]));
  const after = new Map(to.services.map((r) => [serviceKey(r.svc), r]));
  const dels: Step[] = [];
  const edits: Step[] = [];
  const adds: Step[] = [];
  for (const [k, r] of before) if (!after.has(k)) dels.push({ kind: 'del-svc', svc: serviceParams(r.svc) });
  for (const [k, r] of after) {
    const svc = serviceParams(r.svc);
    const old = before.get(k);
    if (old === undefined) {
      adds.push({ kind: 'add-svc', svc });
      for (const d of r.dests) adds.push({ kind: 'add-dest', svc, dest: destParams(d) });
      continue;
    }
    if (!sameService(old.svc, r.svc)) edits.push({ kind: 'edit-svc', svc });
    const oldDests = new Map(old.dests.map((d) => [destKey(d), d]));
    const newDests = new Map(r.dests.map((d) => [destKey(d), d]));
    for (const [dk, d] of oldDests)
      if (!newDests.has(dk)) dels.push({ kind: 'del-dest', svc, dest: destParams(d) });
    for (const d of r.dests) {
      const o = oldDests.get(destKey(d));
      if (o === undefined) adds.push({ kind: 'add-dest', svc, dest: destParams(d) });
      else if (!sameDest(o, d)) edits.push({ kind: 'edit-dest', svc, dest: destParams(d) });
    }
  }
  return [...dels, ...edits, ...adds];
}

/**
 * Make the engine's services and dests equal `to`, given that they equal `from` now: services and
 * dests that did not change are not touched, so their conns, counters and scheduler state survive
 * (SIGHUP reload, control-socket changes). New dests are added in rule-set order, so each goes to
 * the head of its list as `ipvsadm -a` would put it. Everything is converted and checked first;
 * an error changes nothing.
 */
export function syncRuleSet(st: EngineState, from: RuleSet, to: RuleSet): void {
  const steps = planSync(from, to);
  for (const s of steps) {
    if ((s.kind === 'add-svc' || s.kind === 'edit-svc') && getScheduler(s.svc.sched) === null) {
      throw configError(ConfigErr.BadScheduler);
    }
    if (
      (s.kind === 'add-dest' || s.kind === 'edit-dest') &&
      s.dest.lThreshold !== 0 &&
      s.dest.uThreshold !== 0
    ) {
      if (s.dest.lThreshold > s.dest.uThreshold) throw configError(ConfigErr.BadThreshold);
    }
  }
  for (const s of steps) {
    if (s.kind === 'add-svc') {
      const id = addService(st, s.svc);
      if (id < 0) throw configError(id);
      continue;
    }
    const svc = exactService(st, s.svc);
    if (svc === null) throw configError(ConfigErr.NoSuchService);
    if (s.kind === 'del-svc') delService(st, svc);
    else if (s.kind === 'edit-svc') {
      const rc = editService(st, svc, s.svc);
      if (rc < 0) throw configError(rc);
    } else if (s.kind === 'add-dest') {
      const rc = addDest(st, svc, s.dest);
      if (rc < 0) throw configError(rc);
    } else {
      const d = svc.findDest(s.dest.addr, s.dest.port);
      if (d === null) throw configError(ConfigErr.NoSuchDest);
      if (s.kind === 'del-dest') delDest(st, svc, d);
      else {
        const rc = editDest(svc, d, s.dest);
        if (rc < 0) throw configError(rc);
      }
    }
  }
}

/**
 * Load a rule set into an engine that has no services yet, in file order (so dest list order,
 * and with it every scheduler's pick order, matches what `ipvsadm -R` builds in the kernel).
 */
export function loadRuleSet(st: EngineState, rs: RuleSet, timeouts: IpvsTimeouts | null): void {
  syncRuleSet(st, emptyRuleSet(), rs);
  if (timeouts !== null) setTimeouts(st, timeouts.tcp, timeouts.tcpFin, timeouts.udp);
}
