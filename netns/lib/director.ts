/**
 * The director of a topology: runs `bin/uvsd --iface e0 --rules FILE --socket PATH` inside the
 * director namespace, waits until it is ready and has resolved the real servers, and stops it
 * with SIGTERM (uvsd then removes its nftables guard itself).
 *
 * Readiness: `uvsd ready` in its log, then every real server has an ARP entry for the director
 * (uvsd ARPs for unresolved dests once a second; a real server learns the director's MAC from
 * that request), then a short settle for the replies to reach the engine. Without this the first
 * SYN could meet an unresolved dest and cost a 1-s retransmission.
 * Must not: block for more than the given deadlines; leave uvsd running (teardown kills it).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot, tryRun, type SpawnedProcess } from './ns.js';
import type { Topology } from './topology.js';

export interface Director {
  readonly proc: SpawnedProcess;
  readonly socket: string;
  readonly logFile: string;
  /** SIGTERM, wait (5 s, then SIGKILL); resolves with uvsd's exit code. */
  stop(): Promise<number | null>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** startDirector writes `rules` (ipvsadm-save text) to `workDir` and runs uvsd with them. */
export async function startDirector(
  topo: Topology,
  opts: { rules: string; workDir: string; name?: string; extraArgs?: readonly string[] },
): Promise<Director> {
  const name = opts.name ?? 'uvsd';
  const rulesFile = join(opts.workDir, `${name}.rules`);
  const socket = join(opts.workDir, `${name}.sock`);
  const logFile = join(opts.workDir, `${name}.log`);
  writeFileSync(rulesFile, opts.rules);
  const argv = [
    process.execPath,
    join(projectRoot(), 'bin', 'uvsd'),
    '--iface',
    topo.director.ifname,
    '--rules',
    rulesFile,
    '--socket',
    socket,
    ...(opts.extraArgs ?? []),
  ];
  const proc = topo.spawn(topo.director.ns, name, argv, { logFile });
  await proc.waitFor('uvsd ready', 15_000);
  const deadline = Date.now() + 5000;
  for (const rs of topo.realServers) {
    for (;;) {
      const out = tryRun('ip', ['-n', rs.ns, 'neigh', 'show', topo.director.addr]) ?? '';
      if (out.trim() !== '') break;
      if (Date.now() > deadline) throw new Error(`uvsd did not resolve ${rs.role} (${rs.addr}) by ARP`);
      await sleep(50);
    }
  }
  await sleep(200);
  return { proc, socket, logFile, stop: () => proc.stop('SIGTERM', 5000) };
}
