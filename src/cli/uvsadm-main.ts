/**
 * uvsadm's logic, free of process globals so tests drive it with a stub transport: argv in,
 * stdout/stderr text and ipvsadm's exit status out.
 *
 * Owns: the command dispatch (parse with names -> control API op -> ipvsadm's output), the
 * "daemon not reachable" message, `--check FILE`.
 * Must not: import the engine, exit the process, or throw (every failure is a message and a status).
 * Exit statuses (ipvsadm 1.31): 0 ok; 2 parse errors (fail(2)) and "Can't initialize ipvs";
 * 255 kernel errors, popt errors and tryhelp_exit; 1 listing a missing service.
 * See docs/uvsadm.md for what differs from ipvsadm and why.
 */
import type { Af } from '../control/addr-text.js';
import { EXIT_LIST } from '../control/errors.js';
import type { ParsedCommand } from '../control/ipvsadm-args.js';
import type { IpvsTimeouts, Proto, RuleSet } from '../control/model.js';
import { formatRulesSave } from '../control/rules-file.js';
import type { ConnJson, ListJson } from '../daemon/dataplane.js';
import { numericArgv, numericRulesText } from './ipvsadm-argv.js';
import { formatConns, formatDaemons, formatList, formatTimeouts, type ListNames } from './ipvsadm-list.js';
import {
  parseRulesWithNames,
  parseWithNames,
  ResolvedNames,
  reverseNames,
  type NameService,
} from './ipvsadm-names.js';
import { usageText, versionText } from './ipvsadm-usage.js';

export interface UvsadmIo {
  /** The name ipvsadm would print as argv[0] (basename of how uvsadm was started). */
  program: string;
  /** The control socket path (for messages). */
  socket: string;
  stdout(text: string): void;
  stderr(text: string): void;
  readStdin(): Promise<string>;
  readFile(path: string): string;
  /** One control API request; rejects (with an errno `code`) when the daemon cannot be reached. */
  request(op: string, args?: Record<string, unknown>): Promise<unknown>;
  names: NameService;
}

/** A daemon error reply, carried to the top as ipvsadm's message and status. */
class Reply extends Error {
  constructor(
    readonly text: string,
    readonly exit: number,
    readonly line?: number,
  ) {
    super(text);
  }
}

/** The transport failed: the daemon is not there (ipvsadm's "Can't initialize ipvs", exit 2). */
class Unreachable extends Error {}

const EXIT_INIT = 2;
const EXIT_UNSUPPORTED = 255;

async function call(io: UvsadmIo, op: string, args?: Record<string, unknown>): Promise<unknown> {
  let resp: unknown;
  try {
    resp = await io.request(op, args);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    throw new Unreachable(typeof code === 'string' ? code : err instanceof Error ? err.message : String(err));
  }
  const r = resp as {
    ok?: unknown;
    result?: unknown;
    error?: { message?: unknown; exit?: unknown; line?: unknown };
  };
  if (r?.ok === true) return r.result;
  const e = r?.error ?? {};
  const exit = typeof e.exit === 'number' ? e.exit : 255;
  throw new Reply(
    typeof e.message === 'string' ? e.message : 'unexpected reply from uvsd',
    exit,
    typeof e.line === 'number' ? e.line : undefined,
  );
}

/** Run one uvsadm invocation; resolves to the exit status. Never rejects. */
export async function runUvsadm(argv: readonly string[], io: UvsadmIo): Promise<number> {
  try {
    if (argv[0] === '--check') return await check(argv.slice(1), io);
    const names = new ResolvedNames(io.names);
    const parsed = await parseWithNames(argv, io.program, names);
    if (parsed.kind === 'error') {
      io.stderr(parsed.stderr);
      return parsed.exitCode;
    }
    return await dispatch(parsed, argv, names, io);
  } catch (err) {
    if (err instanceof Reply) {
      io.stderr(`${err.text}\n`);
      if (err.line !== undefined) io.stderr(`${io.program}: -R: line ${err.line}; nothing was applied\n`);
      return err.exit;
    }
    if (err instanceof Unreachable) {
      io.stderr(
        `Can't initialize ipvs: cannot reach uvsd at ${io.socket} (${err.message})\n` +
          'Are you sure that uvsd is running? (UVS_SOCKET selects another control socket)\n',
      );
      return EXIT_INIT;
    }
    io.stderr(`${io.program}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 255;
  }
}

async function check(args: readonly string[], io: UvsadmIo): Promise<number> {
  const file = args[0];
  if (file === undefined || args.length > 1) {
    io.stderr(`${io.program}: --check takes one rules file\n`);
    return 2;
  }
  let text: string;
  try {
    text = io.readFile(file);
  } catch (err) {
    io.stderr(`${io.program}: ${file}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  const r = await parseRulesWithNames(text, io.program, new ResolvedNames(io.names));
  if (r.ok) return 0;
  io.stderr(`${file}:${r.error.line ?? 0}: ${r.error.ipvsadmMessage}\n`);
  return r.error.exitCode;
}

async function dispatch(
  c: ParsedCommand,
  argv: readonly string[],
  names: ResolvedNames,
  io: UvsadmIo,
): Promise<number> {
  switch (c.kind) {
    case 'help':
      io.stdout(usageText(io.program));
      return 0;
    case 'version':
      io.stdout(versionText());
      return 0;
    case 'start-daemon':
    case 'stop-daemon':
      io.stderr(`${io.program}: the connection sync daemon (--${c.kind}) is not supported by uvs yet\n`);
      return EXIT_UNSUPPORTED;
    case 'restore': {
      // Resolve names (and catch grammar errors) here against the current table; the daemon
      // checks again and applies the numeric text as one transaction.
      const raw = await io.readStdin();
      const base = ((await call(io, 'save')) as { ruleset: RuleSet }).ruleset;
      const checked = await parseRulesWithNames(raw, io.program, names, base);
      if (!checked.ok)
        throw new Reply(checked.error.ipvsadmMessage, checked.error.exitCode, checked.error.line);
      await call(io, 'restore', { text: numericRulesText(raw, names) });
      return 0;
    }
    case 'save': {
      const r = (await call(io, 'save')) as { ruleset: RuleSet };
      const rev = c.numeric ? undefined : await namesOfRules(io, r.ruleset);
      io.stdout(
        formatRulesSave(r.ruleset, rev === undefined ? { numeric: true } : { numeric: false, names: rev }),
      );
      return 0;
    }
    case 'list':
      return await list(c, io);
    case 'add-service':
    case 'edit-service':
    case 'delete-service':
    case 'add-dest':
    case 'edit-dest':
    case 'delete-dest':
    case 'clear':
    case 'zero':
    case 'set-timeouts': {
      // Table changes, -Z, -C, --set: numeric argv as typed, or rebuilt when names were used.
      const send = names.used ? numericArgv(c) : [...argv];
      if (send === null) throw new Error(`'${c.kind}' cannot be sent to uvsd`);
      await call(io, 'command', { argv: send });
      return 0;
    }
  }
}

async function list(c: Extract<ParsedCommand, { kind: 'list' }>, io: UvsadmIo): Promise<number> {
  const o = c.list;
  const json = (v: unknown): number => {
    io.stdout(`${JSON.stringify(v, null, 2)}\n`);
    return 0;
  };
  switch (c.target) {
    case 'timeout': {
      const t = (await call(io, 'get-timeouts')) as IpvsTimeouts;
      if (o.json) return json(t);
      io.stdout(formatTimeouts(t));
      return 0;
    }
    case 'daemon':
      await call(io, 'status');
      if (o.json) return json({ daemons: [] });
      io.stdout(formatDaemons());
      return 0;
    case 'connections': {
      const conns = (await call(io, 'list-conns')) as ConnJson[];
      if (o.json) return json(conns);
      const names = o.numeric ? undefined : await namesOfConns(io, conns);
      io.stdout(
        formatConns(conns, {
          numeric: o.numeric,
          persistentConn: o.persistentConn,
          ...(names ? { names } : {}),
        }),
      );
      return 0;
    }
    case 'all':
    case 'service': {
      let data: ListJson;
      try {
        data = (await call(
          io,
          'list',
          c.svc === null ? {} : { service: { proto: c.svc.proto, vaddr: c.svc.vaddr, vport: c.svc.vport } },
        )) as ListJson;
      } catch (err) {
        // list_service: "No such service" and exit 1; fwmark/sctp selectors name no uvs service either.
        if (err instanceof Reply && c.target === 'service') throw new Reply(err.text, EXIT_LIST);
        throw err;
      }
      if (o.json) return json(data);
      const rules = ((await call(io, 'save')) as { ruleset: RuleSet }).ruleset;
      const names = o.numeric ? undefined : await namesOfList(io, data);
      io.stdout(
        formatList(data, { list: o, oneService: c.target === 'service', rules, ...(names ? { names } : {}) }),
      );
      return 0;
    }
  }
}

const afOf = (a: string): Af => (a.includes(':') ? 6 : 4);

function namesOfList(io: UvsadmIo, l: ListJson): Promise<ListNames> {
  const addrs: [Af, string][] = [];
  const ports: [number, Proto][] = [];
  for (const s of l.services) {
    addrs.push([s.af, s.vaddr]);
    ports.push([s.vport, s.proto]);
    for (const d of s.dests) {
      addrs.push([afOf(d.addr), d.addr]);
      ports.push([d.port, s.proto]);
    }
  }
  return reverseNames(io.names, addrs, ports);
}

function namesOfConns(io: UvsadmIo, conns: readonly ConnJson[]): Promise<ListNames> {
  const addrs: [Af, string][] = [];
  const ports: [number, Proto][] = [];
  for (const c of conns) {
    const proto: Proto = c.proto === 'UDP' ? 'udp' : 'tcp';
    for (const [a, p] of [
      [c.caddr, c.cport],
      [c.vaddr, c.vport],
      [c.daddr, c.dport],
    ] as const) {
      addrs.push([afOf(a), a]);
      ports.push([p, proto]);
    }
  }
  return reverseNames(io.names, addrs, ports);
}

function namesOfRules(io: UvsadmIo, rs: RuleSet): Promise<ListNames> {
  const addrs: [Af, string][] = [];
  const ports: [number, Proto][] = [];
  for (const s of rs.services) {
    addrs.push([s.svc.af, s.svc.vaddr]);
    ports.push([s.svc.vport, s.svc.proto]);
    for (const d of s.dests) {
      addrs.push([d.af, d.daddr]);
      ports.push([d.dport, s.svc.proto]);
    }
  }
  return reverseNames(io.names, addrs, ports);
}
