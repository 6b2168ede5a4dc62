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
import type { DestSpec, RuleSet, ServiceSpec } from './model.js';
import {
  addDest,
  addService,
  ConfigErr,
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

/**
 * Load a rule set into an engine that has no services yet, in file order (so dest list order,
 * and with it every scheduler's pick order, matches what `ipvsadm -R` builds in the kernel).
 * Everything is converted and checked before the first change, so an error applies nothing.
 */
export function loadRuleSet(st: EngineState, rs: RuleSet, timeouts: IpvsTimeouts | null): void {
  const plan = rs.services.map((r) => ({ svc: serviceParams(r.svc), dests: r.dests.map(destParams) }));
  for (const p of plan) {
    if (getScheduler(p.svc.sched) === null) throw configError(ConfigErr.BadScheduler);
    for (const d of p.dests) {
      if (d.lThreshold !== 0 && d.uThreshold !== 0 && d.lThreshold > d.uThreshold)
        throw configError(ConfigErr.BadThreshold);
    }
  }
  for (const p of plan) {
    const id = addService(st, p.svc);
    if (id < 0) throw configError(id);
    const svc = st.svcs[id]!;
    for (const d of p.dests) {
      const rc = addDest(st, svc, d);
      if (rc < 0) throw configError(rc);
    }
  }
  if (timeouts !== null) setTimeouts(st, timeouts.tcp, timeouts.tcpFin, timeouts.udp);
}
