/**
 * A parsed ipvsadm table command back to a numeric command line: what uvsadm sends the daemon
 * when the operator typed host or service names (the daemon takes numeric text only).
 *
 * Owns: numericArgv (ParsedCommand -> argv that parses back to the same command) and
 * numericRulesText (rewrite only the lines of a rules text that used names, keeping line numbers).
 * Must not: resolve names, talk to the daemon.
 * Invariant: parseIpvsadmArgs(numericArgv(c)) deep-equals c for every table command c
 * (test/unit/cli/uvsadm-argv.test.ts checks it on random commands).
 */
import { addrPortText, formatIpv4 } from '../control/addr-text.js';
import { parseIpvsadmArgs } from '../control/ipvsadm-args.js';
import type { NameResolver, ParsedCommand } from '../control/ipvsadm-args.js';
import { NETMASK_V4_HOST, NETMASK_V6_HOST } from '../control/model.js';
import type { DestSpec, ServiceKey, ServiceSpec } from '../control/model.js';
import { tokenizeRuleLine } from '../control/rules-file.js';
import { schedFlagsText } from '../control/validate.js';

const PROTO_SWITCH = { tcp: '-t', udp: '-u', sctp: '--sctp-service' } as const;
const FWD_SWITCH = { nat: '-m', tun: '-i', dr: '-g' } as const;

function selector(k: ServiceKey): string[] {
  if (k.fwmark !== 0) return k.af === 6 ? ['-f', String(k.fwmark), '-6'] : ['-f', String(k.fwmark)];
  return [PROTO_SWITCH[k.proto], addrPortText(k.af, k.vaddr, k.vport)];
}

function serviceOpts(s: ServiceSpec): string[] {
  const out = ['-s', s.sched];
  if (s.flags.persistent) out.push('-p', String(s.timeout));
  if (s.af === 4 && s.netmask !== NETMASK_V4_HOST) out.push('-M', formatIpv4(s.netmask >>> 0));
  if (s.af === 6 && s.netmask !== NETMASK_V6_HOST) out.push('-M', String(s.netmask));
  if (s.pe !== '') out.push('--pe', s.pe);
  if (s.flags.onePacket) out.push('-o');
  if (s.flags.schedFlags !== 0) out.push('-b', schedFlagsText(s.sched, s.flags.schedFlags));
  return out;
}

function destOpts(d: DestSpec): string[] {
  const out = [
    FWD_SWITCH[d.fwd],
    '-w',
    String(d.weight),
    '-x',
    String(d.uThreshold),
    '-y',
    String(d.lThreshold),
  ];
  if (d.fwd === 'tun') {
    out.push('--tun-type', d.tunType);
    if (d.tunType === 'gue') out.push('--tun-port', String(d.tunPort), `--tun-${d.tunCsum}`);
    if (d.tunType === 'gre') out.push(`--tun-${d.tunCsum}`);
  }
  return out;
}

/** The numeric argv of a table command, or null for commands that are not sent as argv. */
export function numericArgv(c: ParsedCommand): string[] | null {
  switch (c.kind) {
    case 'add-service':
      return ['-A', ...selector(c.svc), ...serviceOpts(c.svc)];
    case 'edit-service':
      return ['-E', ...selector(c.svc), ...serviceOpts(c.svc)];
    case 'delete-service':
      return ['-D', ...selector(c.svc)];
    case 'add-dest':
    case 'edit-dest':
      return [
        c.kind === 'add-dest' ? '-a' : '-e',
        ...selector(c.svc),
        '-r',
        addrPortText(c.dest.af, c.dest.daddr, c.dest.dport),
        ...destOpts(c.dest),
      ];
    case 'delete-dest':
      return ['-d', ...selector(c.svc), '-r', addrPortText(c.dest.af, c.dest.daddr, c.dest.dport)];
    case 'clear':
      return ['-C'];
    case 'zero':
      return c.svc === null ? ['-Z'] : ['-Z', ...selector(c.svc)];
    case 'set-timeouts':
      return ['--set', String(c.timeouts.tcp), String(c.timeouts.tcpFin), String(c.timeouts.udp)];
    case 'list':
    case 'save':
    case 'restore':
    case 'start-daemon':
    case 'stop-daemon':
    case 'help':
    case 'version':
      return null;
  }
}

/**
 * The rules text with every line that needs names replaced by its numeric form (same line
 * count, so the daemon's line numbers still point at the operator's file). Lines that are already
 * numeric, blank or comments are kept byte for byte.
 */
export function numericRulesText(text: string, resolver: NameResolver): string {
  const lines = text.split('\n');
  return lines
    .map((line) => {
      const argv = tokenizeRuleLine(line);
      if (argv.length === 0) return line;
      const plain = parseIpvsadmArgs(argv, { inRestore: true });
      if (plain.kind !== 'error' || plain.unresolved === undefined) return line;
      const named = parseIpvsadmArgs(argv, { inRestore: true, resolver });
      const numeric = named.kind === 'error' ? null : numericArgv(named);
      return numeric === null ? line : numeric.join(' ');
    })
    .join('\n');
}
