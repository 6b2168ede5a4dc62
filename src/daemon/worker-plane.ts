/**
 * WorkerDataPlane: the DataPlane of uvsd: N forwarding worker threads, each with its own engine
 * and its own AF_PACKET socket in one fanout group. Changes are checked on the main thread first
 * (planSync converts every spec; an error changes nothing anywhere), then sent to every worker,
 * which applies them between two batches; traffic never waits for the control plane.
 * Listings merge the workers' answers: counters and conn counts add up, conns concatenate.
 * A real server's MAC learned by one worker (ARP/NA answers reach only one socket of the fanout
 * group) is passed on to the others.
 */
import { Worker } from 'node:worker_threads';
import { planSync } from '../control/engine-apply.js';
import { UvsError, type UvsErrorCode } from '../control/errors.js';
import type { IpvsTimeouts, RuleSet, ServiceKey } from '../control/model.js';
import type { ConnJson, DataPlane, DestJson, ListJson, ServiceJson, StatsJson } from './dataplane.js';
import type { WorkerInit, WorkerLearned, WorkerReply, WorkerRequest } from './worker-protocol.js';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

/** Distributes a WorkerRequest without its id over every worker. */
type RequestBody = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export class WorkerDataPlane implements DataPlane {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  private constructor(private readonly workers: Worker[]) {
    for (const w of workers) {
      w.on('message', (m: WorkerReply) => {
        if ('t' in m) {
          this.relayLearned(w, m);
          return;
        }
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.ok) p.resolve(m.value);
        else p.reject(new UvsError(m.code as UvsErrorCode, m.message));
      });
    }
  }

  /** Start `count` workers with `init` and wait until each has opened its links. */
  static async start(count: number, init: WorkerInit): Promise<WorkerDataPlane> {
    const here = import.meta.url;
    const ts = here.endsWith('.ts');
    const url = new URL(ts ? './worker.ts' : './worker.js', here);
    const workers: Worker[] = [];
    try {
      for (let i = 0; i < count; i++) {
        const w = new Worker(url, {
          workerData: { ...init, index: i },
          execArgv: ts ? ['--import', 'tsx'] : [],
        });
        workers.push(w);
        await new Promise<void>((resolve, reject) => {
          const onMsg = (m: WorkerReply): void => {
            if (m.id !== -1) return;
            w.off('message', onMsg);
            if (m.ok) resolve();
            else reject(new Error(m.message));
          };
          w.on('message', onMsg);
          w.once('error', reject);
          w.once('exit', (code) =>
            reject(new Error(`forwarding worker exited with code ${code} while starting`)),
          );
        });
      }
    } catch (err) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw err;
    }
    return new WorkerDataPlane(workers);
  }

  private relayLearned(from: Worker, m: WorkerLearned): void {
    for (const w of this.workers) {
      if (w === from) continue;
      this.request(w, { t: 'neighbor', af: m.af, words: m.words, mac: m.mac }).catch(() => undefined);
    }
  }

  private request(w: Worker, body: RequestBody): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ ...body, id });
    });
  }

  private all(body: RequestBody): Promise<unknown[]> {
    return Promise.all(this.workers.map((w) => this.request(w, body)));
  }

  async sync(from: RuleSet, to: RuleSet): Promise<void> {
    planSync(from, to); // throws UvsError before any worker changes
    await this.all({ t: 'sync', from, to });
  }

  async setTimeouts(timeouts: IpvsTimeouts): Promise<void> {
    await this.all({ t: 'timeouts', timeouts });
  }

  async timeouts(): Promise<IpvsTimeouts> {
    return (await this.request(this.workers[0]!, { t: 'get-timeouts' })) as IpvsTimeouts;
  }

  async zero(svc: ServiceKey | null): Promise<void> {
    await this.all({ t: 'zero', svc });
  }

  async list(svc: ServiceKey | null): Promise<ListJson> {
    const parts = (await this.all({ t: 'list', svc })) as ListJson[];
    return parts.reduce(mergeList);
  }

  async listConns(): Promise<ConnJson[]> {
    return ((await this.all({ t: 'list-conns' })) as ConnJson[][]).flat();
  }

  async status(): Promise<Record<string, unknown>> {
    const parts = (await this.all({ t: 'status' })) as Record<string, unknown>[];
    const out: Record<string, unknown> = { workers: parts.length };
    for (const p of parts) {
      for (const [k, v] of Object.entries(p)) {
        if (typeof v === 'number') out[k] = ((out[k] as number | undefined) ?? 0) + v;
        else if (typeof v === 'object' && v !== null) {
          const acc = (out[k] ?? {}) as Record<string, number>;
          for (const [rk, rv] of Object.entries(v as Record<string, number>)) acc[rk] = (acc[rk] ?? 0) + rv;
          out[k] = acc;
        }
      }
    }
    return out;
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.workers.map((w) => this.request(w, { t: 'stop' })));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

function addStats(a: StatsJson, b: StatsJson): StatsJson {
  return {
    conns: a.conns + b.conns,
    inPkts: a.inPkts + b.inPkts,
    outPkts: a.outPkts + b.outPkts,
    inBytes: a.inBytes + b.inBytes,
    outBytes: a.outBytes + b.outBytes,
    cps: a.cps + b.cps,
    inPps: a.inPps + b.inPps,
    outPps: a.outPps + b.outPps,
    inBps: a.inBps + b.inBps,
    outBps: a.outBps + b.outBps,
  };
}

function mergeDest(a: DestJson, b: DestJson): DestJson {
  return {
    ...a,
    activeConns: a.activeConns + b.activeConns,
    inactConns: a.inactConns + b.inactConns,
    persistConns: a.persistConns + b.persistConns,
    stats: addStats(a.stats, b.stats),
  };
}

function mergeService(a: ServiceJson, b: ServiceJson): ServiceJson {
  return { ...a, stats: addStats(a.stats, b.stats), dests: a.dests.map((d, i) => mergeDest(d, b.dests[i]!)) };
}

/** Workers hold the same services and dests in the same order; their numbers add up. */
function mergeList(a: ListJson, b: ListJson): ListJson {
  return {
    connTableSize: a.connTableSize + b.connTableSize,
    totals: addStats(a.totals, b.totals),
    services: a.services.map((s, i) => mergeService(s, b.services[i]!)),
  };
}
