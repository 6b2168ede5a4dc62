/**
 * `uvs demo` (and `npm run demo`): ARCHITECTURE §6. Builds a client / director / 3 real-server
 * topology in network namespaces (netns/lib), runs `uvsd` in DR, TUN and NAT in turn with rr,
 * sends real HTTP requests through the VIP, prints which real server answered each, a table per
 * mode, the `uvsadm -Ln --stats` listing, and a summary; then removes everything.
 *
 * Composition only: the topology, uvsd, `uvs decap`, the servers and the client are child
 * processes; the counters come over the control socket. Console output is for a person: uvsd's
 * JSON logs go to files in a temporary folder whose path is printed only when something fails.
 * Must not: touch anything when not root or when a tool is missing (it checks first and says
 * what it needs); leave a namespace behind (withTopology tears down in `finally`, and ns.ts on
 * exit and SIGINT/SIGTERM). Bounded: 12 requests per mode, 3 s each, every wait has a deadline.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { controlRequest } from '../io/control-socket.js';
import type { ListJson } from './dataplane.js';
import { findTool, projectRoot, runPrefix } from '../../netns/lib/ns.js';
import { withTopology, type Topology } from '../../netns/lib/topology.js';
import { startDirector } from '../../netns/lib/director.js';
import { sendRequests } from '../../netns/lib/traffic.js';
import {
  formatAnswerTable,
  formatStatsListing,
  formatSummary,
  indent,
  MODE_LABEL,
  type DemoMode,
  type SummaryRow,
} from './demo-format.js';

export interface DemoOptions {
  /** HTTP requests per mode (default 12). */
  requests?: number;
  /** Real servers (default 3). */
  realServers?: number;
  /** Where text goes (default stdout); errors go to `err` (default stderr). */
  out?: (text: string) => void;
  err?: (text: string) => void;
}

const MODES: readonly DemoMode[] = ['dr', 'tun', 'nat'];

const WHAT: Record<DemoMode, string> = {
  dr: 'direct routing: uvsd rewrites only the MAC; the real servers hold the VIP on lo\n   and answer the client directly',
  tun: 'IP-in-IP tunnel: uvsd encapsulates; `uvs decap` on each real server unwraps;\n   the replies go straight to the client',
  nat: 'masquerading: uvsd rewrites the VIP to the real server; the replies, routed back via\n   the director, are rewritten back to the VIP',
};

const FLAG: Record<DemoMode, string> = { dr: '-g', tun: '-i', nat: '-m' };

/** preflight says why the demo cannot run here, or null when it can. Touches nothing. */
export function preflight(): string | null {
  if (process.getuid?.() !== 0)
    return [
      'uvs demo needs root: it creates network namespaces, veth pairs and a bridge (CAP_SYS_ADMIN,',
      'CAP_NET_ADMIN), and uvsd opens AF_PACKET sockets and installs an nftables guard inside its',
      'namespace (CAP_NET_RAW, CAP_NET_ADMIN). Nothing outside its own namespaces is changed, and',
      'they are removed at the end. Run it as root, e.g.: sudo npm run demo',
    ].join('\n');
  const missing: string[] = [];
  if (findTool('ip') === null) missing.push("'ip' (Debian package iproute2)");
  if (findTool('nft') === null) missing.push("'nft' (Debian package nftables)");
  if (missing.length > 0)
    return `uvs demo needs ${missing.join(' and ')}: run \`bash scripts/install-deps.sh\` (or apt-get install them)`;
  if (!existsSync(join(projectRoot(), 'build', 'Release', 'uvs_native.node')))
    return 'uvs demo needs the native addon: run `npm install` (it builds it with node-gyp)';
  return null;
}

function rulesFor(topo: Topology, mode: DemoMode): string {
  const svc = `${topo.vip}:${topo.vport}`;
  const lines = [`-A -t ${svc} -s rr`];
  for (const rs of topo.realServers)
    lines.push(`-a -t ${svc} -r ${rs.addr}:${topo.vport} ${FLAG[mode]} -w 1`);
  return `${lines.join('\n')}\n`;
}

/** The listing: bin/uvsadm when it works, else the control API's `list` in the same layout. */
async function listing(socket: string): Promise<{ title: string; text: string; list: ListJson }> {
  const reply = (await controlRequest(socket, { v: 1, op: 'list' })) as {
    ok?: boolean;
    result?: ListJson;
    error?: { message?: string };
  };
  if (reply.ok !== true || reply.result === undefined)
    throw new Error(`control API list failed: ${reply.error?.message ?? 'no result'}`);
  const root = projectRoot();
  if (existsSync(join(root, 'dist', 'src', 'cli', 'uvsadm.js'))) {
    const r = spawnSync(process.execPath, [join(root, 'bin', 'uvsadm'), '-Ln', '--stats'], {
      encoding: 'utf8',
      timeout: 10_000,
      env: { ...process.env, UVS_SOCKET: socket },
    });
    if (r.status === 0 && r.stdout.startsWith('IP Virtual Server'))
      return { title: '$ uvsadm -Ln --stats', text: r.stdout, list: reply.result };
  }
  return {
    title: "the control API's list, in the layout of uvsadm -Ln --stats (bin/uvsadm is not available)",
    text: formatStatsListing(reply.result),
    list: reply.result,
  };
}

async function runMode(
  mode: DemoMode,
  opts: Required<Pick<DemoOptions, 'requests' | 'realServers'>>,
  workDir: string,
  out: (s: string) => void,
): Promise<SummaryRow> {
  const t0 = Date.now();
  out(`\n== ${MODE_LABEL[mode]}, ${WHAT[mode]}\n`);
  out('  building the topology ... ');
  const row = await withTopology(
    { tag: 'demo', mode, realServers: opts.realServers, clients: 1, logDir: workDir },
    async (topo) => {
      out(`ok\n  starting uvsd on the director (rr over ${topo.realServers.length} real servers) ... `);
      const dir = await startDirector(topo, { rules: rulesFor(topo, mode), workDir, name: `uvsd-${mode}` });
      out('ready\n');
      out(`  ${opts.requests} HTTP requests from ${topo.clients[0]!.addr} to ${topo.vip}:${topo.vport}:`);
      const answers = await sendRequests(topo, {
        kind: 'http',
        count: opts.requests,
        onAnswer: (a) => out(` ${a.answer.startsWith('error') ? '!' : a.answer}`),
      });
      out('\n\n');
      const rows = topo.realServers.map((rs) => ({
        role: rs.role,
        addr: `${rs.addr}:${topo.vport}`,
        count: answers.filter((a) => a.answer === rs.role).length,
      }));
      const errors = answers.filter((a) => !topo.realServers.some((rs) => rs.role === a.answer));
      out(formatAnswerTable(rows, errors.length, answers.length));
      for (const e of errors.slice(0, 3)) out(`    request ${e.i + 1}: ${e.answer}\n`);
      const l = await listing(dir.socket);
      out(`\n  ${l.title}\n${indent(l.text)}`);
      const svc = l.list.services[0];
      const replies =
        mode === 'nat'
          ? `replies came back through the director (OutPkts ${svc?.stats.outPkts ?? 0})`
          : `replies bypassed the director (OutPkts ${svc?.stats.outPkts ?? 0})`;
      out(`  ${replies}\n`);
      const code = await dir.stop();
      if (code !== 0) throw new Error(`uvsd exited with code ${String(code)} (log: ${dir.logFile})`);
      out('  uvsd stopped cleanly\n');
      const answered = answers.length - errors.length;
      return {
        mode,
        answered,
        total: answers.length,
        counts: rows.map((r) => r.count),
        note: answered === answers.length ? '' : 'some requests failed',
      };
    },
  );
  out(`  namespaces removed (${MODE_LABEL[mode]} took ${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
  return row;
}

/** runDemo runs the whole demo; resolves with the process exit code (0 when every request was answered). */
export async function runDemo(options: DemoOptions = {}): Promise<number> {
  const out = options.out ?? ((s: string) => void process.stdout.write(s));
  const err = options.err ?? ((s: string) => void process.stderr.write(s));
  const opts = { requests: options.requests ?? 12, realServers: options.realServers ?? 3 };
  const why = preflight();
  if (why !== null) {
    err(`${why}\n`);
    return 1;
  }
  const started = Date.now();
  const workDir = mkdtempSync(join(tmpdir(), 'uvs-demo-'));
  let keepLogs = false;
  const removeWorkDir = (): void => {
    if (!keepLogs) rmSync(workDir, { recursive: true, force: true });
  };
  process.on('exit', removeWorkDir);
  const roles = Array.from({ length: opts.realServers }, (_, i) => `rs${i + 1}`);
  out(
    [
      'uvs demo: a client, a director running uvsd and 3 real servers, each in its own network namespace',
      `(names ${runPrefix('demo')}*) on one bridged LAN 10.77.0.0/24; VIP 10.77.0.100:80, scheduler rr.`,
      'Each real server answers HTTP with its own name, so every answer shows who served it.',
      '',
    ]
      .join('\n')
      .replace('3 real servers', `${opts.realServers} real servers`),
  );
  const rows: SummaryRow[] = [];
  let failed = false;
  for (const mode of MODES) {
    try {
      rows.push(await runMode(mode, opts, workDir, out));
    } catch (e) {
      failed = true;
      out('\n');
      err(`uvs demo: ${MODE_LABEL[mode]} failed: ${e instanceof Error ? e.message : String(e)}\n`);
      rows.push({ mode, answered: 0, total: opts.requests, counts: null, note: 'did not run to the end' });
    }
  }
  out(`\n== Summary: ${opts.requests} HTTP requests per mode, rr over ${opts.realServers} real servers\n`);
  out(formatSummary(roles, rows));
  const allAnswered = rows.every((r) => r.counts !== null && r.answered === r.total);
  if (failed || !allAnswered) {
    keepLogs = true;
    err(`uvs demo: not every request was answered; logs (uvsd, servers) are in ${workDir}\n`);
    return 1;
  }
  removeWorkDir();
  process.off('exit', removeWorkDir);
  out(
    `\nEvery request was answered in every mode; everything was removed (${((Date.now() - started) / 1000).toFixed(1)} s).\n`,
  );
  return 0;
}
