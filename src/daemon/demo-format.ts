/**
 * Text the demo prints: per-mode answer tables, the summary, and the control API's `list` result
 * in the layout of `ipvsadm -Ln --stats` (used when bin/uvsadm is not available).
 *
 * Pure: strings in, strings out; nothing here does I/O.
 * The stats layout follows ipvsadm 1.31 (ipvsadm.c print_service_entry / print_largenum):
 * service name left-aligned in 33 columns, each counter right-aligned in 9; counters of 10^8 and
 * more are scaled to K/M/G as ipvsadm does without --exact. Services are sorted by protocol,
 * address and port, dests by address and port, as ipvsadm sorts them (the recorded
 * `kernel-cases/*` dumps show the layout).
 */
import type { ListJson, ServiceJson, DestJson, StatsJson } from './dataplane.js';

export type DemoMode = 'dr' | 'tun' | 'nat';

export const MODE_LABEL: Record<DemoMode, string> = { dr: 'DR', tun: 'TUN', nat: 'NAT' };

/** One real server's row: its name, address and how many requests it answered. */
export interface AnswerRow {
  role: string;
  addr: string;
  count: number;
}

/** formatAnswerTable is the per-mode table of which real server answered how many requests. */
export function formatAnswerTable(rows: readonly AnswerRow[], errors: number, total: number): string {
  const lines = [`  ${'real server'.padEnd(13)}${'address'.padEnd(18)}${'answered'.padStart(8)}`];
  for (const r of rows)
    lines.push(`  ${r.role.padEnd(13)}${r.addr.padEnd(18)}${String(r.count).padStart(8)}`);
  const answered = total - errors;
  lines.push(
    answered === total
      ? `  every request answered: ${answered} of ${total}`
      : `  answered: ${answered} of ${total} (${errors} failed)`,
  );
  return `${lines.join('\n')}\n`;
}

/** One mode's line in the summary. */
export interface SummaryRow {
  mode: DemoMode;
  answered: number;
  total: number;
  /** Answers per real server, in real-server order; null when the mode did not run. */
  counts: number[] | null;
  note: string;
}

/** formatSummary is the closing table: one line per mode, answers per real server. */
export function formatSummary(roles: readonly string[], rows: readonly SummaryRow[]): string {
  const head = `  ${'mode'.padEnd(6)}${'answered'.padEnd(10)}${roles.map((r) => r.padStart(6)).join('')}`;
  const lines = [head];
  for (const row of rows) {
    const counts = row.counts === null ? roles.map(() => '-') : row.counts.map(String);
    const note = row.note === '' ? '' : `   ${row.note}`;
    lines.push(
      `  ${MODE_LABEL[row.mode].padEnd(6)}${`${row.answered}/${row.total}`.padEnd(10)}${counts
        .map((c) => c.padStart(6))
        .join('')}${note}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** largeNum formats a counter as ipvsadm does without --exact (9 columns). */
export function largeNum(n: number): string {
  if (n < 1e8) return String(n).padStart(9);
  if (n < 1e9) return `${String(Math.floor(n / 1e3)).padStart(8)}K`;
  if (n < 1e12) return `${String(Math.floor(n / 1e6)).padStart(8)}M`;
  return `${String(Math.floor(n / 1e9)).padStart(8)}G`;
}

function hostPort(af: 4 | 6, addr: string, port: number): string {
  return af === 6 ? `[${addr}]:${port}` : `${addr}:${port}`;
}

function addrKey(addr: string): string {
  if (!addr.includes(':'))
    return addr
      .split('.')
      .map((o) => o.padStart(3, '0'))
      .join('.');
  return addr;
}

function counters(s: StatsJson): string {
  return [s.conns, s.inPkts, s.outPkts, s.inBytes, s.outBytes].map(largeNum).join('');
}

function svcOrder(a: ServiceJson, b: ServiceJson): number {
  if (a.proto !== b.proto) return a.proto < b.proto ? -1 : 1;
  const ka = addrKey(a.vaddr);
  const kb = addrKey(b.vaddr);
  if (ka !== kb) return ka < kb ? -1 : 1;
  return a.vport - b.vport;
}

function destOrder(a: DestJson, b: DestJson): number {
  const ka = addrKey(a.addr);
  const kb = addrKey(b.addr);
  if (ka !== kb) return ka < kb ? -1 : 1;
  return a.port - b.port;
}

/** formatStatsListing renders a `list` result like `ipvsadm -Ln --stats`. */
export function formatStatsListing(list: ListJson): string {
  const lines = [
    `IP Virtual Server version 1.2.1 (size=${list.connTableSize})`,
    'Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes',
    '  -> RemoteAddress:Port',
  ];
  for (const svc of [...list.services].sort(svcOrder)) {
    const name = `${svc.proto.toUpperCase()}  ${hostPort(svc.af, svc.vaddr, svc.vport)}`;
    lines.push(`${name.padEnd(33)}${counters(svc.stats)}`);
    for (const d of [...svc.dests].sort(destOrder))
      lines.push(`  -> ${hostPort(svc.af, d.addr, d.port).padEnd(28)}${counters(d.stats)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** indent prefixes every non-empty line of `text`. */
export function indent(text: string, by = '  '): string {
  return text
    .split('\n')
    .map((l) => (l === '' ? l : by + l))
    .join('\n');
}
