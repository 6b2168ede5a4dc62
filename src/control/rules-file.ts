// The ipvsadm-save rules format: what `ipvsadm -S [-n]` prints and `ipvsadm -R` reads.
//
// Owns: parseRulesFile (text → validated RuleSet, all-or-nothing) and formatRulesSave
// (RuleSet → the exact bytes of `ipvsadm -S`).
// Must not: do I/O or DNS (names go through the caller's resolvers), apply anything to the
// engine.
// Differences from ipvsadm -R, on purpose (docs/rules-format.md): `#` starts a comment (ipvsadm's
// comment handling is broken and the wrappers strip them with grep); a bad line rejects the whole
// file and names the line (ipvsadm applies the lines before a parse error and carries on after
// a kernel error); -L/-S/-h/-v lines are refused instead of printing.
// Sources: ipvsadm.c restore_table, print_service_entry / print_tunnel_rule with FMT_RULE,
// config_stream.c (tokens split on spaces, tabs and CR; any token "ipvsadm" is dropped).

import { addrPortText, formatIpv4 } from './addr-text.js';
import type { Af } from './addr-text.js';
import { UvsError } from './errors.js';
import { parseIpvsadmArgs } from './ipvsadm-args.js';
import type { NameResolver, ParsedCommand, Unresolved } from './ipvsadm-args.js';
import { emptyRuleSet, NETMASK_V4_HOST, NETMASK_V6_HOST } from './model.js';
import type { DestSpec, IpvsTimeouts, Proto, RuleSet, ServiceSpec } from './model.js';
import { applyCommand } from './rule-table.js';
import { compareDests, compareServices, glibcMergeSort } from './rules-sort.js';
import { schedFlagsText } from './validate.js';

export type RulesFileResult =
  | {
      ok: true;
      ruleset: RuleSet;
      /** Every command of the file, in order (the table ones are already applied to `ruleset`). */
      commands: ParsedCommand[];
      /** The last `--set` of the file, if any (0 = keep current). */
      timeouts: IpvsTimeouts | null;
    }
  | { ok: false; error: UvsError; unresolved?: Unresolved };

export interface RulesFileOptions {
  resolver?: NameResolver;
  /** Starting table (for `-R` onto existing rules); default empty. Not mutated. */
  base?: RuleSet;
  program?: string;
}

/** Split one line as config_stream_read does, after dropping a `#` comment. */
export function tokenizeRuleLine(line: string): string[] {
  const hash = line.indexOf('#');
  const body = hash >= 0 ? line.slice(0, hash) : line;
  return body.split(/[ \t\r]+/).filter((t) => t !== '' && t !== 'ipvsadm');
}

/**
 * Parse ipvsadm-save text and apply it, line by line, as `ipvsadm -R` would. Any bad line
 * (grammar, or a table error such as an -a for a missing service or a duplicate) fails the whole
 * file with that line's number; nothing is applied.
 */
export function parseRulesFile(text: string, opts: RulesFileOptions = {}): RulesFileResult {
  const ruleset = opts.base === undefined ? emptyRuleSet() : structuredClone(opts.base);
  const commands: ParsedCommand[] = [];
  let timeouts: IpvsTimeouts | null = null;
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const lineNo = n + 1;
    const argv = tokenizeRuleLine(lines[n] ?? '');
    if (argv.length === 0) continue;
    const parseOpts = { inRestore: true, ...(opts.resolver ? { resolver: opts.resolver } : {}) };
    const cmd = parseIpvsadmArgs(
      argv,
      opts.program === undefined ? parseOpts : { ...parseOpts, program: opts.program },
    );
    if (cmd.kind === 'error') {
      const error = new UvsError('UVS_ERR_BAD_RULE', cmd.error.ipvsadmMessage, {
        line: lineNo,
        exitCode: cmd.exitCode,
      });
      return cmd.unresolved === undefined
        ? { ok: false, error }
        : { ok: false, error, unresolved: cmd.unresolved };
    }
    if (cmd.kind === 'list' || cmd.kind === 'save' || cmd.kind === 'help' || cmd.kind === 'version') {
      const error = new UvsError('UVS_ERR_BAD_RULE', `'${argv.join(' ')}' is not a rule`, { line: lineNo });
      return { ok: false, error };
    }
    const err = applyCommand(ruleset, cmd);
    if (err !== null) return { ok: false, error: err.atLine(lineNo) };
    if (cmd.kind === 'set-timeouts') timeouts = cmd.timeouts;
    commands.push(cmd);
  }
  return { ok: true, ruleset, commands, timeouts };
}

/** Reverse name lookups for `-S` without `-n`; numeric output when absent or unknown. */
export interface ReverseNames {
  host?(af: Af, addr: string): string | undefined;
  service?(port: number, proto: Proto): string | undefined;
}

export interface SaveOptions {
  numeric: boolean;
  names?: ReverseNames;
}

const PROTO_SWITCH = { tcp: '-t', udp: '-u', sctp: '--sctp-service' } as const;
const FWD_SWITCH = { nat: '-m', tun: '-i', dr: '-g' } as const;

/** addrport_to_anyname: numeric, or names where the reverse resolver knows them. */
function anyName(af: Af, addr: string, port: number, proto: Proto, opts: SaveOptions): string {
  if (opts.numeric || opts.names === undefined) return addrPortText(af, addr, port);
  const host = opts.names.host?.(af, addr) ?? addr;
  const serv = opts.names.service?.(port, proto) ?? String(port);
  return af === 4 ? `${host}:${serv}` : `[${host}]:${serv}`;
}

function serviceSelector(svc: ServiceSpec, opts: SaveOptions): string {
  if (svc.fwmark !== 0) {
    const mark = svc.fwmark | 0; // printed with %d
    return svc.af === 6 ? `-f ${mark} -6` : `-f ${mark}`;
  }
  return `${PROTO_SWITCH[svc.proto]} ${anyName(svc.af, svc.vaddr, svc.vport, svc.proto, opts)}`;
}

function serviceLine(svc: ServiceSpec, sel: string): string {
  let line = `-A ${sel} -s ${svc.sched}`;
  if (svc.flags.persistent) {
    line += ` -p ${svc.timeout}`;
    if (svc.af === 4 && svc.netmask !== NETMASK_V4_HOST) line += ` -M ${formatIpv4(svc.netmask >>> 0)}`;
    if (svc.af === 6 && svc.netmask !== NETMASK_V6_HOST) line += ` -M ${svc.netmask}`;
  }
  if (svc.pe !== '') line += ` --pe ${svc.pe}`;
  if (svc.flags.onePacket) line += ' -o';
  if (svc.flags.schedFlags !== 0) line += ` -b ${schedFlagsText(svc.sched, svc.flags.schedFlags)}`;
  return line;
}

function destLine(sel: string, dname: string, d: DestSpec): string {
  const base = `-a ${sel} -r ${dname} ${FWD_SWITCH[d.fwd]} -w ${d.weight}`;
  if (d.fwd !== 'tun') return base;
  switch (d.tunType) {
    case 'ipip':
      return `${base} --tun-type ipip`;
    case 'gue':
      return `${base} --tun-type gue --tun-port ${d.tunPort} --tun-${d.tunCsum}`;
    case 'gre':
      return `${base} --tun-type gre --tun-${d.tunCsum}`;
  }
}

/**
 * Exactly what `ipvsadm -S` (`-S -n` with numeric) prints for this table: services sorted by
 * <fwmark, af, protocol, address, port>, each followed by its dests sorted by <address, port>.
 * Thresholds, timeouts and the sync daemon are not part of the save format (as in ipvsadm).
 */
export function formatRulesSave(rs: RuleSet, opts: SaveOptions): string {
  let out = '';
  const services = glibcMergeSort(rs.services, (a, b) => compareServices(a.svc, b.svc));
  for (const s of services) {
    const sel = serviceSelector(s.svc, opts);
    out += `${serviceLine(s.svc, sel)}\n`;
    for (const d of glibcMergeSort(s.dests, compareDests)) {
      out += `${destLine(sel, anyName(d.af, d.daddr, d.dport, s.svc.proto, opts), d)}\n`;
    }
  }
  return out;
}
