/**
 * TCP and UDP through the director: find or create the conn, step its state, count it, and hand
 * the frame to the conn's forwarder; NAT replies go back un-NATed.
 *
 * Kernel parity, net/netfilter/ipvs/ip_vs_core.c `ip_vs_in_hook()` / `ip_vs_out_hook()`:
 * - new conns only from a TCP SYN without RST (`tcp_conn_schedule()`) or any UDP datagram;
 * - a SYN meeting an uncontrolled conn in TIME_WAIT (or CLOSE) reschedules it in place
 *   (`conn_reuse_mode`, without the kernel's conntrack drop: no one-second stall);
 * - a conn whose dest was removed drops its packets, or with expire_nodest_conn is expired and
 *   the packet rescheduled;
 * - persistence (`ip_vs_sched_persist()`): a template <proto, caddr & mask, 0, vaddr, vport>
 *   picks the dest without the scheduler while its dest is available;
 * - one-packet scheduling (`-o`, UDP): each datagram scheduled alone, no conn kept;
 * - the state is updated and the packet counted before the TTL check; a TTL <= 1 gets ICMP time
 *   exceeded from the VIP, counted as OutPkts of the conn (kernel-cases dr-ttl1); the MTU check
 *   comes after the TTL decrement, so fragmentation needed / packet too big quotes TTL - 1;
 * - a NAT reply with TTL <= 1 never reaches IPVS (ip_forward answers it): its conn is untouched;
 * - GSO super-frames (offload.ts): the MTU check compares one segment; TUN and links without
 *   offload cannot send them (gso_unsupported); TUN completes a partial checksum first.
 * Must not: allocate, throw, or read a clock.
 */
import { bindDest, setConnActive, unbindDest } from './conn/bind.js';
import { CONN_F_INACTIVE, CONN_F_NOOUTPUT, CONN_F_TEMPLATE } from './conn/flags.js';
import { Dir, TcpState, TCP_RST, TCP_SYN, tcpNextState, tcpStateActive } from './conn/tcp-state.js';
import type { DirCode } from './conn/tcp-state.js';
import { icmp4ErrorInPlace, icmp6ErrorInPlace } from './local-reply.js';
import { completePartial, isGso, isPartial, segmentIpLen } from './offload.js';
import type { PacketCtx } from './packet-ctx.js';
import { DEST_F_AVAILABLE, Fwd, type Dest } from './service/dest.js';
import { SVC_F_ONEPACKET, SVC_F_PERSISTENT, type Service } from './service/service.js';
import type { EngineState } from './state.js';
import { Drop, Verdict } from './verdict.js';
import { forwardDr } from './xmit/dr.js';
import { natIn, natOut } from './xmit/nat.js';
import { forwardTun, tunOverhead } from './xmit/tun.js';

const TCP = 6;
/** ipvsadm's template state after a controlled conn reached ESTABLISHED (ip_vs_control_assure_ct). */
export const TEMPLATE_ASSURED = 1;

/** HOT PATH. A TCP/UDP packet addressed to a VIP. */
export function handleToVip(st: EngineState, ctx: PacketCtx, now: number): number {
  const f = ctx.flow;
  const conns = st.conns;
  let i = conns.lookupIn(f.af, f.proto, f.saddr, f.sport, f.daddr, f.dport, now);
  if (i >= 0) {
    const d = st.dests[conns.dest[i]!]!;
    if (f.proto === TCP && (ctx.tcpFlags & TCP_SYN) !== 0 && conns.control[i]! < 0) {
      const s = conns.state[i]!;
      if (s === TcpState.TimeWait || s === TcpState.Close) {
        conns.remove(i);
        i = -1;
      }
    }
    if (i >= 0 && (d.flags & DEST_F_AVAILABLE) === 0) {
      if (!st.expireNodestConn) return st.drop(Drop.DestUnavailable);
      conns.remove(i);
      i = -1;
    }
  }
  if (i < 0) {
    // A VIP as the source would be a loop (hostile-inputs row 23); checked only where a conn
    // could be made, so established packets pay no second hash.
    if (st.services.isVip(f.af, f.saddr)) return st.drop(Drop.Martian);
    const svc = st.services.find(f.af, f.proto, f.daddr, f.dport);
    if (svc === null) return st.drop(Drop.UnknownPort);
    if (f.proto === TCP && ((ctx.tcpFlags & TCP_SYN) === 0 || (ctx.tcpFlags & TCP_RST) !== 0)) {
      return st.drop(Drop.NoConn);
    }
    if ((svc.flags & SVC_F_ONEPACKET) !== 0 && f.proto !== TCP && (svc.flags & SVC_F_PERSISTENT) === 0) {
      return onePacket(st, ctx, svc, now);
    }
    i =
      (svc.flags & SVC_F_PERSISTENT) !== 0 ? schedulePersist(st, ctx, svc, now) : schedule(st, ctx, svc, now);
    if (i < 0) return noDest(st, ctx, -i);
  }
  return inbound(st, ctx, i, now);
}

/** HOT PATH. A TCP/UDP packet not addressed to a VIP: a NAT reply, or not ours. */
export function handleFromServer(st: EngineState, ctx: PacketCtx, now: number): number {
  const f = ctx.flow;
  const conns = st.conns;
  const i = conns.lookupOut(f.af, f.proto, f.saddr, f.sport, f.daddr, f.dport, now);
  if (i < 0) {
    st.passed++;
    return Verdict.Pass;
  }
  if (ctx.ttl <= 1) {
    // The kernel's ip_forward answers before IPVS sees the reply (so the conn is not touched):
    // from the director's address.
    st.drops[Drop.TtlExceeded]!++;
    if (f.af === 4 && st.localIp4 !== 0 && icmp4ErrorInPlace(st, ctx, 11, 0, 0, st.localIp4))
      return Verdict.Tx;
    if (f.af === 6 && st.hasIp6 && icmp6ErrorInPlace(st, ctx, 3, 0, 0, st.localIp6)) return Verdict.Tx;
    return Verdict.Drop;
  }
  const d = st.dests[conns.dest[i]!]!;
  if (f.proto === TCP) setState(st, i, d, Dir.Output, ctx.tcpFlags);
  conns.setExpires(i, now + timeoutOf(st, i));
  const svc = st.svcs[d.svcId]!;
  d.stats.addOut(ctx.ipLen);
  svc.stats.addOut(ctx.ipLen);
  st.stats.addOut(ctx.ipLen);
  if (!st.offload && isGso(ctx)) return st.drop(Drop.GsoUnsupported);
  conns.readVaddr(i, ctx.scratchA);
  natOut(st, ctx, ctx.scratchA, conns.vport[i]!, macOf(st, i));
  return Verdict.Tx;
}

function macOf(st: EngineState, i: number): number {
  return st.conns.macHi[i]! * 0x10000 + st.conns.macLo[i]!;
}

/** The timeout for conn i's current state, in ms. */
function timeoutOf(st: EngineState, i: number): number {
  const conns = st.conns;
  const svc = st.svcs[st.dests[conns.dest[i]!]!.svcId];
  if (conns.proto[i] === TCP) {
    const table = svc && svc.tcpTimeoutsMs !== null ? svc.tcpTimeoutsMs : st.tcpTimeoutsMs;
    return table[conns.state[i]!]!;
  }
  return svc && svc.udpTimeoutMs > 0 ? svc.udpTimeoutMs : st.udpTimeoutMs;
}

/** set_tcp_state(): the next state, the dest's active/inactive move, template assurance. */
function setState(st: EngineState, i: number, d: Dest, dir: DirCode, tcpFlags: number): void {
  const conns = st.conns;
  let flags = conns.flags[i]!;
  if ((flags & CONN_F_NOOUTPUT) !== 0) {
    if (dir === Dir.Output) {
      flags &= ~CONN_F_NOOUTPUT;
    } else {
      dir = Dir.InputOnly;
    }
  }
  const old = conns.state[i]!;
  const next = tcpNextState(old, dir, tcpFlags, st.secureTcp);
  if (next !== old) {
    const active = tcpStateActive(next);
    if ((flags & CONN_F_INACTIVE) === 0 && !active) {
      setConnActive(d, false);
      flags |= CONN_F_INACTIVE;
    } else if ((flags & CONN_F_INACTIVE) !== 0 && active) {
      setConnActive(d, true);
      flags &= ~CONN_F_INACTIVE;
    }
    if (next === TcpState.Established) {
      const t = conns.control[i]!;
      if (t >= 0) conns.state[t] = TEMPLATE_ASSURED;
    }
    conns.state[i] = next;
  }
  conns.flags[i] = flags;
}

/** Client -> real server on conn i: state, expiry, counters, then the TTL check and the forwarder. */
function inbound(st: EngineState, ctx: PacketCtx, i: number, now: number): number {
  const conns = st.conns;
  const d = st.dests[conns.dest[i]!]!;
  if (ctx.flow.proto === TCP) setState(st, i, d, Dir.Input, ctx.tcpFlags);
  conns.setExpires(i, now + timeoutOf(st, i));
  if (conns.fwd[i] === Fwd.Nat) {
    // The reply's next hop: the source MAC of the client's request (ARCHITECTURE §7).
    const b = ctx.bytes;
    const m = ctx.off + 6;
    const hi = ((b[m]! << 24) | (b[m + 1]! << 16) | (b[m + 2]! << 8) | b[m + 3]!) >>> 0;
    const lo = (b[m + 4]! << 8) | b[m + 5]!;
    if (conns.macHi[i] !== hi || conns.macLo[i] !== lo) {
      conns.macHi[i] = hi;
      conns.macLo[i] = lo;
    }
  }
  const svc = st.svcs[d.svcId]!;
  d.stats.addIn(ctx.ipLen);
  svc.stats.addIn(ctx.ipLen);
  st.stats.addIn(ctx.ipLen);
  return transmit(st, ctx, d, svc, conns.fwd[i]!, conns.dport(i));
}

/**
 * The TTL and MTU checks, then the forwarding method. ICMP errors the director sends about the
 * packet count as out traffic of the dest and service, as the kernel's LOCAL_OUT hook does.
 */
function transmit(
  st: EngineState,
  ctx: PacketCtx,
  d: Dest,
  svc: Service,
  fwd: number,
  dport: number,
): number {
  const v4 = ctx.flow.af === 4;
  if (ctx.ttl <= 1) {
    const ok = v4
      ? icmp4ErrorInPlace(st, ctx, 11, 0, 0, ctx.flow.daddr[0]!)
      : icmp6ErrorInPlace(st, ctx, 3, 0, 0, ctx.flow.daddr);
    st.drops[Drop.TtlExceeded]!++;
    return ok ? localOut(st, ctx, d, svc) : Verdict.Drop;
  }
  if (d.mac < 0) return st.drop(Drop.NoNeighbor);
  const gso = isGso(ctx);
  const ipLen = gso ? segmentIpLen(ctx) : ctx.ipLen;
  const size = ipLen + (fwd === Fwd.Tun ? tunOverhead(d) : 0);
  if (size > st.mtu) {
    // __ip_vs_get_out_rt() decrements the TTL before ensure_mtu_is_adequate(): the error quotes
    // the packet with its TTL (and IPv4 header checksum) already updated.
    const mtu = st.mtu - (size - ipLen);
    st.drops[Drop.TooBig]!++;
    if (v4) {
      if (!ctx.ip4.df()) return Verdict.Drop; // fragmenting on the director is not done
      ctx.ip4.decTtl();
      return icmp4ErrorInPlace(st, ctx, 3, 4, mtu & 0xffff, ctx.flow.daddr[0]!)
        ? localOut(st, ctx, d, svc)
        : Verdict.Drop;
    }
    ctx.ip6.decHopLimit();
    return icmp6ErrorInPlace(st, ctx, 2, 0, mtu, ctx.flow.daddr) ? localOut(st, ctx, d, svc) : Verdict.Drop;
  }
  if (gso && (fwd === Fwd.Tun || !st.offload)) return st.drop(Drop.GsoUnsupported);
  if (fwd === Fwd.Tun && isPartial(ctx)) completePartial(ctx);
  if (fwd === Fwd.Dr) {
    forwardDr(st, ctx, d);
  } else if (fwd === Fwd.Nat) {
    natIn(st, ctx, d, dport);
  } else if (!forwardTun(st, ctx, d)) {
    return st.drop(Drop.NoRoom);
  }
  return Verdict.Tx;
}

function localOut(st: EngineState, ctx: PacketCtx, d: Dest, svc: Service): number {
  const ipLen = ctx.outLen - (ctx.l3off - ctx.outOff);
  d.stats.addOut(ipLen);
  svc.stats.addOut(ipLen);
  st.stats.addOut(ipLen);
  return Verdict.Tx;
}

/** No usable dest: ICMP port unreachable from the VIP (ip_vs_leave), counted. */
function noDest(st: EngineState, ctx: PacketCtx, reason: number): number {
  st.drops[reason]!++;
  if (reason !== Drop.NoDest) return Verdict.Drop;
  const ok =
    ctx.flow.af === 4
      ? icmp4ErrorInPlace(st, ctx, 3, 3, 0, ctx.flow.daddr[0]!)
      : icmp6ErrorInPlace(st, ctx, 1, 4, 0, ctx.flow.daddr);
  return ok ? Verdict.Tx : Verdict.Drop;
}

function connFlagsFor(d: Dest): number {
  return d.fwd === Fwd.Nat ? CONN_F_INACTIVE : CONN_F_INACTIVE | CONN_F_NOOUTPUT;
}

/** A new conn for the packet's flow on a dest the scheduler picks; -Drop code on failure. */
function schedule(st: EngineState, ctx: PacketCtx, svc: Service, now: number): number {
  const d = svc.sched.schedule(ctx.flow, now);
  if (d === null) return -Drop.NoDest;
  return newConn(st, ctx, svc, d, -1, now);
}

function newConn(
  st: EngineState,
  ctx: PacketCtx,
  svc: Service,
  d: Dest,
  template: number,
  now: number,
): number {
  const f = ctx.flow;
  const i = st.conns.create(
    f.af,
    f.proto,
    f.saddr,
    f.sport,
    f.daddr,
    f.dport,
    d,
    d.fwd,
    connFlagsFor(d),
    TcpState.None,
    now + 3000,
    template,
  );
  if (i < 0) return -Drop.TableFull;
  d.stats.conns++;
  svc.stats.conns++;
  st.stats.conns++;
  return i;
}

/** ip_vs_sched_persist(): reuse the client's template while its dest is usable, else schedule. */
function schedulePersist(st: EngineState, ctx: PacketCtx, svc: Service, now: number): number {
  const f = ctx.flow;
  const conns = st.conns;
  const snet = ctx.scratchA;
  for (let w = 0; w < 4; w++) snet[w] = f.saddr[w]! & svc.netmask[w]!;
  const tport = svc.vport === 0 ? 0 : f.dport;
  let t = conns.lookupTemplate(f.af, f.proto, snet, f.daddr, tport, now);
  let d: Dest | null = null;
  if (t >= 0) {
    const td = st.dests[conns.dest[t]!]!;
    if ((td.flags & DEST_F_AVAILABLE) !== 0 && !(st.expireQuiescentTemplate && td.weight === 0)) {
      d = td;
      conns.setExpires(t, now + svc.persistMs);
    } else {
      conns.invalidateTemplate(t);
      t = -1;
    }
  }
  if (d === null) {
    d = svc.sched.schedule(f, now);
    if (d === null) return -Drop.NoDest;
    t = conns.create(
      f.af,
      f.proto,
      snet,
      0,
      f.daddr,
      tport,
      d,
      d.fwd,
      CONN_F_TEMPLATE,
      0,
      now + svc.persistMs,
      -1,
    );
    if (t < 0) return -Drop.TableFull;
  }
  return newConn(st, ctx, svc, d, t, now);
}

/** One-packet scheduling: schedule this datagram alone, count it as a conn, keep nothing. */
function onePacket(st: EngineState, ctx: PacketCtx, svc: Service, now: number): number {
  const d = svc.sched.schedule(ctx.flow, now);
  if (d === null) return noDest(st, ctx, Drop.NoDest);
  // The kernel binds and immediately frees an unhashed conn: counters net to zero but the
  // OVERLOAD flag is evaluated as it would be.
  bindDest(d, CONN_F_INACTIVE);
  unbindDest(d, CONN_F_INACTIVE);
  d.stats.conns++;
  svc.stats.conns++;
  st.stats.conns++;
  d.stats.addIn(ctx.ipLen);
  svc.stats.addIn(ctx.ipLen);
  st.stats.addIn(ctx.ipLen);
  return transmit(st, ctx, d, svc, d.fwd, d.port !== 0 ? d.port : ctx.flow.dport);
}
