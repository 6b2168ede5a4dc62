/**
 * Forwarder: one data-plane thread's loop: its engine, its links, its batches, its timers.
 *
 * Owns: pumping each link (recv a batch -> engine.processBatch -> send the same ring back out,
 * zero copy), the engine's timers when traffic is idle, resolving real servers' MACs (ARP
 * requests from the director's address; answers learned by the engine), and applying control
 * changes between batches (JS runs one callback at a time, so a change never lands mid-batch).
 * One-arm directors: every frame leaves by the link it came in on.
 * Must not: block; every I/O call is a synchronous non-blocking batch call.
 */
import type { IpvsTimeouts, RuleSet } from '../control/model.js';
import { loadRuleSet } from '../control/engine-apply.js';
import { Engine } from '../engine/engine.js';
import { setNeighbor } from '../engine/engine-config.js';
import type { Link } from '../io/link.js';
import { FrameBatch } from '../wire/frame-batch.js';
import { buildArpRequest } from '../engine/announce.js';
import { LocalDataPlane } from './dataplane.js';

export interface ForwarderConfig {
  localMac: number;
  localIp4: number;
  localIp6: number[] | null;
  mtu: number;
  seed: number;
  capacity: number;
  /** Static neighbours: [af, four words, mac]. */
  neighbors: [4 | 6, number[], number][];
  rules: RuleSet;
  timeouts: IpvsTimeouts | null;
}

const BATCH = 256;
/** Batches pumped per readable callback before yielding to the event loop (control messages). */
const PUMP_LIMIT = 64;
const TICK_MS = 100;
const ARP_RETRY_MS = 1000;

export class Forwarder {
  readonly engine: Engine;
  readonly plane: LocalDataPlane;
  private readonly rings: { link: Link; rx: FrameBatch; tx: FrameBatch }[];
  private timer: NodeJS.Timeout | null = null;
  private lastArp = 0;

  constructor(
    cfg: ForwarderConfig,
    links: Link[],
    private readonly clock: () => number,
  ) {
    this.engine = new Engine({
      localMac: cfg.localMac,
      localIp4: cfg.localIp4,
      localIp6: cfg.localIp6 === null ? null : Uint32Array.from(cfg.localIp6),
      mtu: cfg.mtu,
      seed: cfg.seed,
      capacity: cfg.capacity,
    });
    for (const [af, words, mac] of cfg.neighbors)
      setNeighbor(this.engine.state, af, Uint32Array.from(words), mac);
    loadRuleSet(this.engine.state, cfg.rules, cfg.timeouts);
    this.plane = new LocalDataPlane(this.engine, clock);
    this.rings = links.map((link) => {
      const rx = new FrameBatch(BATCH);
      return { link, rx, tx: rx.txView() };
    });
  }

  start(): void {
    for (const r of this.rings) r.link.onReadable(() => this.pump(r));
    this.timer = setInterval(() => this.idle(), TICK_MS);
    this.idle();
  }

  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    for (const r of this.rings) {
      r.link.onReadable(null);
      await r.link.close();
    }
  }

  /** Pump one link until it is empty or the batch limit is reached. */
  pump(r: { link: Link; rx: FrameBatch; tx: FrameBatch }): void {
    for (let k = 0; k < PUMP_LIMIT; k++) {
      const n = r.link.recv(r.rx);
      if (n <= 0) return;
      const out = this.engine.processBatch(r.rx, this.clock(), r.tx);
      if (out > 0) r.link.send(r.tx);
    }
  }

  /** Timers with no traffic, and ARP for dests whose MAC is unknown. */
  private idle(): void {
    const now = this.clock();
    this.engine.tick(now);
    this.learnNeighbors();
    if (now - this.lastArp >= ARP_RETRY_MS) {
      this.lastArp = now;
      this.resolveNeighbors();
    }
  }

  /** Apply the MACs the engine saw, for real servers' addresses only (no table growth from spoofs). */
  private learnNeighbors(): void {
    const st = this.engine.state;
    const learned = st.learned;
    while (learned.count > 0) {
      const [af, words, mac] = learned.shift();
      const isDest = st.dests.some(
        (d) =>
          d !== null &&
          d.af === af &&
          d.addr[0] === words[0] &&
          d.addr[1] === words[1] &&
          d.addr[2] === words[2] &&
          d.addr[3] === words[3],
      );
      if (isDest) setNeighbor(st, af, words, mac);
    }
  }

  /** One ARP request per unresolved IPv4 dest, out of every link. */
  private resolveNeighbors(): void {
    const st = this.engine.state;
    if (st.localIp4 === 0 || this.rings.length === 0) return;
    const asked = new Set<number>();
    for (const d of st.dests) {
      if (d === null || d.mac >= 0 || d.af !== 4 || asked.has(d.addr[0]!)) continue;
      asked.add(d.addr[0]!);
      for (const r of this.rings) {
        const tx = r.tx;
        const o = tx.headroom;
        tx.off[0] = o;
        tx.len[0] = buildArpRequest(tx.data, o, st.localMac, st.localIp4, d.addr[0]!);
        tx.count = 1;
        r.link.send(tx);
      }
    }
  }
}
