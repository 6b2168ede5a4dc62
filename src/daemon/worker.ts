/**
 * The forwarding worker thread's entry: opens its AF_PACKET socket(s) in the daemon's fanout
 * group, runs a Forwarder, and answers the main thread's requests between batches.
 *
 * Sockets: PACKET_VNET_HDR (GSO super-frames in, checksum/segmentation offload out; see
 * engine/offload.ts) unless init.offload is false, and fanout mode 'cbpf' with the program of
 * io/fanout-bpf.ts built from the current rules, so a NAT conn's replies come to the worker that
 * owns the conn. Every 'sync' installs the new rules' program (the group shares one program;
 * each worker sets the same one, the last write wins with identical content).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { UvsError } from '../control/errors.js';
import type { RuleSet } from '../control/model.js';
import { AfPacketLink, bpfFilter, type BpfInsn } from '../io/afpacket-link.js';
import { fanoutProgram } from '../io/fanout-bpf.js';
import { fanoutSpecOf } from './fanout-spec.js';
import { Forwarder } from './forwarder.js';
import { createLogger } from './log.js';
import type { WorkerInit, WorkerReply, WorkerRequest } from './worker-protocol.js';

const port = parentPort;
if (port === null) throw new Error('uvsd worker: not started as a worker thread');
const init = workerData as WorkerInit;
const post = (m: WorkerReply): void => port.postMessage(m);
const log = createLogger('uvsd-worker');

/** The fanout program for `rules`, or null (logged) when it cannot be built. */
function programFor(rules: RuleSet): BpfInsn[] | null {
  try {
    return fanoutProgram(fanoutSpecOf(rules));
  } catch (err) {
    log.error(
      { err: err instanceof Error ? err.message : String(err) },
      'fanout program not updated: NAT replies may reach another worker than their conn',
    );
    return null;
  }
}

let fwd: Forwarder;
let links: AfPacketLink[];
try {
  const initial = programFor(init.forwarder.rules) ?? programFor({ services: [] })!;
  links = init.ifaces.map((ifname) =>
    AfPacketLink.open({
      ifname,
      ...(init.netns === '' ? {} : { netns: init.netns }),
      fanout: { group: init.fanoutGroup, mode: 'cbpf', program: initial },
      vnetHdr: init.offload ?? true,
      filter: bpfFilter(),
    }),
  );
  let lastGsoLog = -Infinity;
  fwd = new Forwarder(init.forwarder, links, () => performance.now(), {
    onLearned: (af, words, mac) => post({ id: -2, t: 'learned', af, words, mac }),
    onGsoDrops: (total) => {
      const now = performance.now();
      if (now - lastGsoLog < 10_000) return;
      lastGsoLog = now;
      log.warn(
        { gsoUnsupported: total },
        'dropping GSO super-frames that cannot be segmented (TUN forwarding): turn TSO/GRO off ' +
          "towards the director (ethtool -K IFACE tso off gso off gro off) or lower the clients' MSS",
      );
    },
  });
  fwd.start();
  post({ id: -1, ok: true, value: 'ready' });
} catch (err) {
  post({
    id: -1,
    ok: false,
    code: 'UVS_ERR_WORKER_START',
    message: err instanceof Error ? err.message : String(err),
  });
  process.exit(1);
}

/**
 * The engine's status plus the links' counters (`link`, summed over links) and this worker's
 * share (`workerRx`, `workerConns` keyed by worker number): the main thread adds the workers'
 * numbers up key by key.
 */
function statusOf(engine: Record<string, unknown>): Record<string, unknown> {
  const link: Record<string, number> = {};
  for (const l of links) {
    const st: Record<string, number> = { ...l.stats() };
    for (const k of Object.keys(st)) link[k] = (link[k] ?? 0) + st[k]!;
  }
  const me = String(init.index ?? 0);
  return {
    ...engine,
    link,
    workerRx: { [me]: engine['rxFrames'] as number },
    workerConns: { [me]: engine['conns'] as number },
  };
}

port.on('message', (req: WorkerRequest) => {
  void handle(req).then(post);
});

async function handle(req: WorkerRequest): Promise<WorkerReply> {
  try {
    const plane = fwd.plane;
    switch (req.t) {
      case 'sync': {
        plane.sync(req.from, req.to);
        const prog = programFor(req.to);
        if (prog !== null) for (const l of links) l.setFanoutProgram(prog);
        return { id: req.id, ok: true, value: null };
      }
      case 'timeouts':
        plane.setTimeouts(req.timeouts);
        return { id: req.id, ok: true, value: null };
      case 'get-timeouts':
        return { id: req.id, ok: true, value: plane.timeouts() };
      case 'zero':
        plane.zero(req.svc);
        return { id: req.id, ok: true, value: null };
      case 'list':
        return { id: req.id, ok: true, value: plane.list(req.svc) };
      case 'list-conns':
        return { id: req.id, ok: true, value: plane.listConns() };
      case 'status':
        return { id: req.id, ok: true, value: statusOf(plane.status()) };
      case 'neighbor':
        fwd.learnNeighbor(req.af, req.words, req.mac);
        return { id: req.id, ok: true, value: null };
      case 'stop':
        await fwd.stop();
        return { id: req.id, ok: true, value: null };
    }
  } catch (err) {
    const code = err instanceof UvsError ? err.code : 'UVS_ERR_INTERNAL';
    const message =
      err instanceof UvsError ? err.ipvsadmMessage : err instanceof Error ? err.message : String(err);
    return { id: req.id, ok: false, code, message };
  }
}
