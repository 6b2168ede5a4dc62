/**
 * Per-service and per-dest counters as plain data (for `uvs replay` summaries and, later, the
 * control API's list replies). Dests are listed in kernel order (newest first).
 */
import type { EngineState } from '../engine/state.js';
import type { Stats } from '../engine/stats.js';
import { formatIpv4Addr, formatIpv6Addr } from '../wire/addr.js';

export interface Counters {
  conns: number;
  inPkts: number;
  outPkts: number;
  inBytes: number;
  outBytes: number;
}

export interface DestSummary extends Counters {
  addr: string;
  fwd: 'dr' | 'tun' | 'nat';
  weight: number;
  activeConns: number;
  inactConns: number;
  persistConns: number;
}

export interface ServiceSummary extends Counters {
  proto: 'tcp' | 'udp';
  addr: string;
  sched: string;
  dests: DestSummary[];
}

const FWD_NAMES = ['nat', 'tun', 'dr'] as const;

/** An engine address (four host-order words, IPv4 in word 0) as text. */
export function addrText(af: number, words: ArrayLike<number>): string {
  return af === 4 ? formatIpv4Addr(words[0]!) : formatIpv6Addr(Uint32Array.from(words));
}

/** `addr:port`, IPv6 in brackets, as ipvsadm prints it. */
export function addrPort(af: 4 | 6, words: Uint32Array, port: number): string {
  return af === 4 ? `${addrText(af, words)}:${port}` : `[${addrText(af, words)}]:${port}`;
}

function counters(s: Stats): Counters {
  return { conns: s.conns, inPkts: s.inPkts, outPkts: s.outPkts, inBytes: s.inBytes, outBytes: s.outBytes };
}

export function serviceSummaries(st: EngineState): ServiceSummary[] {
  return st.services.all.map((svc) => ({
    proto: svc.proto === 6 ? 'tcp' : 'udp',
    addr: addrPort(svc.af, svc.vaddr, svc.vport),
    sched: svc.schedName,
    ...counters(svc.stats),
    dests: svc.dests.map((d) => ({
      addr: addrPort(d.af, d.addr, d.port),
      fwd: FWD_NAMES[d.fwd],
      weight: d.weight,
      activeConns: d.activeConns,
      inactConns: d.inactConns,
      persistConns: d.persistConns,
      ...counters(d.stats),
    })),
  }));
}
