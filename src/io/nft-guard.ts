/**
 * The kernel guard (ARCHITECTURE §7, hostile-inputs row 22): nftables `netdev ingress` rules in
 * a table uvs owns, so the director's own kernel neither answers (RST, ICMP) nor forwards the
 * traffic uvs takes. AF_PACKET taps see a frame before the ingress hook, so uvs still receives
 * what the guard drops.
 *
 * What is dropped, per interface: packets to a virtual service (daddr . proto . dport, or
 * daddr . proto for port-0 services), and packets from a NAT real server's service port (saddr .
 * proto . sport), whose un-NATed copy uvs sends. Nothing else: ARP, ICMP and all other traffic
 * still reach the kernel.
 *
 * Install replaces the whole table in one nft transaction (declare, delete, recreate), so a uvsd
 * restarted after a crash never duplicates rules; remove deletes the table. Runs `nft -f -`,
 * optionally inside a network namespace (`ip netns exec NS`), for tests and rigs. The kernel
 * accepts an ingress chain for an interface that does not exist (the hook stays dormant), so
 * the caller checks its interfaces first (opening the AF_PACKET socket does).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface GuardService {
  af: 4 | 6;
  proto: 'tcp' | 'udp';
  /** Canonical address text. */
  vaddr: string;
  /** 0 = every port (a port-0 service). */
  vport: number;
}

export interface GuardNatDest {
  af: 4 | 6;
  proto: 'tcp' | 'udp';
  daddr: string;
  dport: number;
}

export interface GuardSpec {
  /** nftables table name (family netdev); default 'uvs'. */
  table?: string;
  /** Interfaces whose ingress is guarded. */
  ifaces: string[];
  services: GuardService[];
  natDests: GuardNatDest[];
}

export interface GuardOptions {
  /** Run nft inside this network namespace. */
  netns?: string;
  /** The nft binary; default: the system's (see systemNft). */
  nft?: string;
}

export class GuardError extends Error {
  readonly code = 'UVS_ERR_GUARD';
}

const IFACE_RE = /^[A-Za-z0-9_.:@-]{1,15}$/;
const TABLE_RE = /^[A-Za-z][A-Za-z0-9_]{0,31}$/;

/** The nft script that (re)creates the guard table. Pure; validated names only. */
export function guardRuleset(spec: GuardSpec): string {
  const table = spec.table ?? 'uvs';
  if (!TABLE_RE.test(table)) throw new GuardError(`invalid guard table name: ${table}`);
  for (const i of spec.ifaces) if (!IFACE_RE.test(i)) throw new GuardError(`invalid interface name: ${i}`);
  const elems = (list: string[]): string => (list.length === 0 ? '' : ` elements = { ${list.join(', ')} };`);
  const svc = (af: 4 | 6, any: boolean): string[] =>
    spec.services
      .filter((s) => s.af === af && (s.vport === 0) === any)
      .map((s) => (any ? `${s.vaddr} . ${s.proto}` : `${s.vaddr} . ${s.proto} . ${s.vport}`));
  const nat = (af: 4 | 6): string[] =>
    spec.natDests.filter((d) => d.af === af).map((d) => `${d.daddr} . ${d.proto} . ${d.dport}`);
  const lines = [
    `table netdev ${table}`,
    `delete table netdev ${table}`,
    `table netdev ${table} {`,
    `  set svc4 { type ipv4_addr . inet_proto . inet_service;${elems(svc(4, false))} }`,
    `  set svcany4 { type ipv4_addr . inet_proto;${elems(svc(4, true))} }`,
    `  set nat4 { type ipv4_addr . inet_proto . inet_service;${elems(nat(4))} }`,
    `  set svc6 { type ipv6_addr . inet_proto . inet_service;${elems(svc(6, false))} }`,
    `  set svcany6 { type ipv6_addr . inet_proto;${elems(svc(6, true))} }`,
    `  set nat6 { type ipv6_addr . inet_proto . inet_service;${elems(nat(6))} }`,
  ];
  for (const iface of spec.ifaces) {
    lines.push(
      `  chain in_${iface.replace(/[^A-Za-z0-9_]/g, '_')} {`,
      `    type filter hook ingress device "${iface}" priority -500; policy accept;`,
      `    ip daddr . meta l4proto . th dport @svc4 counter drop`,
      `    ip daddr . meta l4proto @svcany4 counter drop`,
      `    ip saddr . meta l4proto . th sport @nat4 counter drop`,
      `    ip6 daddr . meta l4proto . th dport @svc6 counter drop`,
      `    ip6 daddr . meta l4proto @svcany6 counter drop`,
      `    ip6 saddr . meta l4proto . th sport @nat6 counter drop`,
      `  }`,
    );
  }
  lines.push('}', '');
  return lines.join('\n');
}

/**
 * The nftables binary. Looked up in the system directories first: under npm, PATH starts with
 * node_modules/.bin, where an unrelated package (@vercel/nft, a dependency of the test runner)
 * installs a program also called `nft`.
 */
export function systemNft(): string {
  for (const dir of ['/usr/sbin', '/sbin', '/usr/bin', '/bin', '/usr/local/sbin']) {
    if (existsSync(`${dir}/nft`)) return `${dir}/nft`;
  }
  return 'nft';
}

function runNft(
  args: string[],
  input: string | null,
  opts: GuardOptions,
): { status: number; stdout: string; stderr: string } {
  const nft = opts.nft ?? systemNft();
  const cmd = opts.netns === undefined ? nft : 'ip';
  const argv = opts.netns === undefined ? args : ['netns', 'exec', opts.netns, nft, ...args];
  const r = spawnSync(cmd, argv, { input: input ?? '', encoding: 'utf8', timeout: 10_000 });
  if (r.error) throw new GuardError(`cannot run ${nft}: ${r.error.message}`);
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Install (or replace) the guard; throws GuardError with nft's message when it cannot. */
export function installGuard(spec: GuardSpec, opts: GuardOptions = {}): void {
  const r = runNft(['-f', '-'], guardRuleset(spec), opts);
  if (r.status !== 0) throw new GuardError(`nft refused the guard ruleset: ${r.stderr.trim()}`);
}

/** Remove the guard table; a missing table is not an error. */
export function removeGuard(table = 'uvs', opts: GuardOptions = {}): void {
  if (!TABLE_RE.test(table)) throw new GuardError(`invalid guard table name: ${table}`);
  const script = `table netdev ${table}\ndelete table netdev ${table}\n`;
  const r = runNft(['-f', '-'], script, opts);
  if (r.status !== 0) throw new GuardError(`nft could not remove table netdev ${table}: ${r.stderr.trim()}`);
}

/** Packets dropped by each guard rule, keyed "<chain>:<set>"; null when the table is absent. */
export function guardCounters(table = 'uvs', opts: GuardOptions = {}): Map<string, number> | null {
  const r = runNft(['-j', 'list', 'table', 'netdev', table], null, opts);
  if (r.status !== 0) return null;
  const out = new Map<string, number>();
  const doc = JSON.parse(r.stdout) as { nftables: Record<string, unknown>[] };
  for (const item of doc.nftables) {
    const rule = item['rule'] as { chain: string; expr: Record<string, unknown>[] } | undefined;
    if (!rule) continue;
    let set = '';
    let packets = 0;
    for (const e of rule.expr) {
      const m = e['match'] as { right?: unknown } | undefined;
      if (m && typeof m.right === 'string' && m.right.startsWith('@')) set = m.right.slice(1);
      const c = e['counter'] as { packets?: number } | undefined;
      if (c && typeof c.packets === 'number') packets = c.packets;
    }
    out.set(`${rule.chain}:${set}`, packets);
  }
  return out;
}
