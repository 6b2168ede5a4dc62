/**
 * Host and service names for uvsadm, as ipvsadm gets them from libc: forward (gethostbyname
 * restricted to IPv4, getservbyname) to turn a command line into the numeric text the daemon
 * takes, and reverse (gethostbyaddr, getservbyport) for listings and `-S` without `-n`.
 *
 * Owns: the NameService interface, the system implementation (node:dns lookup / lookupService
 * through the system resolver, so /etc/hosts and nsswitch apply; /etc/services read once), and
 * the resolve-and-parse-again loop around parseIpvsadmArgs / parseRulesFile.
 * Must not: print, exit, or talk to the daemon. A name that does not resolve makes the parse fail
 * exactly as ipvsadm's does (the grammar reports it; this module only fills the resolver).
 */
import { lookup, lookupService } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import type { Af } from '../control/addr-text.js';
import { parseIpvsadmArgs } from '../control/ipvsadm-args.js';
import type { NameResolver, ParseFailure, ParsedCommand, Unresolved } from '../control/ipvsadm-args.js';
import type { Proto, RuleSet } from '../control/model.js';
import { parseRulesFile, type RulesFileResult } from '../control/rules-file.js';
import type { ListNames } from './ipvsadm-list.js';

export interface NameService {
  hostByName(name: string): Promise<string | undefined>;
  serviceByName(name: string, proto: Proto): Promise<number | undefined>;
  hostByAddr(af: Af, addr: string): Promise<string | undefined>;
  serviceByPort(port: number, proto: Proto): Promise<string | undefined>;
}

interface ServEntry {
  name: string;
  port: number;
  proto: string;
  aliases: string[];
}

/** /etc/services entries in file order (getservbyname/getservbyport take the first match). */
export function parseServices(text: string): ServEntry[] {
  const out: ServEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    const m = /^(\S+)\s+(\d+)\/(\S+)\s*(.*)$/.exec(line);
    if (m === null) continue;
    out.push({ name: m[1]!, port: Number(m[2]), proto: m[3]!, aliases: m[4]!.split(/\s+/).filter(Boolean) });
  }
  return out;
}

/** The system's resolvers. DNS may be slow; ipvsadm waits on it the same way. */
export function systemNameService(servicesPath = '/etc/services'): NameService {
  let services: ServEntry[] | null = null;
  const table = (): ServEntry[] => {
    if (services === null) {
      try {
        services = parseServices(readFileSync(servicesPath, 'utf8'));
      } catch {
        services = [];
      }
    }
    return services;
  };
  return {
    async hostByName(name) {
      try {
        return (await lookup(name, { family: 4 })).address;
      } catch {
        return undefined;
      }
    },
    serviceByName(name, proto) {
      const e = table().find((s) => s.proto === proto && (s.name === name || s.aliases.includes(name)));
      return Promise.resolve(e?.port);
    },
    async hostByAddr(_af, addr) {
      try {
        const { hostname } = await lookupService(addr, 0);
        return hostname === addr || hostname === '' ? undefined : hostname;
      } catch {
        return undefined;
      }
    },
    serviceByPort(port, proto) {
      return Promise.resolve(table().find((s) => s.proto === proto && s.port === port)?.name);
    },
  };
}

/** A NameResolver (sync, for the grammar) backed by names already looked up. */
export class ResolvedNames implements NameResolver {
  private readonly hosts = new Map<string, string | undefined>();
  private readonly services = new Map<string, number | undefined>();

  constructor(private readonly ns: NameService) {}

  /** Whether any name was looked up (the command line was not all numeric). */
  get used(): boolean {
    return this.hosts.size > 0 || this.services.size > 0;
  }

  host(name: string): string | undefined {
    return this.hosts.get(name);
  }

  service(name: string, proto: Proto): number | undefined {
    return this.services.get(`${proto}/${name}`);
  }

  /** Look the name up; false when it was already tried (so the caller stops retrying). */
  async learn(u: Unresolved): Promise<boolean> {
    if (u.kind === 'host') {
      if (this.hosts.has(u.name)) return false;
      this.hosts.set(u.name, await this.ns.hostByName(u.name));
      return true;
    }
    const key = `${u.proto}/${u.name}`;
    if (this.services.has(key)) return false;
    this.services.set(key, await this.ns.serviceByName(u.name, u.proto));
    return true;
  }
}

/** parseIpvsadmArgs, resolving each unknown name and parsing again until none is left. */
export async function parseWithNames(
  argv: readonly string[],
  program: string,
  names: ResolvedNames,
): Promise<ParsedCommand | ParseFailure> {
  for (;;) {
    const r = parseIpvsadmArgs(argv, { program, resolver: names });
    if (r.kind !== 'error' || r.unresolved === undefined || !(await names.learn(r.unresolved))) return r;
  }
}

/** parseRulesFile with the same loop (names in `-R` input and `--check` files). */
export async function parseRulesWithNames(
  text: string,
  program: string,
  names: ResolvedNames,
  base?: RuleSet,
): Promise<RulesFileResult> {
  for (;;) {
    const r = parseRulesFile(text, { program, resolver: names, ...(base ? { base } : {}) });
    if (r.ok || r.unresolved === undefined || !(await names.learn(r.unresolved))) return r;
  }
}

/** Reverse names for a listing: every address and port looked up once, then served synchronously. */
export async function reverseNames(
  ns: NameService,
  addrs: Iterable<[Af, string]>,
  ports: Iterable<[number, Proto]>,
): Promise<ListNames> {
  const hosts = new Map<string, string | undefined>();
  const servs = new Map<string, string | undefined>();
  const jobs: Promise<void>[] = [];
  for (const [af, a] of addrs) {
    if (hosts.has(a)) continue;
    hosts.set(a, undefined);
    jobs.push(ns.hostByAddr(af, a).then((h) => void hosts.set(a, h)));
  }
  for (const [p, proto] of ports) {
    const k = `${proto}/${p}`;
    if (servs.has(k)) continue;
    servs.set(k, undefined);
    jobs.push(ns.serviceByPort(p, proto).then((s) => void servs.set(k, s)));
  }
  await Promise.all(jobs);
  return { host: (_af, a) => hosts.get(a), service: (p, proto) => servs.get(`${proto}/${p}`) };
}
