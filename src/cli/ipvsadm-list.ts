/**
 * The text of `ipvsadm -L/-l` (every list layout), `-Lc`, `--timeout` and `--daemon`, as a pure
 * function of the control API's JSON: byte for byte what ipvsadm 1.31 prints for the same table.
 *
 * Owns: print_title, print_service_entry (list formats), print_largenum, list_conn/print_conn,
 * list_timeout; the service and dest sort order (libipvs ipvs_cmp_services / ipvs_cmp_dests via
 * control/rules-sort.ts) unless --nosort.
 * Must not: do I/O or name lookups (reverse names come in as a synchronous `ListNames`, filled
 * by the caller beforehand), import the engine.
 * Invariants: widths, truncation (IPv4 service names to 33 chars, dest names to 28), K/M/G/T
 * suffixes unless --exact, and trailing spaces are ipvsadm's; nothing here depends on the clock.
 * Source: ipvsadm.c 1.31 list_all, list_service, print_title, print_service_entry,
 * print_largenum, fwd_name, fwd_tun_info, addrport_to_anyname, list_conn, print_conn,
 * list_timeout; verified against test/golden/kernel-cases/∗/dump/ipvsadm-∗.txt.
 */
import type { Af } from '../control/addr-text.js';
import { formatIpv4 } from '../control/addr-text.js';
import type { ListOptions } from '../control/ipvsadm-args.js';
import { defaultDest, defaultService, serviceKey } from '../control/model.js';
import type { DestSpec, IpvsTimeouts, Proto, RuleSet, ServiceKey } from '../control/model.js';
import { compareDests, compareServices, glibcMergeSort } from '../control/rules-sort.js';
import { schedFlagsText } from '../control/validate.js';
import type { ConnJson, DestJson, ListJson, ServiceJson } from '../daemon/dataplane.js';

/** Reverse lookups for listings without -n (gethostbyaddr / getservbyport); undefined = numeric. */
export interface ListNames {
  host(af: Af, addr: string): string | undefined;
  service(port: number, proto: Proto): string | undefined;
}

export interface FormatListOptions {
  list: Pick<ListOptions, 'numeric' | 'exact' | 'nosort' | 'style'>;
  /** A listing of one service (`-L -t …`) has no version line. */
  oneService?: boolean;
  names?: ListNames;
  /** The daemon's rule set (from op save): persistence engine and tunnel settings. */
  rules?: RuleSet;
}

/** IPVS version the kernel reports (1.2.1 since 2.6.x); uvs mirrors it for script compatibility. */
export const IPVS_VERSION_TEXT = '1.2.1';

const padR = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const padL = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s);
const FWD_NAME = { nat: 'Masq', tun: 'Tunnel', dr: 'Route' } as const;
const TUN_FLAG = { nocsum: '-c', csum: '+c', remcsum: 'r+c' } as const;

/** print_largenum: `%9llu` below 10^8, else a K/M/G/T suffix; --exact: width max(9, len+1). */
export function largeNum(n: number, exact: boolean): string {
  const v = Math.max(0, Math.floor(n));
  if (exact) {
    const s = String(v);
    return padL(s, s.length <= 8 ? 9 : s.length + 1);
  }
  if (v < 1e8) return padL(String(v), 9);
  if (v < 1e9) return `${padL(String(Math.floor(v / 1e3)), 8)}K`;
  if (v < 1e11) return `${padL(String(Math.floor(v / 1e6)), 8)}M`;
  if (v < 1e14) return `${padL(String(Math.floor(v / 1e9)), 8)}G`;
  return `${padL(String(Math.floor(v / 1e12)), 8)}T`;
}

const afOf = (addr: string): Af => (addr.includes(':') ? 6 : 4);

/** addrport_to_anyname: `a:p` / `[a]:p` numeric, else names where known (snprintf into 60 bytes). */
export function addrPortName(
  af: Af,
  addr: string,
  port: number,
  proto: Proto,
  numeric: boolean,
  names?: ListNames,
): string {
  if (numeric || names === undefined) return af === 6 ? `[${addr}]:${port}` : `${addr}:${port}`;
  const host = names.host(af, addr) ?? addr;
  const serv = names.service(port, proto) ?? String(port);
  const s = af === 6 ? `[${host}]:${serv}` : `${host}:${serv}`;
  return s.slice(0, 59);
}

function title(style: ListOptions['style']): string {
  const head = padR('Prot LocalAddress:Port', 33);
  switch (style) {
    case 'stats':
      return `${head} ${['Conns', 'InPkts', 'OutPkts', 'InBytes', 'OutBytes'].map((s) => padL(s, 8)).join(' ')}\n  -> RemoteAddress:Port\n`;
    case 'rate':
      return `${head} ${['CPS', 'InPPS', 'OutPPS', 'InBPS', 'OutBPS'].map((s) => padL(s, 8)).join(' ')}\n  -> RemoteAddress:Port\n`;
    case 'thresholds':
      return `${head} ${['Uthreshold', 'Lthreshold', 'ActiveConn', 'InActConn'].map((s) => padR(s, 10)).join(' ')}\n  -> RemoteAddress:Port\n`;
    case 'persistent-conn':
      return `${head} ${padR('Weight', 9)} ${padR('PersistConn', 11)} ${padR('ActiveConn', 10)} ${padR('InActConn', 10)}\n  -> RemoteAddress:Port\n`;
    case 'tun-info':
      return 'Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n';
    case 'plain':
      return 'Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n';
  }
}

function specKey(s: ServiceJson): ServiceKey {
  return { af: s.af, proto: s.proto, vaddr: s.vaddr, vport: s.vport, fwmark: 0 };
}

function destSpec(d: DestJson): DestSpec {
  return defaultDest(afOf(d.addr), d.addr, d.port);
}

/** IPv4 prefix words to the dotted mask; IPv6 words to the prefix length. */
function maskText(s: ServiceJson): string | null {
  const w = s.netmask;
  if (s.af === 4) {
    const m = (w[0] ?? 0xffffffff) >>> 0;
    return m === 0xffffffff ? null : formatIpv4(m);
  }
  let bits = 0;
  for (const word of w) bits += popcount(word >>> 0);
  return bits === 128 ? null : String(bits);
}

function popcount(x: number): number {
  let n = 0;
  for (let v = x; v !== 0; v >>>= 1) n += v & 1;
  return n;
}

function serviceRow(s: ServiceJson, opts: FormatListOptions, svcName: string, pe: string): string {
  const { style, exact } = opts.list;
  if (style === 'stats' || style === 'rate') {
    const st = s.stats;
    const nums =
      style === 'stats'
        ? [st.conns, st.inPkts, st.outPkts, st.inBytes, st.outBytes]
        : [st.cps, st.inPps, st.outPps, st.inBps, st.outBps];
    return `${padR(svcName, 33)}${nums.map((n) => largeNum(n, exact)).join('')}\n`;
  }
  let line = `${svcName} ${s.sched}`;
  if (s.schedFlags !== 0) line += ` (${schedFlagsText(s.sched, s.schedFlags)})`;
  if (s.persistent) {
    line += ` persistent ${s.persistTimeout}`;
    const mask = maskText(s);
    if (mask !== null) line += ` mask ${mask}`;
    if (pe !== '') line += ` pe ${pe}`;
  }
  if (s.onePacket) line += ' ops';
  return `${line}\n`;
}

function tunInfo(d: DestJson, rule: DestSpec | undefined): string {
  if (d.fwd !== 'tun') return 'n/a';
  const type = rule?.tunType ?? 'ipip';
  const csum = TUN_FLAG[rule?.tunCsum ?? 'nocsum'];
  if (type === 'ipip') return 'ipip';
  if (type === 'gue') return `gue:${rule?.tunPort ?? 0}:${csum}`;
  return `gre:${csum}`;
}

function destRow(d: DestJson, dname: string, opts: FormatListOptions, rule: DestSpec | undefined): string {
  const { style, exact } = opts.list;
  const u = (n: number, w: number): string => padR(String(n >>> 0), w);
  switch (style) {
    case 'stats': {
      const t = d.stats;
      const nums = [t.conns, t.inPkts, t.outPkts, t.inBytes, t.outBytes];
      return `  -> ${padR(dname, 28)}${nums.map((n) => largeNum(n, exact)).join('')}\n`;
    }
    case 'rate': {
      const t = d.stats;
      const small = [t.cps, t.inPps, t.outPps].map((n) => ` ${padL(String(n >>> 0), 8)}`).join('');
      return `  -> ${padR(dname, 28)}${small}${largeNum(t.inBps, exact)}${largeNum(t.outBps, exact)}\n`;
    }
    case 'thresholds':
      return `  -> ${padR(dname, 28)} ${u(d.uThreshold, 10)} ${u(d.lThreshold, 10)} ${u(d.activeConns, 10)} ${u(d.inactConns, 10)}\n`;
    case 'persistent-conn':
      return `  -> ${padR(dname, 28)} ${u(d.weight, 9)} ${u(d.persistConns, 11)} ${u(d.activeConns, 10)} ${u(d.inactConns, 10)}\n`;
    case 'tun-info':
      return `  -> ${padR(dname, 28)} ${padR(FWD_NAME[d.fwd], 7)} ${padR(tunInfo(d, rule), 13)} ${padR(String(d.weight | 0), 6)} ${u(d.activeConns, 10)} ${u(d.inactConns, 10)}\n`;
    case 'plain':
      return `  -> ${padR(dname, 28)} ${padR(FWD_NAME[d.fwd], 7)} ${padR(String(d.weight | 0), 6)} ${u(d.activeConns, 10)} ${u(d.inactConns, 10)}\n`;
  }
}

/** `ipvsadm -L[n] [options]` (all services) or `-L … -t|-u SVC` (one service, no version line). */
export function formatList(list: ListJson, opts: FormatListOptions): string {
  const { numeric, nosort } = opts.list;
  let out =
    opts.oneService === true
      ? ''
      : `IP Virtual Server version ${IPVS_VERSION_TEXT} (size=${list.connTableSize})\n`;
  out += title(opts.list.style);
  const services = nosort
    ? list.services
    : glibcMergeSort(list.services, (a, b) =>
        compareServices(defaultService(specKey(a)), defaultService(specKey(b))),
      );
  const rules = new Map((opts.rules?.services ?? []).map((r) => [serviceKey(r.svc), r]));
  for (const s of services) {
    const rule = rules.get(serviceKey(specKey(s)));
    let svcName = `${s.proto.toUpperCase()}  ${addrPortName(s.af, s.vaddr, s.vport, s.proto, numeric, opts.names)}`;
    if (s.af !== 6) svcName = svcName.slice(0, 33);
    out += serviceRow(s, opts, svcName, rule?.svc.pe ?? '');
    const dests = nosort
      ? s.dests
      : glibcMergeSort(s.dests, (a, b) => compareDests(destSpec(a), destSpec(b)));
    for (const d of dests) {
      let dname = addrPortName(afOf(d.addr), d.addr, d.port, s.proto, numeric, opts.names);
      if (s.af !== 6) dname = dname.slice(0, 28);
      const dr = rule?.dests.find((x) => x.daddr === d.addr && x.dport === d.port);
      out += destRow(d, dname, opts, dr);
    }
  }
  return out;
}

/** `ipvsadm -Lc[n]`: the connection entries (with --persistent-conn the extra pe title columns). */
export function formatConns(
  conns: readonly ConnJson[],
  opts: { numeric: boolean; persistentConn: boolean; names?: ListNames },
): string {
  let out = 'IPVS connection entries\n';
  out += opts.persistentConn
    ? `pro expire ${padR('state', 11)} ${padR('source', 18)} ${padR('virtual', 18)} ${padR('destination', 18)} ${padR('pe name', 16)} pe_data\n`
    : `pro expire ${padR('state', 11)} ${padR('source', 18)} ${padR('virtual', 18)} destination\n`;
  for (const c of conns) {
    const proto: Proto = c.proto === 'UDP' ? 'udp' : 'tcp';
    const af = afOf(c.caddr);
    const name = (addr: string, port: number): string =>
      addrPortName(af, addr, port, proto, opts.numeric, opts.names);
    const secs = Math.max(0, Math.floor(c.expiresMs / 1000));
    const expire = `${String(Math.floor(secs / 60)).padStart(2, '0')}:${String(secs % 60).padStart(2, '0')}`;
    out += `${padR(c.proto, 3)} ${padR(expire, 6)} ${padR(c.state, 11)} ${padR(name(c.caddr, c.cport), 18)} ${padR(name(c.vaddr, c.vport), 18)} ${name(c.daddr, c.dport)}\n`;
  }
  return out;
}

/** `ipvsadm -L --timeout`. */
export function formatTimeouts(t: IpvsTimeouts): string {
  return `Timeout (tcp tcpfin udp): ${t.tcp} ${t.tcpFin} ${t.udp}\n`;
}

/** `ipvsadm -L --daemon`: uvs runs no sync daemon yet, so nothing (as ipvsadm with none running). */
export function formatDaemons(): string {
  return '';
}
