/**
 * Engine bench rig: an Engine configured from ipvsadm-save text, a 256-slot FrameBatch of IPv4
 * TCP frames, and per-flow "streams" that rewrite only the bytes that change from one pass to the
 * next, so a benchmark loop can feed processBatch() millions of packets over up to millions of
 * distinct flows without building a frame per packet.
 *
 * A stream holds, for every flow in a fixed (shuffled) order, the 16-bit words of the frame that
 * differ between flows (addresses, ports and the two checksums), computed once with the wire
 * views. Before each pass, `refill()` writes the next 256 flows' words into the slots, plus the
 * flow-independent words the forwarder rewrote in place (MACs, TTL, for TUN the moved Ethernet
 * header); `calibrate()` finds those by diffing one forwarded pass against the pristine frames,
 * and `check()` verifies refilled slots byte for byte against freshly built frames.
 *
 * Must not: be imported by src/ (bench only). Everything here allocates at setup only; refill()
 * and the timed loops allocate nothing.
 */
import { parseRulesFile } from '../../src/control/rules-file.js';
import { loadRuleSet } from '../../src/control/engine-apply.js';
import { Engine } from '../../src/engine/engine.js';
import { setNeighbor } from '../../src/engine/engine-config.js';
import { FrameBatch } from '../../src/wire/frame-batch.js';
import { buildFrame, Ipv4View, TcpFlag, TcpView } from '../../src/wire/index.js';

export const SLOTS = 256;
const SLOT_SIZE = 128;
const HEADROOM = 64;
const FRAME_LEN = 60; // 14 + 20 + 20 = 54 bytes of headers, padded to the Ethernet minimum
const L3 = 14;
const L4 = 34;

export const DIRECTOR_MAC = 0x0200000000fe;
export const CLIENT_MAC = 0x02000000006e;
export const DIRECTOR_IP = 0x0a0000fe; // 10.0.0.254
export const VIP = 0x0a00000a; // 10.0.0.10
export const VPORT = 80;
const DEST_BASE = 0x0a000100; // 10.0.1.x
const DEST_MAC_BASE = 0x020000000100;

/**
 * Simulated arrival rate: `now` (whole ms, so it stays a small integer and passing it never boxes
 * a double) advances 1 ms every PASSES_PER_MS batches, about 10 Mpps.
 */
export const NOMINAL_PPS = 10e6;
const PASSES_PER_MS = Math.round(NOMINAL_PPS / 1000 / SLOTS);

/** Flow k's client address and port: 64 ports per address, 11.0.0.0/8. */
export function flowCaddr(k: number): number {
  return (0x0b000000 + (k >>> 6)) >>> 0;
}
export function flowCport(k: number): number {
  return 10000 + (k & 63);
}

/** An engine with one TCP service VIP:80 (`sched`) and `ndests` real servers in `fwd` mode (g/m/i). */
export function makeEngine(fwd: 'g' | 'm' | 'i', capacity: number, sched = 'wlc', ndests = 8): Engine {
  const engine = new Engine({ localMac: DIRECTOR_MAC, localIp4: DIRECTOR_IP, seed: 1, capacity });
  const lines = ['-A -t 10.0.0.10:80 -s ' + sched];
  for (let d = 1; d <= ndests; d++) lines.push('-a -t 10.0.0.10:80 -r 10.0.1.' + String(d) + ':80 -' + fwd);
  const parsed = parseRulesFile(lines.join('\n'));
  if (!parsed.ok) throw parsed.error;
  loadRuleSet(engine.state, parsed.ruleset, parsed.timeouts);
  for (let d = 1; d <= ndests; d++) {
    setNeighbor(engine.state, 4, Uint32Array.of(DEST_BASE + d, 0, 0, 0), DEST_MAC_BASE + d);
  }
  return engine;
}

/** Seeded Fisher-Yates permutation of 0..n-1. */
export function shuffled(n: number, seed: number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  let x = seed >>> 0 || 1;
  for (let i = n - 1; i > 0; i--) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    const j = Math.floor((x / 0x100000000) * (i + 1));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

/** Writes flow k's varying fields into a frame (a copy of the stream's template at offset 0). */
export type FlowWriter = (ip: Ipv4View, tcp: TcpView, k: number) => void;

export class Stream {
  readonly template: Uint8Array;
  /** Word offsets (frame-relative byte offset / 2) of the varying words. */
  readonly vary: Int32Array;
  /** vary.length words per flow, flows in `order`. */
  readonly words: Uint16Array;
  readonly n: number;
  private readonly order: Int32Array;
  private readonly writer: FlowWriter;
  private readonly scratch = new Uint8Array(64);
  private readonly scratch16 = new Uint16Array(this.scratch.buffer);
  private readonly ip = new Ipv4View();
  private readonly tcp = new TcpView();

  constructor(tcpFlags: number, srcMac: number, order: Int32Array, writer: FlowWriter, varyBytes: number[]) {
    this.template = buildFrame({
      eth: { src: srcMac, dst: DIRECTOR_MAC },
      ip: { v: 4, src: 0x0b000000, dst: VIP, ttl: 64, df: true, id: 0x1234 },
      l4: { kind: 'tcp', srcPort: 10000, dstPort: VPORT, flags: tcpFlags, seq: 1000, ack: 2000 },
      pad: true,
    });
    if (this.template.length !== FRAME_LEN) throw new Error('engine rig: unexpected frame length');
    this.vary = Int32Array.from(varyBytes, (b) => b >>> 1);
    this.order = order;
    this.writer = writer;
    this.n = order.length;
    const v = this.vary.length;
    this.words = new Uint16Array(this.n * v);
    for (let q = 0; q < this.n; q++) {
      this.frame(order[q]!);
      for (let j = 0; j < v; j++) this.words[q * v + j] = this.scratch16[this.vary[j]!]!;
    }
  }

  /** The complete frame of flow k in the scratch buffer (valid until the next call). */
  frame(k: number): Uint8Array {
    this.scratch.set(this.template, 0);
    this.ip.wrap(this.scratch, L3, FRAME_LEN);
    this.tcp.wrap(this.scratch, L4, L3 + this.ip.totalLen());
    this.writer(this.ip, this.tcp, k);
    this.ip.fillCsum();
    this.tcp.fillCsum(this.ip.pseudoSum());
    return this.scratch;
  }

  flowAt(q: number): number {
    return this.order[q]!;
  }
}

/** Client -> VIP frames: caddr:cport vary (offsets: IP csum, IP src, TCP sport, TCP csum). */
export function clientStream(tcpFlags: number, order: Int32Array): Stream {
  return new Stream(
    tcpFlags,
    CLIENT_MAC,
    order,
    (ip, tcp, k) => {
      ip.setSrc(flowCaddr(k));
      tcp.setSrcPort(flowCport(k));
    },
    [L3 + 10, L3 + 12, L3 + 14, L4, L4 + 16],
  );
}

/** Real server -> client frames (NAT replies): the dest of flow k's conn to caddr:cport. */
export function replyStream(tcpFlags: number, order: Int32Array, engine: Engine): Stream {
  const st = engine.state;
  const c = new Uint32Array(4);
  const v = Uint32Array.of(VIP, 0, 0, 0);
  return new Stream(
    tcpFlags,
    DEST_MAC_BASE + 1,
    order,
    (ip, tcp, k) => {
      c[0] = flowCaddr(k);
      const i = st.conns.lookupIn(4, 6, c, flowCport(k), v, VPORT, 0);
      const d = i >= 0 ? st.dests[st.conns.dest[i]!] : null;
      ip.setSrc(d ? d.addr[0]! : 0x0a0001ff);
      ip.setDst(c[0]);
      tcp.setSrcPort(d && d.port !== 0 ? d.port : VPORT);
      tcp.setDstPort(flowCport(k));
    },
    [L3 + 10, L3 + 12, L3 + 14, L3 + 16, L3 + 18, L4, L4 + 2, L4 + 16],
  );
}

export class Rig {
  readonly rx = new FrameBatch(SLOTS, SLOT_SIZE, HEADROOM);
  readonly tx = this.rx.txView();
  private readonly u16 = new Uint16Array(this.rx.data.buffer);
  private stream: Stream | null = null;
  /** Flow-independent words the forwarder rewrites, and their pristine values. */
  private fixed = new Int32Array(0);
  private fixedVal = new Uint16Array(0);
  /** Batches processed so far: drives the clock. */
  pass = 0;
  t0 = 1_000_000;
  /** Frames transmitted by the last run(). */
  sent = 0;

  constructor(readonly engine: Engine) {
    for (let s = 0; s < SLOTS; s++) {
      this.rx.off[s] = s * SLOT_SIZE + HEADROOM;
      this.rx.len[s] = FRAME_LEN;
    }
    this.rx.count = SLOTS;
  }

  now(): number {
    return this.t0 + Math.floor(this.pass / PASSES_PER_MS);
  }

  /** Use `stream`; fixed words are unknown until calibrate(), so refill() writes whole frames. */
  use(stream: Stream): void {
    this.stream = stream;
    this.fixed = new Int32Array(0);
    this.fixedVal = new Uint16Array(0);
  }

  /** Whole frames for pass p: template then varying words (setup and calibration). */
  fill(p: number): void {
    const st = this.stream!;
    const d = this.rx.data;
    let q = (p * SLOTS) % st.n;
    for (let s = 0; s < SLOTS; s++) {
      d.set(st.template, this.rx.off[s]);
      const base = this.rx.off[s]! >>> 1;
      const v = st.vary.length;
      for (let j = 0; j < v; j++) this.u16[base + st.vary[j]!] = st.words[q * v + j]!;
      if (++q === st.n) q = 0;
    }
  }

  /** HOT (timed). Restore the slots for pass p writing only the words that change. */
  refill(p: number): void {
    const st = this.stream!;
    const u = this.u16;
    const words = st.words;
    const vary = st.vary;
    const v = vary.length;
    const fixed = this.fixed;
    const fixedVal = this.fixedVal;
    const f = fixed.length;
    const n = st.n;
    const off = this.rx.off;
    let q = (p * SLOTS) % n;
    for (let s = 0; s < SLOTS; s++) {
      const base = off[s]! >>> 1;
      const w = q * v;
      for (let j = 0; j < v; j++) u[base + vary[j]!] = words[w + j]!;
      for (let j = 0; j < f; j++) u[base + fixed[j]!] = fixedVal[j]!;
      if (++q === n) q = 0;
    }
  }

  /** One forwarded pass diffed against the pristine frames: the words to restore. */
  calibrate(): void {
    const st = this.stream!;
    this.fill(0);
    const before = this.rx.data.slice();
    this.engine.processBatch(this.rx, this.now(), this.tx);
    this.pass++;
    const changed = new Set<number>();
    for (let s = 0; s < SLOTS; s++) {
      const o = this.rx.off[s]!;
      for (let b = 0; b < FRAME_LEN; b += 2) {
        if (before[o + b] !== this.rx.data[o + b] || before[o + b + 1] !== this.rx.data[o + b + 1])
          changed.add(b >>> 1);
      }
    }
    for (const w of st.vary) changed.delete(w);
    this.fixed = Int32Array.from([...changed].sort((a, b) => a - b));
    const t16 = new Uint16Array(st.template.buffer, st.template.byteOffset, FRAME_LEN >>> 1);
    this.fixedVal = Uint16Array.from(this.fixed, (w) => t16[w]!);
  }

  /** Refill pass p and compare every slot with its freshly built frame; the number of bad slots. */
  check(p: number): number {
    const st = this.stream!;
    this.refill(p);
    let bad = 0;
    let q = (p * SLOTS) % st.n;
    for (let s = 0; s < SLOTS; s++) {
      const want = st.frame(st.flowAt(q));
      const o = this.rx.off[s]!;
      for (let b = 0; b < FRAME_LEN; b++) {
        if (want[b] !== this.rx.data[o + b]) {
          bad++;
          break;
        }
      }
      if (++q === st.n) q = 0;
    }
    return bad;
  }

  /** HOT (timed). `passes` batches through the engine, each refilled first. */
  run(passes: number): void {
    const engine = this.engine;
    let sent = 0;
    for (let k = 0; k < passes; k++) {
      this.refill(this.pass);
      sent += engine.processBatch(this.rx, this.now(), this.tx);
      this.pass++;
    }
    this.sent = sent;
  }

  /** HOT (timed). The same refills without the engine: the cost subtracted from run(). */
  runRefillOnly(passes: number, fromPass: number): void {
    for (let k = 0; k < passes; k++) this.refill(fromPass + k);
  }

  /** Whole-frame passes through the engine (setup: SYNs, ACKs). */
  setup(passes: number): number {
    let sent = 0;
    for (let k = 0; k < passes; k++) {
      this.fill(k);
      sent += this.engine.processBatch(this.rx, this.now(), this.tx);
      this.pass++;
    }
    return sent;
  }
}

export const SYN = TcpFlag.Syn;
export const ACK = TcpFlag.Ack;
export const SYN_ACK = TcpFlag.Syn | TcpFlag.Ack;
