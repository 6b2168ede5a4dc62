// uvsd with real traffic: a client, a director running uvsd and two real servers on one bridged
// LAN, each in its own network namespace (netns/lib). HTTP requests through the VIP in DR, TUN
// (real servers decapsulate with `uvs decap`) and NAT reach both servers in rr order; the control
// socket shows the counters; SIGTERM removes the guard. Bounded: 6 requests per mode, every wait
// has a deadline, namespaces removed in all cases.
import test, { type ExecutionContext } from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { controlRequest } from '../../src/io/control-socket.js';
import { systemNft } from '../../src/io/nft-guard.js';
import { withTopology, type FwdMode } from '../../netns/lib/topology.js';
import { startDirector } from '../../netns/lib/director.js';
import { sendRequests } from '../../netns/lib/traffic.js';
import { tryRun } from '../../netns/lib/ns.js';

const isRoot = process.getuid?.() === 0;

async function runMode(t: ExecutionContext, mode: FwdMode): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'uvs-smoke-'));
  try {
    await withTopology({ tag: `smoke${mode}`, mode, realServers: 2 }, async (topo) => {
      const flag = { dr: '-g', tun: '-i', nat: '-m' }[mode];
      const vip = `${topo.vip}:${topo.vport}`;
      const rules = [
        `-A -t ${vip} -s rr`,
        ...topo.realServers.map((rs) => `-a -t ${vip} -r ${rs.addr}:${topo.vport} ${flag} -w 1`),
      ];
      const uvsd = await startDirector(topo, { rules: `${rules.join('\n')}\n`, workDir: dir });
      const guarded = (): boolean =>
        tryRun('ip', ['netns', 'exec', topo.director.ns, systemNft(), 'list', 'table', 'netdev', 'uvs']) !==
        null;
      try {
        const answers = (await sendRequests(topo, { kind: 'http', count: 6 })).map((a) => a.answer);
        t.deepEqual(answers, ['rs2', 'rs1', 'rs2', 'rs1', 'rs2', 'rs1'], uvsd.proc.output());
        const list = (await controlRequest(uvsd.socket, { v: 1, op: 'list' })) as {
          result: { services: { stats: { conns: number; inPkts: number; outPkts: number } }[] };
        };
        const svc = list.result.services[0]!;
        t.is(svc.stats.conns, 6);
        t.true(svc.stats.inPkts >= 6 * 4, `in packets ${svc.stats.inPkts}`);
        if (mode === 'nat') t.true(svc.stats.outPkts >= 6 * 3, `out packets ${svc.stats.outPkts}`);
        else t.is(svc.stats.outPkts, 0, 'DR/TUN replies bypass the director');
        t.true(guarded(), 'guard installed while running');
      } finally {
        t.is(await uvsd.stop(), 0, uvsd.proc.output());
      }
      t.false(guarded(), 'guard removed on exit');
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const [mode, title] of [
  ['dr', 'uvsd DR: HTTP through the VIP, rr over two real servers, replies bypass the director'],
  ['tun', 'uvsd TUN: HTTP through the VIP to real servers decapsulating with uvs decap'],
  ['nat', 'uvsd NAT: HTTP through the VIP, rr over two real servers, replies un-NATed'],
] as const) {
  test.serial(title, async (t) => {
    if (!isRoot) {
      t.pass('needs root');
      return;
    }
    await runMode(t, mode);
  });
}
