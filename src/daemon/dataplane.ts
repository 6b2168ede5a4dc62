/**
 * DataPlane: what the control API needs from whatever forwards packets: apply a rule-set diff,
 * set timeouts, zero counters, and report services, conns and counters as JSON-ready data.
 * `LocalDataPlane` drives one engine in this thread (uvsd with one worker in-process, tests);
 * a worker-thread plane implements the same interface by broadcasting changes.
 */
import { syncRuleSet, serviceParams } from '../control/engine-apply.js';
import type { IpvsTimeouts, RuleSet, ServiceKey } from '../control/model.js';
import { defaultService } from '../control/model.js';
import type { Engine } from '../engine/engine.js';
import { exactService, getTimeouts, setTimeouts, zeroStats } from '../engine/engine-config.js';
import { CONN_F_TEMPLATE } from '../engine/conn/flags.js';
import { TCP_STATE_NAMES } from '../engine/conn/tcp-state.js';
import type { Stats } from '../engine/stats.js';
import { DROP_NAMES } from '../engine/verdict.js';
import { UvsError } from '../control/errors.js';
import { addrText } from './summary.js';
import { TEMPLATE_ASSURED } from '../engine/ingress.js';

export interface StatsJson {
  conns: number;
  inPkts: number;
  outPkts: number;
  inBytes: number;
  outBytes: number;
  cps: number;
  inPps: number;
  outPps: number;
  inBps: number;
  outBps: number;
}

export interface DestJson {
  addr: string;
  port: number;
  fwd: 'dr' | 'tun' | 'nat';
  weight: number;
  uThreshold: number;
  lThreshold: number;
  activeConns: number;
  inactConns: number;
  persistConns: number;
  stats: StatsJson;
}

export interface ServiceJson {
  af: 4 | 6;
  proto: 'tcp' | 'udp';
  vaddr: string;
  vport: number;
  sched: string;
  persistent: boolean;
  persistTimeout: number;
  netmask: number[];
  onePacket: boolean;
  schedFlags: number;
  stats: StatsJson;
  /** In kernel order (newest first); listings sort them. */
  dests: DestJson[];
}

export interface ConnJson {
  proto: 'TCP' | 'UDP';
  state: string;
  /** Remaining time in ms at the plane's current clock. */
  expiresMs: number;
  caddr: string;
  cport: number;
  vaddr: string;
  vport: number;
  daddr: string;
  dport: number;
  template: boolean;
}

export interface ListJson {
  services: ServiceJson[];
  totals: StatsJson;
  connTableSize: number;
}

type MaybeAsync<T> = T | Promise<T>;

/** Every method may answer now or later (a worker-thread plane answers by message). */
export interface DataPlane {
  /** Throws (or rejects with) a UvsError and changes nothing when the change cannot be made. */
  sync(from: RuleSet, to: RuleSet): MaybeAsync<void>;
  setTimeouts(t: IpvsTimeouts): MaybeAsync<void>;
  zero(svc: ServiceKey | null): MaybeAsync<void>;
  timeouts(): MaybeAsync<IpvsTimeouts>;
  list(svc: ServiceKey | null): MaybeAsync<ListJson>;
  listConns(): MaybeAsync<ConnJson[]>;
  status(): MaybeAsync<Record<string, unknown>>;
}

const FWD = ['nat', 'tun', 'dr'] as const;

export function statsJson(s: Stats): StatsJson {
  return {
    conns: s.conns,
    inPkts: s.inPkts,
    outPkts: s.outPkts,
    inBytes: s.inBytes,
    outBytes: s.outBytes,
    cps: s.cps(),
    inPps: s.inPps(),
    outPps: s.outPps(),
    inBps: s.inBps(),
    outBps: s.outBps(),
  };
}

export class LocalDataPlane implements DataPlane {
  constructor(
    private readonly engine: Engine,
    private readonly clock: () => number,
  ) {}

  sync(from: RuleSet, to: RuleSet): void {
    syncRuleSet(this.engine.state, from, to);
  }

  setTimeouts(t: IpvsTimeouts): void {
    setTimeouts(this.engine.state, t.tcp, t.tcpFin, t.udp);
  }

  timeouts(): IpvsTimeouts {
    return getTimeouts(this.engine.state);
  }

  zero(key: ServiceKey | null): void {
    const st = this.engine.state;
    if (key === null) {
      zeroStats(st, null);
      return;
    }
    const svc = exactService(st, serviceParams(defaultService(key)));
    if (svc === null) throw new UvsError('UVS_ERR_NO_SUCH_SERVICE', 'No such service');
    zeroStats(st, svc);
  }

  list(key: ServiceKey | null): ListJson {
    const st = this.engine.state;
    let svcs = st.services.all;
    if (key !== null) {
      const svc = exactService(st, serviceParams(defaultService(key)));
      if (svc === null) throw new UvsError('UVS_ERR_NO_SUCH_SERVICE', 'No such service');
      svcs = [svc];
    }
    return {
      connTableSize: st.conns.capacity,
      totals: statsJson(st.stats),
      services: svcs.map((s) => ({
        af: s.af,
        proto: s.proto === 6 ? 'tcp' : 'udp',
        vaddr: addrText(s.af, s.vaddr),
        vport: s.vport,
        sched: s.schedName,
        persistent: (s.flags & 0x1) !== 0,
        persistTimeout: s.persistMs / 1000,
        netmask: Array.from(s.netmask),
        onePacket: (s.flags & 0x4) !== 0,
        schedFlags: (s.flags >>> 3) & 0x7,
        stats: statsJson(s.stats),
        dests: s.dests.map((d) => ({
          addr: addrText(d.af, d.addr),
          port: d.port,
          fwd: FWD[d.fwd],
          weight: d.weight,
          uThreshold: d.uThreshold,
          lThreshold: d.lThreshold,
          activeConns: d.activeConns,
          inactConns: d.inactConns,
          persistConns: d.persistConns,
          stats: statsJson(d.stats),
        })),
      })),
    };
  }

  listConns(): ConnJson[] {
    const st = this.engine.state;
    const c = st.conns;
    const now = this.clock();
    const out: ConnJson[] = [];
    const ca = new Uint32Array(4);
    const va = new Uint32Array(4);
    for (let i = 0; i < c.capacity && out.length < c.count; i++) {
      if (!c.live(i) || c.expires[i]! <= now) continue;
      const d = st.dests[c.dest[i]!];
      if (!d) continue;
      const template = (c.flags[i]! & CONN_F_TEMPLATE) !== 0;
      const tcp = c.proto[i] === 6;
      c.readCaddr(i, ca);
      c.readVaddr(i, va);
      out.push({
        proto: tcp ? 'TCP' : 'UDP',
        state: template
          ? c.state[i] === TEMPLATE_ASSURED
            ? 'ASSURED'
            : 'NONE'
          : tcp
            ? TCP_STATE_NAMES[c.state[i]!]!
            : 'UDP',
        expiresMs: c.expires[i]! - now,
        caddr: addrText(c.af[i]!, ca),
        cport: c.cport[i]!,
        vaddr: addrText(c.af[i]!, va),
        vport: c.vport[i]!,
        daddr: addrText(d.af, d.addr),
        dport: c.dport(i),
        template,
      });
    }
    return out;
  }

  status(): Record<string, unknown> {
    const st = this.engine.state;
    const drops: Record<string, number> = {};
    DROP_NAMES.forEach((n, i) => {
      if (st.drops[i]! > 0) drops[n] = st.drops[i]!;
    });
    return { conns: st.conns.count, rxFrames: st.rxFrames, txFrames: st.txFrames, passed: st.passed, drops };
  }
}
