// The ipvsadm 1.31 command line as a pure function: argv (without the program name) to a
// ParsedCommand, or a ParseFailure carrying the exact stderr text and exit status ipvsadm gives.
//
// Owns: the ParsedCommand union, command-first dispatch, the post-loop steps of parse_options
// (--set values, stray arguments, -b) and process_options' checks. Each option's effect is in
// ipvsadm-entry.ts; options apply in argv order (ipvsadm mutates one struct as popt returns
// them, so `-M` before `-t [v6]` is overwritten and `-r` before `-t` copies port 0).
// Must not: resolve names (see ipvsadm-values.ts NameResolver), touch the rule table, throw
// (internal aborts are caught; any argv gives a ParsedCommand or a ParseFailure).
// Behaviour kept on purpose: `-e`/`-E` send every field, so omitted options revert to defaults
// (`-e … -w 5` on a NAT dest makes it DR; `-E` without `-s` makes the scheduler wlc).
// Source: ipvsadm.c 1.31 parse_options, process_options, generic_opt_check, tunnel_opt_check.

import type { Af } from './addr-text.js';
import { EXIT_KERNEL, UvsError, tryHelpError } from './errors.js';
import { COMMAND_NAMES, OPTIONS, TAG_COLUMN } from './ipvsadm-options.js';
import type { CommandName, OptName, OptTag } from './ipvsadm-options.js';
import {
  Abort,
  Entry,
  applyOption,
  checkLegality,
  checkTunnel,
  fail,
  failError,
  parseTimeout,
} from './ipvsadm-entry.js';
import type { ParseFailure } from './ipvsadm-entry.js';
import { DEFAULT_MCAST_IFN, DEFAULT_SCHED } from './model.js';
import type {
  DestSpec,
  IpvsTimeouts,
  ServiceKey,
  ServiceSpec,
  SyncDaemonSpec,
  SyncState,
  TunCsum,
} from './model.js';
import { PoptScanner } from './popt-scan.js';
import type { NameResolver } from './ipvsadm-values.js';
import { checkDestGrammar, checkServiceGrammar, parseSchedFlags } from './validate.js';

export type { ParseFailure } from './ipvsadm-entry.js';
export type { NameResolver, Unresolved } from './ipvsadm-values.js';

export type ListStyle = 'plain' | 'stats' | 'rate' | 'thresholds' | 'persistent-conn' | 'tun-info';

export interface ListOptions {
  numeric: boolean;
  stats: boolean;
  rate: boolean;
  thresholds: boolean;
  persistentConn: boolean;
  tunInfo: boolean;
  exact: boolean;
  nosort: boolean;
  /** uvs extension: print the same data as JSON. */
  json: boolean;
  /** The layout ipvsadm picks: stats > rate > thresholds > persistent-conn > tun-info > plain. */
  style: ListStyle;
}

export type ParsedCommand =
  | { kind: 'add-service'; svc: ServiceSpec }
  | { kind: 'edit-service'; svc: ServiceSpec }
  | { kind: 'delete-service'; svc: ServiceKey }
  | { kind: 'add-dest'; svc: ServiceKey; dest: DestSpec }
  | { kind: 'edit-dest'; svc: ServiceKey; dest: DestSpec }
  | { kind: 'delete-dest'; svc: ServiceKey; dest: DestSpec }
  | { kind: 'clear' }
  | { kind: 'restore' }
  | { kind: 'save'; numeric: boolean }
  | {
      kind: 'list';
      target: 'all' | 'service' | 'connections' | 'timeout' | 'daemon';
      svc: ServiceKey | null;
      list: ListOptions;
    }
  | { kind: 'zero'; svc: ServiceKey | null }
  | { kind: 'set-timeouts'; timeouts: IpvsTimeouts }
  | { kind: 'start-daemon'; daemon: SyncDaemonSpec }
  | { kind: 'stop-daemon'; state: SyncState; syncid: number }
  | { kind: 'help' }
  | { kind: 'version' };

export interface ParseOptions {
  /** argv[0] as ipvsadm prints it in "Try `%s -h'…" (default 'ipvsadm'). */
  program?: string;
  resolver?: NameResolver;
  /** Parsing a line of `-R` input: a nested -R is refused as ipvsadm does. */
  inRestore?: boolean;
}

const FIRST: Partial<Record<OptTag, CommandName>> = {
  A: 'add-service',
  E: 'edit-service',
  D: 'delete-service',
  a: 'add-server',
  e: 'edit-server',
  d: 'delete-server',
  C: 'flush',
  L: 'list',
  l: 'list',
  Z: 'zero',
  set: 'set',
  R: 'restore',
  S: 'save',
  'start-daemon': 'start-daemon',
  'stop-daemon': 'stop-daemon',
};

/** The `ce` struct of process_options, filled as options arrive. */
/** Parse `ipvsadm` arguments (argv without the program name). Never throws. */
export function parseIpvsadmArgs(
  argv: readonly string[],
  opts: ParseOptions = {},
): ParsedCommand | ParseFailure {
  const program = opts.program ?? 'ipvsadm';
  try {
    if (argv.length === 0) return { kind: 'list', target: 'all', svc: null, list: listOptions(new Entry()) };
    return parse(argv, program, opts.resolver ?? {}, opts.inRestore ?? false);
  } catch (e) {
    if (e instanceof Abort) return e.failure;
    const error = new UvsError('UVS_ERR_USAGE', `internal parser error: ${String(e)}`, {
      exitCode: EXIT_KERNEL,
    });
    return { kind: 'error', error, stderr: `${error.ipvsadmMessage}\n`, exitCode: error.exitCode };
  }
}

function parse(
  argv: readonly string[],
  program: string,
  resolver: NameResolver,
  inRestore: boolean,
): ParsedCommand {
  const sc = new PoptScanner(OPTIONS, argv);
  const ce = new Entry();
  const first = sc.nextOption();
  if (first.type !== 'option') failError(tryHelpError(program));
  if (first.tag === 'h') return { kind: 'help' };
  if (first.tag === 'v') return { kind: 'version' };
  const cmd = FIRST[first.tag];
  if (cmd === undefined) failError(tryHelpError(program));
  ce.cmd = cmd;
  if (cmd === 'start-daemon' || cmd === 'stop-daemon') {
    if (first.value === 'master' || first.value === 'backup') ce.state = first.value;
    else if (cmd === 'start-daemon')
      fail('UVS_ERR_BAD_DAEMON_OPTION', 'illegal start-daemon parameter specified');
    else fail('UVS_ERR_BAD_DAEMON_OPTION', 'illegal start_daemon specified');
  }

  for (let ev = sc.nextOption(); ev.type !== 'end'; ev = sc.nextOption()) {
    if (ev.type === 'error') {
      const error = new UvsError('UVS_ERR_USAGE', `${ev.badOption}: ${ev.reason}`, { exitCode: EXIT_KERNEL });
      failError(error);
    }
    const column = TAG_COLUMN[ev.tag];
    if (column === undefined && ev.tag !== '6' && ev.tag !== 'sort') {
      fail('UVS_ERR_USAGE', `invalid option \`${sc.badOption()}'`);
    }
    if (column !== undefined) ce.setOption(column);
    applyOption(ce, ev.tag, ev.value, resolver);
  }

  if (ce.cmd === 'set') {
    const a = sc.takeLeftover();
    const b = sc.takeLeftover();
    const c = sc.takeLeftover();
    if (a === undefined || b === undefined || c === undefined) {
      fail('UVS_ERR_USAGE', '--set option requires 3 timeout values');
    }
    ce.timeouts = { tcp: parseTimeout(a, 0), tcpFin: parseTimeout(b, 0), udp: parseTimeout(c, 0) };
  }
  const stray = sc.takeLeftover();
  if (stray !== undefined) fail('UVS_ERR_USAGE', `unexpected argument ${stray}`);
  if (ce.schedFlagsArg !== '') {
    const bits = parseSchedFlags(ce.sched, ce.schedFlagsArg);
    if (bits instanceof UvsError) failError(bits);
    ce.schedFlags = bits;
  }
  return finish(ce, program, inRestore);
}

function finish(ce: Entry, program: string, inRestore: boolean): ParsedCommand {
  checkLegality(ce.cmd, ce.options);
  const key = serviceKeyOf(ce);
  switch (ce.cmd) {
    case 'add-service':
    case 'edit-service': {
      if (ce.sched === '') ce.sched = DEFAULT_SCHED;
      const svc: ServiceSpec = {
        ...key,
        sched: ce.sched,
        flags: { persistent: ce.persistent, onePacket: ce.onePacket, schedFlags: ce.schedFlags },
        timeout: ce.timeout,
        netmask: ce.netmask,
        pe: ce.pe,
      };
      const bad = checkServiceGrammar(svc);
      if (bad !== null) failError(bad);
      return { kind: ce.cmd === 'add-service' ? 'add-service' : 'edit-service', svc };
    }
    case 'add-server':
    case 'edit-server': {
      if (ce.fwmark === 0 && (ce.fwd === 'tun' || ce.fwd === 'dr')) ce.dport = ce.vport;
      const dest = destOf(ce);
      const bad = checkDestGrammar({ af: key.af }, dest);
      if (bad !== null) failError(bad);
      const tunOpts = ['tun-type', 'tun-port', 'tun-nocsum', 'tun-csum', 'tun-remcsum'] as const;
      if (tunOpts.some((t) => ce.options.has(t)) && ce.fwd !== 'tun') {
        fail('UVS_ERR_BAD_TUNNEL', 'Tunnel options conflict with forward method');
      }
      checkTunnel(ce.tunType, ce.options);
      return { kind: ce.cmd === 'add-server' ? 'add-dest' : 'edit-dest', svc: key, dest };
    }
    case 'delete-server':
      return { kind: 'delete-dest', svc: key, dest: destOf(ce) };
    case 'delete-service':
      return { kind: 'delete-service', svc: key };
    case 'flush':
      return { kind: 'clear' };
    case 'list': {
      const has = (n: OptName): boolean => ce.options.has(n);
      if (
        ((has('connection') || has('timeout') || has('daemon')) &&
          (has('stats') || has('rate') || has('thresholds'))) ||
        ((has('timeout') || has('daemon')) && has('persistent-conn'))
      ) {
        fail('UVS_ERR_ILLEGAL_OPTION', 'options conflicts in the list command');
      }
      const target = has('connection')
        ? 'connections'
        : has('service-address')
          ? 'service'
          : has('timeout')
            ? 'timeout'
            : has('daemon')
              ? 'daemon'
              : 'all';
      return { kind: 'list', target, svc: target === 'service' ? key : null, list: listOptions(ce) };
    }
    case 'restore':
      if (inRestore) failError(tryHelpError(program));
      return { kind: 'restore' };
    case 'save':
      return { kind: 'save', numeric: ce.list.numeric };
    case 'zero':
      return { kind: 'zero', svc: ce.options.has('service-address') ? key : null };
    case 'set':
      return { kind: 'set-timeouts', timeouts: ce.timeouts };
    case 'start-daemon':
      return {
        kind: 'start-daemon',
        daemon: {
          state: ce.state,
          mcastIfn: ce.mcastIfn === '' ? DEFAULT_MCAST_IFN : ce.mcastIfn,
          syncid: ce.syncid,
          syncMaxlen: ce.syncMaxlen,
          mcastGroup: ce.mcastGroup,
          mcastPort: ce.mcastPort,
          mcastTtl: ce.mcastTtl,
        },
      };
    case 'stop-daemon':
      return { kind: 'stop-daemon', state: ce.state, syncid: ce.syncid };
  }
}

function serviceKeyOf(ce: Entry): ServiceKey {
  const af: Af = ce.svcAf === 0 ? 4 : ce.svcAf;
  const unset = af === 6 ? '::' : '0.0.0.0';
  return {
    af,
    proto: ce.proto ?? 'tcp',
    vaddr: ce.vaddr === '' ? unset : ce.vaddr,
    vport: ce.vport,
    fwmark: ce.fwmark,
  };
}

function destOf(ce: Entry): DestSpec {
  const af: Af = ce.destAf === 0 ? 4 : ce.destAf;
  const csum: TunCsum = ce.tunFlags & 1 ? 'csum' : ce.tunFlags & 2 ? 'remcsum' : 'nocsum';
  return {
    af,
    daddr: ce.daddr === '' ? (af === 6 ? '::' : '0.0.0.0') : ce.daddr,
    dport: ce.dport,
    fwd: ce.fwd,
    weight: ce.weight,
    uThreshold: ce.uThreshold,
    lThreshold: ce.lThreshold,
    tunType: ce.tunType,
    tunPort: ce.tunPort,
    tunCsum: csum,
  };
}

function listOptions(ce: Entry): ListOptions {
  const l = { ...ce.list, ...ce.listMore };
  const style: ListStyle = l.stats
    ? 'stats'
    : l.rate
      ? 'rate'
      : l.thresholds
        ? 'thresholds'
        : l.persistentConn
          ? 'persistent-conn'
          : l.tunInfo
            ? 'tun-info'
            : 'plain';
  return { ...l, style };
}

/** Every command name, for callers that print help or check coverage. */
export const IPVSADM_COMMANDS: readonly CommandName[] = COMMAND_NAMES;
