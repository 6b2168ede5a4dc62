/**
 * Network namespaces and veth pairs for native tests, with guaranteed cleanup.
 *
 * Every namespace is named `uvst-<pid>-<tag>-<n>`: unique per process (ava runs test files in
 * parallel processes) and recognisable, so a later run removes namespaces left by a process that
 * died (its pid no longer exists). Namespaces are removed by destroy() (register it with
 * t.teardown), and again on process exit/SIGINT/SIGTERM. IPv6 is disabled in each namespace so
 * the kernel sends no router solicitations or MLD reports onto test links.
 * Needs root (CAP_SYS_ADMIN + CAP_NET_ADMIN).
 */
import { execFileSync } from 'node:child_process';

const PREFIX = `uvst-${process.pid}-`;
const live = new Set<string>();
let hooked = false;

export const isRoot = process.getuid?.() === 0;

function run(cmd: string, args: readonly string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
}

function delNs(name: string): void {
  try {
    run('ip', ['netns', 'del', name]);
  } catch {
    // already gone
  }
  live.delete(name);
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const n of [...live]) delNs(n);
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      for (const n of [...live]) delNs(n);
      process.exit(130);
    });
  }
}

/** Removes uvst-* namespaces whose creating process is gone. */
export function sweepStale(): void {
  let list = '';
  try {
    list = run('ip', ['netns', 'list']);
  } catch {
    return;
  }
  for (const line of list.split('\n')) {
    const m = /^(uvst-(\d+)-\S+)/.exec(line);
    if (m === null) continue;
    const pid = Number(m[2]);
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch {
      alive = false;
    }
    if (!alive) delNs(m[1]!);
  }
}

export interface VethEnd {
  ns: string;
  ifname: string;
  /** e.g. "10.201.1.1/24" */
  addr?: string;
}

export class NetnsRig {
  private readonly tag: string;
  private readonly mine: string[] = [];
  private n = 0;

  constructor(tag: string) {
    if (!/^[a-z0-9]{1,12}$/.test(tag)) throw new Error(`bad rig tag ${tag}`);
    this.tag = tag;
    hookExit();
    sweepStale();
  }

  /** Creates a namespace with lo up and IPv6 off; returns its name. */
  ns(): string {
    const name = `${PREFIX}${this.tag}-${this.n++}`;
    delNs(name);
    run('ip', ['netns', 'add', name]);
    live.add(name);
    this.mine.push(name);
    this.ip(name, 'link', 'set', 'lo', 'up');
    this.exec(
      name,
      'sysctl',
      '-qw',
      'net.ipv6.conf.all.disable_ipv6=1',
      'net.ipv6.conf.default.disable_ipv6=1',
    );
    return name;
  }

  /** A veth pair between two namespaces, both ends up. txOffload=false turns tx checksum/TSO off on both. */
  veth(a: VethEnd, b: VethEnd, opts: { txOffload?: boolean } = {}): void {
    this.ip(a.ns, 'link', 'add', a.ifname, 'type', 'veth', 'peer', 'name', b.ifname, 'netns', b.ns);
    for (const end of [a, b]) {
      if (end.addr !== undefined) this.ip(end.ns, 'addr', 'add', end.addr, 'dev', end.ifname);
      if (opts.txOffload === false)
        this.exec(end.ns, 'ethtool', '-K', end.ifname, 'tx', 'off', 'tso', 'off', 'gso', 'off');
      this.ip(end.ns, 'link', 'set', end.ifname, 'up');
    }
  }

  ip(ns: string, ...args: string[]): string {
    return run('ip', ['-n', ns, ...args]);
  }

  exec(ns: string, cmd: string, ...args: string[]): string {
    return run('ip', ['netns', 'exec', ns, cmd, ...args]);
  }

  /** MAC address of an interface, as 6 bytes. */
  mac(ns: string, ifname: string): Uint8Array {
    const out = this.ip(ns, '-j', 'link', 'show', 'dev', ifname);
    const parsed = JSON.parse(out) as { address: string }[];
    return Uint8Array.from(parsed[0]!.address.split(':').map((h) => parseInt(h, 16)));
  }

  destroy(): void {
    for (const name of this.mine.splice(0)) delNs(name);
  }
}
