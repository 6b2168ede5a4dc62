// The per-option half of the ipvsadm 1.31 parser: the `ce` struct that process_options fills as
// popt returns options, what each option does to it, and the post-parse checks
// (commands_v_options, tunnel_types_v_options).
//
// Owns: Entry, applyOption, checkLegality, checkTunnel, and the abort used to leave the parse.
// Must not: be used outside ipvsadm-args.ts (which catches every Abort), resolve names itself.
// Invariants: options apply strictly in argv order, each failing at once, as in ipvsadm.
// Source: ipvsadm.c 1.31 parse_options (the option switch), generic_opt_check, tunnel_opt_check.

import { formatIpv4, formatIpv6, inetPton4, inetPton6 } from './addr-text.js';
import type { Af } from './addr-text.js';
import { UvsError } from './errors.js';
import type { UvsErrorCode } from './errors.js';
import { LEGALITY, OPT_NAMES, TUNNEL_LEGALITY, TUNNEL_OPTS } from './ipvsadm-options.js';
import type { CommandName, OptName, OptTag } from './ipvsadm-options.js';
import { DEFAULT_PERSISTENT_TIMEOUT, MAX_TIMEOUT, NETMASK_V4_HOST, NETMASK_V6_HOST } from './model.js';
import type { FwdMethod, IpvsTimeouts, Proto, SyncState, TunType } from './model.js';
import { atoi, parseAddrPort, parseFwmark, resolveV4, stringToNumber } from './ipvsadm-values.js';
import type { NameResolver, Unresolved } from './ipvsadm-values.js';

export interface ParseFailure {
  kind: 'error';
  error: UvsError;
  /** Exactly what ipvsadm writes to stderr. */
  stderr: string;
  exitCode: number;
  /** Set when the failure is an unknown host/service name the caller may resolve and retry. */
  unresolved?: Unresolved;
}

export class Abort extends Error {
  constructor(readonly failure: ParseFailure) {
    super(failure.error.message);
  }
}

export function fail(code: UvsErrorCode, message: string, unresolved?: Unresolved): never {
  const error = new UvsError(code, message);
  const failure: ParseFailure = { kind: 'error', error, stderr: `${message}\n`, exitCode: error.exitCode };
  if (unresolved !== undefined) failure.unresolved = unresolved;
  throw new Abort(failure);
}

export function failError(error: UvsError): never {
  throw new Abort({ kind: 'error', error, stderr: `${error.ipvsadmMessage}\n`, exitCode: error.exitCode });
}

export class Entry {
  cmd: CommandName = 'list';
  options = new Set<OptName>();
  svcAf: 0 | Af = 0;
  proto: Proto | null = null;
  vaddr = '';
  vport = 0;
  fwmark = 0;
  sched = '';
  persistent = false;
  onePacket = false;
  schedFlags = 0;
  timeout = 0;
  netmask = NETMASK_V4_HOST;
  pe = '';
  destAf: 0 | Af = 0;
  daddr = '';
  dport = 0;
  fwd: FwdMethod = 'dr';
  weight = 1;
  uThreshold = 0;
  lThreshold = 0;
  tunType: TunType = 'ipip';
  tunPort = 0;
  tunFlags = 0;
  timeouts: IpvsTimeouts = { tcp: 0, tcpFin: 0, udp: 0 };
  state: SyncState = 'master';
  mcastIfn = '';
  syncid = 0;
  syncMaxlen = 0;
  mcastGroup = '';
  mcastPort = 0;
  mcastTtl = 0;
  schedFlagsArg = '';
  list = { numeric: false, stats: false, rate: false, thresholds: false, persistentConn: false };
  listMore = { tunInfo: false, exact: false, nosort: false, json: false };

  setOption(name: OptName): void {
    if (this.options.has(name)) fail('UVS_ERR_DUPLICATE_OPTION', `multiple '${name}' options specified`);
    this.options.add(name);
  }
}

/** One option of the parse_options loop (not a command: those were refused before). */
export function applyOption(ce: Entry, tag: OptTag, rawValue: string | null, resolver: NameResolver): void {
  const value = rawValue ?? '';
  switch (tag) {
    case 't':
    case 'u':
    case 'sctp': {
      ce.proto = tag === 't' ? 'tcp' : tag === 'u' ? 'udp' : 'sctp';
      const p = parseAddrPort(value, ce.proto, resolver);
      if (p.result === 0)
        fail('UVS_ERR_BAD_ADDRESS', 'illegal virtual server address[:port] specified', p.unresolved);
      [ce.svcAf, ce.vaddr] = [p.af, p.addr];
      if (p.af === 6) ce.netmask = NETMASK_V6_HOST;
      if (p.result === 3) ce.vport = p.port;
      break;
    }
    case 'f': {
      [ce.svcAf, ce.proto] = [4, 'tcp'];
      const mark = parseFwmark(value);
      if (mark === null) fail('UVS_ERR_BAD_FWMARK', `invalid fwmark value \`${value}' specified`);
      ce.fwmark = mark;
      break;
    }
    case 's':
      ce.sched = value.slice(0, 15);
      break;
    case 'p':
      ce.persistent = true;
      ce.timeout = rawValue === null ? DEFAULT_PERSISTENT_TIMEOUT : parseTimeout(value, 1);
      break;
    case 'M':
      if (ce.svcAf !== 6) {
        const w = resolveV4(value, resolver);
        if (typeof w !== 'number') {
          fail('UVS_ERR_BAD_NETMASK', 'illegal virtual server persistent mask specified', w);
        }
        ce.netmask = w;
      } else {
        ce.netmask = atoi(value);
        if (ce.netmask < 1 || ce.netmask > 128) fail('UVS_ERR_BAD_NETMASK', 'illegal ipv6 netmask specified');
      }
      break;
    case 'r': {
      const p = parseAddrPort(value, ce.proto, resolver);
      if (p.result === 0)
        fail('UVS_ERR_BAD_ADDRESS', 'illegal real server address[:port] specified', p.unresolved);
      [ce.destAf, ce.daddr] = [p.af, p.addr];
      ce.dport = p.result === 3 ? p.port : ce.vport;
      break;
    }
    case 'i':
    case 'g':
    case 'm':
      ce.fwd = tag === 'i' ? 'tun' : tag === 'g' ? 'dr' : 'nat';
      break;
    case 'w':
      ce.weight = numberOrFail(value, 0, 65535, 'UVS_ERR_BAD_WEIGHT', 'illegal weight specified');
      break;
    case 'x':
      ce.uThreshold = numberOrFail(
        value,
        0,
        2147483647,
        'UVS_ERR_BAD_THRESHOLD',
        'illegal u_threshold specified',
      );
      break;
    case 'y':
      ce.lThreshold = numberOrFail(
        value,
        0,
        2147483647,
        'UVS_ERR_BAD_THRESHOLD',
        'illegal l_threshold specified',
      );
      break;
    case 'n':
      ce.list.numeric = true;
      break;
    case 'mcast-interface':
      ce.mcastIfn = value.slice(0, 15);
      break;
    case 'syncid':
      ce.syncid = numberOrFail(value, 0, 255, 'UVS_ERR_BAD_DAEMON_OPTION', 'illegal syncid specified');
      break;
    case 'stats':
    case 'rate':
    case 'thresholds':
      ce.list[tag] = true;
      break;
    case 'persistent-conn':
      ce.list.persistentConn = true;
      break;
    case 'nosort':
      ce.listMore.nosort = true;
      break;
    case 'X':
      ce.listMore.exact = true;
      break;
    case 'json':
      ce.listMore.json = true;
      break;
    case 'tun-info':
      ce.listMore.tunInfo = true;
      break;
    case '6':
      if (ce.fwmark === 0) fail('UVS_ERR_USAGE', '-6 used before -f\n');
      [ce.svcAf, ce.netmask] = [6, NETMASK_V6_HOST];
      break;
    case 'o':
      ce.onePacket = true;
      break;
    case 'pe':
      ce.pe = value.slice(0, 16);
      break;
    case 'b':
      ce.schedFlagsArg = value.slice(0, 127);
      break;
    case 'mcast-group':
      ce.mcastGroup = parseMcastGroup(value);
      break;
    case 'mcast-port':
      ce.mcastPort = numberOrFail(value, 1, 65535, 'UVS_ERR_BAD_PORT', 'illegal mcast-port specified');
      break;
    case 'mcast-ttl':
      ce.mcastTtl = numberOrFail(value, 1, 255, 'UVS_ERR_BAD_DAEMON_OPTION', 'illegal mcast-ttl specified');
      break;
    case 'sync-maxlen':
      ce.syncMaxlen = numberOrFail(
        value,
        1,
        65507,
        'UVS_ERR_BAD_DAEMON_OPTION',
        'illegal sync-maxlen specified',
      );
      break;
    case 'tun-type':
      if (value !== 'ipip' && value !== 'gue' && value !== 'gre') {
        fail('UVS_ERR_BAD_TUNNEL', 'illegal tunnel type specified');
      }
      ce.tunType = value;
      break;
    case 'tun-port':
      ce.tunPort = numberOrFail(value, 1, 65535, 'UVS_ERR_BAD_TUNNEL', 'illegal tunnel port specified');
      break;
    case 'tun-nocsum':
      break;
    case 'tun-csum':
      ce.tunFlags |= 1;
      break;
    case 'tun-remcsum':
      ce.tunFlags |= 2;
      break;
    case 'c':
    case 'timeout':
    case 'daemon':
    case 'sort':
      break; // recorded as columns above (or, for --sort, a no-op kept for compatibility)
    case 'A':
    case 'E':
    case 'D':
    case 'C':
    case 'L':
    case 'l':
    case 'Z':
    case 'a':
    case 'e':
    case 'd':
    case 'set':
    case 'h':
    case 'v':
    case 'R':
    case 'S':
    case 'start-daemon':
    case 'stop-daemon':
      break; // commands after the first were refused above ("invalid option")
  }
}

/** generic_opt_check: the first offending column, in column order, decides the message. */
export function checkLegality(cmd: CommandName, options: ReadonlySet<OptName>): void {
  const row = LEGALITY[cmd];
  let last: OptName | null = null;
  for (let j = 0; j < OPT_NAMES.length; j++) {
    const name = OPT_NAMES[j] as OptName;
    const rule = row[j];
    if (!options.has(name)) {
      if (rule === '+') {
        fail('UVS_ERR_ILLEGAL_OPTION', `You need to supply the '${name}' option for the '${cmd}' command`);
      }
    } else if (rule === 'x') {
      fail('UVS_ERR_ILLEGAL_OPTION', `Illegal '${name}' option with the '${cmd}' command`);
    } else if (rule === '1') {
      if (last !== null) {
        fail(
          'UVS_ERR_ILLEGAL_OPTION',
          `The option '${name}' conflicts with the '${last}' option in the '${cmd}' command`,
        );
      }
      last = name;
    }
  }
}

/** tunnel_opt_check for the dest's tunnel type. */
export function checkTunnel(type: TunType, options: ReadonlySet<OptName>): void {
  const row = TUNNEL_LEGALITY[type];
  let last: OptName | null = null;
  for (let j = 0; j < TUNNEL_OPTS.length; j++) {
    const name = TUNNEL_OPTS[j] as OptName;
    const rule = row[j];
    if (!options.has(name)) {
      if (rule === '+') {
        fail('UVS_ERR_BAD_TUNNEL', `You need to supply the '${name}' option for the '${type}' tunnel type`);
      }
    } else if (rule === 'x') {
      fail('UVS_ERR_BAD_TUNNEL', `Illegal '${name}' option with the '${type}' tunnel type`);
    } else if (rule === '1') {
      if (last !== null) {
        fail(
          'UVS_ERR_BAD_TUNNEL',
          `The option '${name}' conflicts with the '${last}' option in the '${type}' tunnel type`,
        );
      }
      last = name;
    }
  }
}

export function numberOrFail(
  value: string,
  min: number,
  max: number,
  code: UvsErrorCode,
  message: string,
): number {
  const n = stringToNumber(value, min, max);
  if (n < 0) fail(code, message);
  return n;
}

export function parseTimeout(value: string, min: number): number {
  const n = stringToNumber(value, min, MAX_TIMEOUT);
  if (n < 0) fail('UVS_ERR_BAD_TIMEOUT', `invalid timeout value \`${value}' specified`);
  return n;
}

export function parseMcastGroup(value: string): string {
  if (value.includes(':')) {
    const g = inetPton6(value);
    if (g === null || (g[0] ?? 0) >> 8 !== 0xff)
      fail('UVS_ERR_BAD_DAEMON_OPTION', `invalid IPv6 mcast-group \`${value}'`);
    return formatIpv6(g);
  }
  const w = inetPton4(value);
  if (w === null || w >>> 28 !== 0xe)
    fail('UVS_ERR_BAD_DAEMON_OPTION', `invalid IPv4 mcast-group \`${value}'`);
  return formatIpv4(w);
}
