/**
 * The control API, version 1 (docs/control-api.md): requests `{ v: 1, id, op, args }` from the
 * control socket, answered `{ v: 1, id, ok: true, result }` or `{ v: 1, id, ok: false, error:
 * { code, message, exit } }`.
 *
 * Owns: the daemon's canonical rule set and the mapping of each op onto it and the data plane.
 * A table change is a numeric ipvsadm command line (`args.argv`), parsed here by the same
 * grammar uvsadm uses, applied to a copy of the rule set with the kernel's checks, then synced to
 * the data plane by diff; on any error nothing changes. `restore` applies a whole ipvsadm-save
 * text as one transaction. Reads (`list`, `list-conns`, `save`, `status`) return JSON.
 * Hostile requests get a UVS_ERR_* reply; nothing a client sends throws out of `handle`.
 */
import { canonicalAddr } from '../control/addr-text.js';
import { UvsError } from '../control/errors.js';
import { parseIpvsadmArgs, type ParsedCommand } from '../control/ipvsadm-args.js';
import {
  cloneRuleSet,
  serviceKey,
  type IpvsTimeouts,
  type RuleSet,
  type ServiceKey,
} from '../control/model.js';
import { applyCommand } from '../control/rule-table.js';
import { formatRulesSave, parseRulesFile } from '../control/rules-file.js';
import type { DataPlane } from './dataplane.js';

export const API_VERSION = 1;
const MAX_ARGV = 64;
const MAX_ARG_LEN = 256;
const MAX_RESTORE_BYTES = 4 << 20;

export interface ApiResponse {
  v: 1;
  id: unknown;
  ok: boolean;
  result?: unknown;
  /** `line`: the 1-based line of a restore text that failed. */
  error?: { code: string; message: string; exit: number; line?: number };
}

export class ControlApi {
  private rules: RuleSet = { services: [] };
  private readonly started = Date.now();

  /** `onChange` runs after every committed table change (uvsd refreshes its kernel guard). */
  constructor(
    private readonly plane: DataPlane,
    private readonly version: string,
    private readonly onChange: (rules: RuleSet) => void = () => {},
  ) {}

  /** The current rule set (for reload diffs and tests). */
  get ruleset(): RuleSet {
    return this.rules;
  }

  /** Replace the whole table by diff (uvsd --rules at start and on SIGHUP). */
  async replaceRules(next: RuleSet, timeouts: IpvsTimeouts | null): Promise<void> {
    await this.plane.sync(this.rules, next);
    this.rules = next;
    if (timeouts !== null) await this.plane.setTimeouts(timeouts);
  }

  async handle(request: unknown): Promise<ApiResponse> {
    const id = isObject(request) && isScalar(request['id']) ? request['id'] : null;
    try {
      if (!isObject(request)) throw bad('request must be a JSON object');
      if (request['v'] !== API_VERSION)
        throw new UvsError('UVS_ERR_VERSION', `unsupported API version (this daemon speaks ${API_VERSION})`);
      const op = request['op'];
      const args = request['args'] ?? {};
      if (typeof op !== 'string') throw bad('op must be a string');
      if (!isObject(args)) throw bad('args must be an object');
      return { v: 1, id, ok: true, result: await this.dispatch(op, args) };
    } catch (err) {
      const e =
        err instanceof UvsError
          ? err
          : new UvsError('UVS_ERR_INTERNAL', err instanceof Error ? err.message : String(err));
      const error: ApiResponse['error'] = { code: e.code, message: e.ipvsadmMessage, exit: e.exitCode };
      if (e.line !== undefined) error.line = e.line;
      return { v: 1, id, ok: false, error };
    }
  }

  private async dispatch(op: string, args: Record<string, unknown>): Promise<unknown> {
    switch (op) {
      case 'status':
        return await this.status();
      case 'command':
        return await this.command(argvOf(args));
      case 'restore':
        return await this.restore(args['text']);
      case 'save':
        return { text: formatRulesSave(this.rules, { numeric: true }), ruleset: this.rules };
      case 'list':
        return await this.plane.list(keyOf(args['service']));
      case 'list-conns':
        return await this.plane.listConns();
      case 'get-timeouts':
        return await this.plane.timeouts();
      default:
        throw bad(`unknown op '${op}'`);
    }
  }

  private async status(): Promise<unknown> {
    return {
      version: this.version,
      api: API_VERSION,
      uptimeS: Math.floor((Date.now() - this.started) / 1000),
      services: this.rules.services.length,
      dests: this.rules.services.reduce((n, s) => n + s.dests.length, 0),
      ...(await this.plane.status()),
    };
  }

  /** One numeric ipvsadm command line that changes the table, the counters or the timeouts. */
  private async command(argv: string[]): Promise<unknown> {
    const parsed = parseIpvsadmArgs(argv);
    if (parsed.kind === 'error') throw parsed.error;
    const cmd: ParsedCommand = parsed;
    switch (cmd.kind) {
      case 'zero':
        if (cmd.svc !== null) this.requireService(cmd.svc);
        await this.plane.zero(cmd.svc);
        return {};
      case 'set-timeouts':
        await this.plane.setTimeouts(cmd.timeouts);
        return await this.plane.timeouts();
      case 'clear':
        return await this.commit({ services: [] });
      case 'add-service':
      case 'edit-service':
      case 'delete-service':
      case 'add-dest':
      case 'edit-dest':
      case 'delete-dest': {
        const next = cloneRuleSet(this.rules);
        const err = applyCommand(next, cmd);
        if (err !== null) throw err;
        return await this.commit(next);
      }
      case 'restore':
        throw bad("use op 'restore' with args.text for -R");
      case 'list':
      case 'save':
      case 'start-daemon':
      case 'stop-daemon':
      case 'help':
      case 'version':
        throw bad(`'${cmd.kind}' is not a table command: use op 'list', 'save' or 'status'`);
    }
  }

  private async restore(text: unknown): Promise<unknown> {
    if (typeof text !== 'string') throw bad('args.text must be a string');
    if (Buffer.byteLength(text) > MAX_RESTORE_BYTES)
      throw bad(`restore text over ${MAX_RESTORE_BYTES} bytes`);
    const parsed = parseRulesFile(text, { base: this.rules });
    if (!parsed.ok) throw parsed.error;
    const result = await this.commit(parsed.ruleset);
    if (parsed.timeouts !== null) await this.plane.setTimeouts(parsed.timeouts);
    return result;
  }

  private async commit(next: RuleSet): Promise<unknown> {
    await this.plane.sync(this.rules, next);
    this.rules = next;
    this.onChange(next);
    return { services: next.services.length };
  }

  private requireService(key: ServiceKey): void {
    const k = serviceKey(key);
    if (!this.rules.services.some((s) => serviceKey(s.svc) === k)) {
      throw new UvsError('UVS_ERR_NO_SUCH_SERVICE', 'No such service');
    }
  }
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isScalar(x: unknown): boolean {
  return x === null || typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x));
}

function bad(message: string): UvsError {
  return new UvsError('UVS_ERR_BAD_REQUEST', message);
}

function argvOf(args: Record<string, unknown>): string[] {
  const argv = args['argv'];
  if (!Array.isArray(argv) || argv.length === 0 || argv.length > MAX_ARGV) {
    throw bad(`args.argv must be an array of 1 to ${MAX_ARGV} strings`);
  }
  for (const a of argv) {
    if (typeof a !== 'string' || a.length > MAX_ARG_LEN)
      throw bad(`args.argv entries must be strings of at most ${MAX_ARG_LEN} characters`);
  }
  return argv as string[];
}

/** An optional service selector `{ proto, vaddr, vport }` (the list of one service). */
function keyOf(x: unknown): ServiceKey | null {
  if (x === undefined || x === null) return null;
  if (!isObject(x)) throw bad('args.service must be an object');
  const { proto, vaddr, vport } = x;
  if ((proto !== 'tcp' && proto !== 'udp') || typeof vaddr !== 'string' || typeof vport !== 'number') {
    throw bad('args.service needs proto (tcp|udp), vaddr and vport');
  }
  const af = vaddr.includes(':') ? 6 : 4;
  const canonical = canonicalAddr(af, vaddr);
  if (canonical === null || !Number.isInteger(vport) || vport < 0 || vport > 65535)
    throw bad('args.service: bad address or port');
  return { af, proto, vaddr: canonical, vport, fwmark: 0 };
}
