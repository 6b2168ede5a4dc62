/**
 * Facts about a network interface that uvsd needs at start: its MAC, MTU, and the director's own
 * addresses on it (the source of ARP requests, TUN outer headers and ICMP errors it originates).
 * Read from sysfs and `ip -j addr` (iproute2), never guessed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

export interface NetdevInfo {
  name: string;
  mac: string;
  mtu: number;
  ipv4: string[];
  /** Global-scope IPv6 addresses. */
  ipv6: string[];
}

export class NetdevError extends Error {
  readonly code = 'UVS_ERR_NETDEV';
}

export function netdevInfo(name: string): NetdevInfo {
  const base = `/sys/class/net/${name}`;
  if (!/^[A-Za-z0-9_.:@-]{1,15}$/.test(name) || !existsSync(base)) {
    throw new NetdevError(`no network interface named ${name}`);
  }
  const mac = readFileSync(`${base}/address`, 'utf8').trim();
  const mtu = Number(readFileSync(`${base}/mtu`, 'utf8').trim());
  const r = spawnSync('ip', ['-j', 'addr', 'show', 'dev', name], { encoding: 'utf8', timeout: 5000 });
  if (r.status !== 0) throw new NetdevError(`ip addr show dev ${name} failed: ${r.stderr.trim()}`);
  const doc = JSON.parse(r.stdout) as { addr_info?: { family: string; local: string; scope: string }[] }[];
  const info = doc[0]?.addr_info ?? [];
  return {
    name,
    mac,
    mtu,
    ipv4: info.filter((a) => a.family === 'inet').map((a) => a.local),
    ipv6: info.filter((a) => a.family === 'inet6' && a.scope === 'global').map((a) => a.local),
  };
}
