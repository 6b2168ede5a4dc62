/**
 * The forwarding worker thread's entry: opens its AF_PACKET socket(s) in the daemon's fanout
 * group, runs a Forwarder, and answers the main thread's requests between batches.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { UvsError } from '../control/errors.js';
import { AfPacketLink, bpfFilter } from '../io/afpacket-link.js';
import type { Link } from '../io/link.js';
import { Forwarder } from './forwarder.js';
import type { WorkerInit, WorkerReply, WorkerRequest } from './worker-protocol.js';

const port = parentPort;
if (port === null) throw new Error('uvsd worker: not started as a worker thread');
const init = workerData as WorkerInit;
const post = (m: WorkerReply): void => port.postMessage(m);

let fwd: Forwarder;
try {
  const links: Link[] = init.ifaces.map((ifname) =>
    AfPacketLink.open({
      ifname,
      ...(init.netns === '' ? {} : { netns: init.netns }),
      fanout: { group: init.fanoutGroup, mode: 'hash' },
      filter: bpfFilter(),
    }),
  );
  fwd = new Forwarder(init.forwarder, links, () => performance.now());
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

port.on('message', (req: WorkerRequest) => {
  void handle(req).then(post);
});

async function handle(req: WorkerRequest): Promise<WorkerReply> {
  try {
    const plane = fwd.plane;
    switch (req.t) {
      case 'sync':
        plane.sync(req.from, req.to);
        return { id: req.id, ok: true, value: null };
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
        return { id: req.id, ok: true, value: plane.status() };
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
