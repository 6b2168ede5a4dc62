// The ipvsadm 1.31 option table and the command/option legality matrix, as data.
//
// Owns: OPTIONS (popt table, in ipvsadm's order), OPT (option columns with their names as
// ipvsadm prints them), COMMANDS (rows), LEGALITY (commands_v_options), TUNNEL_LEGALITY.
// Must not: contain parsing logic beyond table lookups.
// Invariants: column order equals ipvsadm's OPTC_* order, because generic_opt_check reports the
// first offending column; `json` is uvs's extension, appended last and legal only with -L.
// Source: ipvsadm.c 1.31 (options_table in parse_options, optnames, cmdnames,
// commands_v_options, tunnel_types_v_options with the GRE row).

import type { PoptOption } from './popt-scan.js';

export type OptTag =
  | 'A'
  | 'E'
  | 'D'
  | 'C'
  | 'L'
  | 'l'
  | 'Z'
  | 'a'
  | 'e'
  | 'd'
  | 'set'
  | 'h'
  | 'v'
  | 'R'
  | 'S'
  | 'start-daemon'
  | 'stop-daemon'
  | 't'
  | 'u'
  | 'sctp'
  | 'f'
  | 's'
  | 'p'
  | 'M'
  | 'r'
  | 'm'
  | 'i'
  | 'g'
  | 'w'
  | 'x'
  | 'y'
  | 'n'
  | 'c'
  | 'mcast-interface'
  | 'syncid'
  | 'timeout'
  | 'daemon'
  | 'stats'
  | 'rate'
  | 'thresholds'
  | 'persistent-conn'
  | 'nosort'
  | 'sort'
  | 'X'
  | '6'
  | 'o'
  | 'pe'
  | 'b'
  | 'mcast-group'
  | 'mcast-port'
  | 'mcast-ttl'
  | 'sync-maxlen'
  | 'tun-info'
  | 'tun-type'
  | 'tun-port'
  | 'tun-nocsum'
  | 'tun-csum'
  | 'tun-remcsum'
  | 'json';

const o = (long: string | null, short: string | null, arg: PoptOption<OptTag>['arg'], tag: OptTag) => ({
  long,
  short,
  arg,
  tag,
});

/** popt table in ipvsadm's order (the first match wins: `--list` is -L). */
export const OPTIONS: readonly PoptOption<OptTag>[] = [
  o('add-service', 'A', 'none', 'A'),
  o('edit-service', 'E', 'none', 'E'),
  o('delete-service', 'D', 'none', 'D'),
  o('clear', 'C', 'none', 'C'),
  o('list', 'L', 'none', 'L'),
  o('list', 'l', 'none', 'l'),
  o('zero', 'Z', 'none', 'Z'),
  o('add-server', 'a', 'none', 'a'),
  o('edit-server', 'e', 'none', 'e'),
  o('delete-server', 'd', 'none', 'd'),
  o('set', null, 'none', 'set'),
  o('help', 'h', 'none', 'h'),
  o('version', 'v', 'none', 'v'),
  o('restore', 'R', 'none', 'R'),
  o('save', 'S', 'none', 'S'),
  o('start-daemon', null, 'required', 'start-daemon'),
  o('stop-daemon', null, 'required', 'stop-daemon'),
  o('tcp-service', 't', 'required', 't'),
  o('udp-service', 'u', 'required', 'u'),
  o('sctp-service', null, 'required', 'sctp'),
  o('fwmark-service', 'f', 'required', 'f'),
  o('scheduler', 's', 'required', 's'),
  o('persistent', 'p', 'optional', 'p'),
  o('netmask', 'M', 'required', 'M'),
  o('real-server', 'r', 'required', 'r'),
  o('masquerading', 'm', 'none', 'm'),
  o('ipip', 'i', 'none', 'i'),
  o('gatewaying', 'g', 'none', 'g'),
  o('weight', 'w', 'required', 'w'),
  o('u-threshold', 'x', 'required', 'x'),
  o('l-threshold', 'y', 'required', 'y'),
  o('numeric', 'n', 'none', 'n'),
  o('connection', 'c', 'none', 'c'),
  o('mcast-interface', null, 'required', 'mcast-interface'),
  o('syncid', null, 'required', 'syncid'),
  o('timeout', null, 'none', 'timeout'),
  o('daemon', null, 'none', 'daemon'),
  o('stats', null, 'none', 'stats'),
  o('rate', null, 'none', 'rate'),
  o('thresholds', null, 'none', 'thresholds'),
  o('persistent-conn', null, 'none', 'persistent-conn'),
  o('nosort', null, 'none', 'nosort'),
  o('sort', null, 'none', 'sort'),
  o('exact', 'X', 'none', 'X'),
  o('ipv6', '6', 'none', '6'),
  o('ops', 'o', 'none', 'o'),
  o('pe', null, 'required', 'pe'),
  o('sched-flags', 'b', 'required', 'b'),
  o('mcast-group', null, 'required', 'mcast-group'),
  o('mcast-port', null, 'required', 'mcast-port'),
  o('mcast-ttl', null, 'required', 'mcast-ttl'),
  o('sync-maxlen', null, 'required', 'sync-maxlen'),
  o('tun-info', null, 'none', 'tun-info'),
  o('tun-type', null, 'required', 'tun-type'),
  o('tun-port', null, 'required', 'tun-port'),
  o('tun-nocsum', null, 'none', 'tun-nocsum'),
  o('tun-csum', null, 'none', 'tun-csum'),
  o('tun-remcsum', null, 'none', 'tun-remcsum'),
  o('json', null, 'none', 'json'),
];

/** Option columns (OPTC_*), in order; the string is the name ipvsadm prints in messages. */
export const OPT_NAMES = [
  'numeric',
  'connection',
  'service-address',
  'scheduler',
  'persistent',
  'netmask',
  'real-server',
  'forwarding-method',
  'weight',
  'u-threshold',
  'l-threshold',
  'mcast-interface',
  'timeout',
  'daemon',
  'stats',
  'rate',
  'thresholds',
  'persistent-conn',
  'nosort',
  'syncid',
  'exact',
  'ops',
  'pe',
  'sched-flags',
  'mcast-group',
  'mcast-port',
  'mcast-ttl',
  'sync-maxlen',
  'tun-info',
  'tun-type',
  'tun-port',
  'tun-nocsum',
  'tun-csum',
  'tun-remcsum',
  'json',
] as const;
export type OptName = (typeof OPT_NAMES)[number];

/** Which column each option tag sets (tags absent here set no column: -6, --sort, commands). */
export const TAG_COLUMN: Partial<Record<OptTag, OptName>> = {
  n: 'numeric',
  c: 'connection',
  t: 'service-address',
  u: 'service-address',
  sctp: 'service-address',
  f: 'service-address',
  s: 'scheduler',
  p: 'persistent',
  M: 'netmask',
  r: 'real-server',
  m: 'forwarding-method',
  i: 'forwarding-method',
  g: 'forwarding-method',
  w: 'weight',
  x: 'u-threshold',
  y: 'l-threshold',
  'mcast-interface': 'mcast-interface',
  timeout: 'timeout',
  daemon: 'daemon',
  stats: 'stats',
  rate: 'rate',
  thresholds: 'thresholds',
  'persistent-conn': 'persistent-conn',
  nosort: 'nosort',
  syncid: 'syncid',
  X: 'exact',
  o: 'ops',
  pe: 'pe',
  b: 'sched-flags',
  'mcast-group': 'mcast-group',
  'mcast-port': 'mcast-port',
  'mcast-ttl': 'mcast-ttl',
  'sync-maxlen': 'sync-maxlen',
  'tun-info': 'tun-info',
  'tun-type': 'tun-type',
  'tun-port': 'tun-port',
  'tun-nocsum': 'tun-nocsum',
  'tun-csum': 'tun-csum',
  'tun-remcsum': 'tun-remcsum',
  json: 'json',
};

/** Commands (CMD_*), in order; the string is the name ipvsadm prints in messages. */
export const COMMAND_NAMES = [
  'add-service',
  'edit-service',
  'delete-service',
  'flush',
  'list',
  'add-server',
  'delete-server',
  'edit-server',
  'set',
  'start-daemon',
  'stop-daemon',
  'restore',
  'save',
  'zero',
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

/**
 * commands_v_options, one string per command, one character per OPT_NAMES column:
 * '+' required, 'x' illegal, '1' at most one of the '1' columns, ' ' optional.
 * Columns: n c svc s p M r fwd w x y mc tot dmn st rt thr pc srt sid ex ops pe b grp port ttl size
 * tinf type tprt nocs csum remc | json
 */
export const LEGALITY: Readonly<Record<CommandName, string>> = {
  'add-service': 'xx+   xxxxxxxxxxxxxxx   xxxxxxxxxx' + 'x',
  'edit-service': 'xx+   xxxxxxxxxxxxxxx   xxxxxxxxxx' + 'x',
  'delete-service': 'xx+' + 'x'.repeat(31) + 'x',
  flush: 'x'.repeat(34) + 'x',
  list: ' 11xxxxxxxxx11       xxxxxxx xxxxx' + ' ',
  'add-server': 'xx+xxx+    ' + 'x'.repeat(18) + '     ' + 'x',
  'delete-server': 'xx+xxx+' + 'x'.repeat(27) + 'x',
  'edit-server': 'xx+xxx+    ' + 'x'.repeat(18) + '     ' + 'x',
  set: 'x'.repeat(34) + 'x',
  'start-daemon': 'x'.repeat(11) + ' ' + 'x'.repeat(7) + ' ' + 'xxxx' + '    ' + 'x'.repeat(6) + 'x',
  'stop-daemon': 'x'.repeat(19) + ' ' + 'x'.repeat(14) + 'x',
  restore: 'x'.repeat(34) + 'x',
  save: ' ' + 'x'.repeat(33) + 'x',
  zero: 'xx ' + 'x'.repeat(31) + 'x',
};

/** Tunnel option columns checked per tunnel type (tunnel_types_v_options). */
export const TUNNEL_OPTS = ['tun-port', 'tun-nocsum', 'tun-csum', 'tun-remcsum'] as const;
export const TUNNEL_LEGALITY: Readonly<Record<'ipip' | 'gue' | 'gre', string>> = {
  ipip: 'xxxx',
  gue: '+111',
  gre: 'x11x',
};
