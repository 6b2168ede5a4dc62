/**
 * Forwarder: one data-plane thread's loop: its engine, its links, its batches, its timers.
 *
 * Owns: pumping each link (recv a batch -> engine.processBatch -> send the same ring back out,
 * zero copy), the engine's timers when traffic is idle, resolving real servers' MACs (ARP
 * requests from the director's address; answers learned by the engine), and applying control
 * changes between batches (JS runs one callback at a time, so a change never lands mid-batch).
 * One-arm directors: every frame leaves by the link it came in on.
 * Offloads: when every link has them (Link.offload, AF_PACKET with a vnet header) the engine
 * keeps partial checksums and GSO super-frames for the link to finish (engine/offload.ts), and
 * the batches have GSO_SLOT_SIZE slots (16.1 MiB per 256-frame batch per link, instead of 512 KiB)
 * so a 64 KiB super-frame fits. GSO frames the engine had to drop (TUN) are reported through
 * hooks.onGsoDrops from the idle timer.
 * Several workers: each resolves neighbours itself, but an ARP/NA answer reaches only the worker
 * the fanout picks; hooks.onLearned reports what this one learned so the daemon can hand it to
 * the others (learnNeighbor).
 * Must not: block; every I/O call is a synchronous non-blocking batch call.
 */
import type { IpvsTimeouts, RuleSet } from '../control/model.js';
import { loadRuleSet } from '../control/engine-apply.js';
import { Engine } from '../engine/engine.js';
import { setNeighbor } from '../engine/engine-config.js';
import type { Link } from '../io/link.js';
import { DEFAULT_SLOT_SIZE, FrameBatch, GSO_SLOT_SIZE } from '../wire/frame-batch.js';
import { buildArpRequest, buildGratuitousArp, buildUnsolicitedNa } from '../engine/announce.js';
import { Drop } from '../engine/verdict.js';
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

export interface ForwarderHooks {
  /** A real server's MAC this forwarder learned from an answer it saw. */
  onLearned?: (af: 4 | 6, words: number[], mac: number) => void;
  /** The engine dropped GSO super-frames it cannot send (gso_unsupported): the new total. */
  onGsoDrops?: (total: number) => void;
}

const BATCH = 256;
/** Batches pumped per readable callback before yielding to the event loop (control messages). */
const PUMP_LIMIT = 64;
const TICK_MS = 100;
const ARP_RETRY_MS = 1000;
/**
 * A VIP that appears is announced at once and again after this long (keepalived's default
 * vrrp_garp_master_delay), so neighbours that missed the first announcement still move to us.
 */
const ANNOUNCE_REPEAT_MS = 5000;

export class Forwarder {
  readonly engine: Engine;
  readonly plane: LocalDataPlane;
  private readonly rings: { link: Link; rx: FrameBatch; tx: FrameBatch }[];
  private timer: NodeJS.Timeout | null = null;
  private lastArp = 0;
  /** VIPs announced ("af,w0,w1,w2,w3") -> when to announce again (Infinity: done). */
  private readonly announced = new Map<string, number>();
  private gsoDrops = 0;

  constructor(
    cfg: ForwarderConfig,
    links: Link[],
    private readonly clock: () => number,
    private readonly hooks: ForwarderHooks = {},
  ) {
    const offload = links.length > 0 && links.every((l) => l.offload);
    this.engine = new Engine({
      localMac: cfg.localMac,
      localIp4: cfg.localIp4,
      localIp6: cfg.localIp6 === null ? null : Uint32Array.from(cfg.localIp6),
      mtu: cfg.mtu,
      seed: cfg.seed,
      capacity: cfg.capacity,
      offload,
    });
    for (const [af, words, mac] of cfg.neighbors)
      setNeighbor(this.engine.state, af, Uint32Array.from(words), mac);
    loadRuleSet(this.engine.state, cfg.rules, cfg.timeouts);
    this.plane = new LocalDataPlane(this.engine, clock);
    this.rings = links.map((link) => {
      const rx = new FrameBatch(BATCH, offload ? GSO_SLOT_SIZE : DEFAULT_SLOT_SIZE);
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
    const gso = this.engine.state.drops[Drop.GsoUnsupported]!;
    if (gso !== this.gsoDrops) {
      this.gsoDrops = gso;
      this.hooks.onGsoDrops?.(gso);
    }
    if (now - this.lastArp >= ARP_RETRY_MS) {
      this.lastArp = now;
      this.resolveNeighbors();
    }
    this.announceVips(now);
  }

  /**
   * Gratuitous ARP (IPv4) or unsolicited Neighbor Advertisement (IPv6) for every VIP that
   * appeared since the last call, out of every link, repeated once after ANNOUNCE_REPEAT_MS
   * (ARCHITECTURE §7). A VIP that goes and comes back is announced again.
   */
  private announceVips(now: number): void {
    const st = this.engine.state;
    const present = new Set<string>();
    for (const svc of st.services.all) {
      const key = [svc.af, svc.vaddr[0], svc.vaddr[1], svc.vaddr[2], svc.vaddr[3]].join(',');
      if (present.has(key)) continue;
      present.add(key);
      const due = this.announced.get(key);
      if (due !== undefined && now < due) continue;
      this.announced.set(key, due === undefined ? now + ANNOUNCE_REPEAT_MS : Infinity);
      for (const r of this.rings) {
        const tx = r.tx;
        const o = tx.headroom;
        const len =
          svc.af === 4
            ? buildGratuitousArp(tx.data, o, st.localMac, svc.vaddr[0]!)
            : buildUnsolicitedNa(tx.data, o, st.localMac, svc.vaddr);
        tx.setFrame(0, o, len);
        tx.count = 1;
        r.link.send(tx);
      }
    }
    for (const key of this.announced.keys()) if (!present.has(key)) this.announced.delete(key);
  }

  /** Apply the MACs the engine saw, for real servers' addresses only (no table growth from spoofs). */
  private learnNeighbors(): void {
    const st = this.engine.state;
    const learned = st.learned;
    while (learned.count > 0) {
      const [af, words, mac] = learned.shift();
      if (this.learnNeighbor(af, Array.from(words), mac)) this.hooks.onLearned?.(af, Array.from(words), mac);
    }
  }

  /** Apply a neighbour (learned here or by another worker) if it is a real server's; true if applied. */
  learnNeighbor(af: 4 | 6, words: number[], mac: number): boolean {
    const st = this.engine.state;
    const isDest = st.dests.some(
      (d) =>
        d !== null &&
        d.af === af &&
        d.addr[0] === words[0] &&
        d.addr[1] === words[1] &&
        d.addr[2] === words[2] &&
        d.addr[3] === words[3],
    );
    if (isDest) setNeighbor(st, af, Uint32Array.from(words), mac);
    return isDest;
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
        // setFrame: slot 0 may still carry the offloads of the last forwarded frame.
        tx.setFrame(0, o, buildArpRequest(tx.data, o, st.localMac, st.localIp4, d.addr[0]!));
        tx.count = 1;
        r.link.send(tx);
      }
    }
  }
}
