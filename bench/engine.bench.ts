/**
 * engine group: the data plane end to end, Engine.processBatch() on batches of 256 IPv4 TCP frames.
 *
 * Figures (ns are per packet by CPU time, the cost of refilling the frames subtracted and reported
 * as `refill_ns`; medians of several runs with `min`/`max`, and `wall_ns` by the clock; CPU time
 * because the machine is shared and a descheduled process would otherwise count others' work):
 * - engine_dr_ns_10k / engine_dr_ns_1m: ACKs of ESTABLISHED DR conns, 10,000 or 1,000,000 flows
 *   (distinct client address:port) visited in a shuffled order;
 * - engine_nat_ns_10k / engine_nat_reply_ns_10k / engine_tun_ns_10k: the same for NAT (client ->
 *   real server and the reply) and TUN (IPIP encapsulation into the headroom);
 * - engine_new_conns_per_s: SYNs of new flows (service match, wlc over 8 dests, conn insert), in
 *   chunks of 2^18 conns into an empty 2^20 table, expired between chunks outside the timing;
 * - engine_bytes_per_conn_1m / _10m: arrayBuffers growth of constructing an Engine with that
 *   capacity, per conn; engine_fill_growth_bytes_per_conn: heap and arrayBuffers growth while
 *   10^6 conns are created and established (0 = nothing per conn; `rss`: pages first touched);
 * - engine_heap_growth_bytes_per_mpkt: bytes allocated on the JS heap per 10^6 DR packets (10k
 *   flows), from gc() before a run of 10^7 packets: heapUsed growth plus what the GCs during the
 *   run freed; measured first (fresh JIT) and after all other scenarios (`fresh`, `warm`, and how
 *   many GCs ran), the larger is the value; `retained` is what a gc() after the run leaves.
 *
 * Frames live in one 256-slot batch (bench/lib/engine-rig.ts) and are restored before each pass
 * by rewriting only the 16-bit words that differ (flow identity, checksums, what the forwarder
 * rewrote); the rig checks the restored frames byte for byte once per scenario. `now` advances
 * as if packets arrived at 10 Mpps. Targets (issue "forwarding engine"), reported never asserted:
 * DR <= 20 ns at 10k flows, <= 80 ns at 1M, >= 2M new conns/s, <= 64 bytes/conn, no heap growth.
 *
 * Run as `node --import tsx --expose-gc bench/engine.bench.ts` (UVS_BENCH_QUICK=1: short runs;
 * UVS_BENCH_ONLY=dr10k,nat10k,... runs only those scenarios, for profiling). One JSON line per
 * figure on stdout, nothing else; diagnostics on stderr.
 */
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { GCProfiler } from 'node:v8';
import { Engine } from '../src/engine/engine.js';
import { TcpState } from '../src/engine/conn/tcp-state.js';
import { DROP_NAMES } from '../src/engine/verdict.js';
import type { Stream } from './lib/engine-rig.js';
import {
  ACK,
  clientStream,
  DIRECTOR_MAC,
  makeEngine,
  replyStream,
  Rig,
  shuffled,
  SLOTS,
  SYN,
  SYN_ACK,
} from './lib/engine-rig.js';

const QUICK = process.env.UVS_BENCH_QUICK === '1';
const ONLY = (process.env.UVS_BENCH_ONLY ?? '').split(',').filter((s) => s !== '');
const RUNS = QUICK ? 3 : 7;
const PKTS_PER_RUN = QUICK ? 1 << 18 : 1 << 21;
const HEAP_PKTS = QUICK ? 2_000_000 : 10_000_000;
const NEW_CHUNK = 1 << 18;
const CAPACITY = 1 << 20;

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  process.stderr.write('engine bench: run with --expose-gc\n');
  process.exit(2);
}

log(
  'load average ' +
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' ') +
    ' on ' +
    String(cpus().length) +
    ' cores',
);

function wanted(name: string): boolean {
  return ONLY.length === 0 || ONLY.includes(name);
}

function emit(name: string, value: number, unit: string, extra: Record<string, number> = {}): void {
  const fig: Record<string, string | number> = { name, value: round(value), unit };
  for (const [k, v] of Object.entries(extra)) fig[k] = round(v);
  process.stdout.write(JSON.stringify(fig) + '\n');
}

function round(v: number): number {
  return Math.abs(v) >= 100 ? Math.round(v) : Number(v.toFixed(2));
}

function log(msg: string): void {
  process.stderr.write('engine bench: ' + msg + '\n');
}

/** CPU time (user + system, ms) and wall time (ms) of fn(): the process is single-threaded here, so
 * CPU time is the loop's own time even when other processes share the cores. */
function timed(fn: () => void): { cpu: number; wall: number } {
  const c = process.cpuUsage();
  const t = performance.now();
  fn();
  const wall = performance.now() - t;
  const u = process.cpuUsage(c);
  return { cpu: (u.user + u.system) / 1000, wall };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >>> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function dropSummary(engine: Engine): string {
  const parts: string[] = [];
  engine.state.drops.forEach((c, i) => {
    if (c > 0) parts.push(DROP_NAMES[i]! + '=' + String(c));
  });
  return parts.length === 0 ? 'none' : parts.join(' ');
}

function countEstablished(engine: Engine): number {
  const conns = engine.state.conns;
  let n = 0;
  for (let i = 0; i < conns.capacity; i++) if (conns.live(i) && conns.state[i] === TcpState.Established) n++;
  return n;
}

/** Switch the rig to `stream`, find and verify the words to restore. */
function prepare(rig: Rig, stream: Stream, label: string): void {
  rig.use(stream);
  rig.calibrate();
  let bad = 0;
  for (let p = 1; p <= 4; p++) {
    bad += rig.check(rig.pass);
    rig.engine.processBatch(rig.rx, rig.now(), rig.tx);
    rig.pass++;
  }
  if (bad !== 0) {
    log(label + ': ' + String(bad) + ' slots restored wrongly');
    process.exit(1);
  }
}

interface Runs {
  /** ns per packet of the engine alone, by CPU time; wall-clock alongside; the refill's ns. */
  ns: number[];
  wall: number[];
  refill: number[];
}

/**
 * Timed runs of `passes` batches: per run, the refill-only loop then the full loop; ns per packet
 * of the difference. Checks every frame was transmitted and no conn was created.
 */
function timeEstablished(rig: Rig, label: string, passes: number): Runs {
  const engine = rig.engine;
  const conns0 = engine.state.conns.count;
  rig.run(passes); // warm-up
  const runs: Runs = { ns: [], wall: [], refill: [] };
  const pkts = passes * SLOTS;
  for (let r = 0; r < RUNS; r++) {
    const from = rig.pass;
    const refill = timed(() => rig.runRefillOnly(passes, from));
    const all = timed(() => rig.run(passes));
    if (rig.sent !== pkts) log(label + ': sent ' + String(rig.sent) + ' of ' + String(pkts));
    runs.ns.push(((all.cpu - refill.cpu) * 1e6) / pkts);
    runs.wall.push(((all.wall - refill.wall) * 1e6) / pkts);
    runs.refill.push((refill.cpu * 1e6) / pkts);
  }
  if (engine.state.conns.count !== conns0) log(label + ': conn count changed during the run');
  log(label + ': drops ' + dropSummary(engine) + ', conns ' + String(engine.state.conns.count));
  return runs;
}

function report(name: string, r: Runs): void {
  emit(name, median(r.ns), 'ns', {
    min: Math.min(...r.ns),
    max: Math.max(...r.ns),
    wall_ns: median(r.wall),
    refill_ns: median(r.refill),
  });
}

/** An engine whose `flows` conns are ESTABLISHED (SYN then ACK; NAT also sees the SYN-ACK). */
function established(fwd: 'g' | 'm' | 'i', flows: number): { rig: Rig; order: Int32Array } {
  const engine = makeEngine(fwd, CAPACITY);
  const rig = new Rig(engine);
  const order = shuffled(flows, 7);
  const passes = Math.ceil(flows / SLOTS);
  rig.use(clientStream(SYN, order));
  rig.setup(passes);
  if (fwd === 'm') {
    rig.use(replyStream(SYN_ACK, order, engine));
    rig.setup(passes);
  }
  rig.use(clientStream(ACK, order));
  rig.setup(passes);
  const est = countEstablished(engine);
  if (est !== flows) log(fwd + ' ' + String(flows) + ': ' + String(est) + ' conns ESTABLISHED');
  return { rig, order };
}

function passesFor(flows: number): number {
  // At least one visit of every flow per run, rounded to whole batches.
  return Math.max(Math.ceil(PKTS_PER_RUN / SLOTS), Math.ceil(flows / SLOTS));
}

function benchEstablished(fwd: 'g' | 'm' | 'i', flows: number, name: string, reply = false): void {
  const { rig, order } = established(fwd, flows);
  prepare(rig, reply ? replyStream(ACK, order, rig.engine) : clientStream(ACK, order), name);
  report(name, timeEstablished(rig, name, passesFor(flows)));
}

function benchNewConns(): void {
  const engine = makeEngine('g', CAPACITY);
  const rig = new Rig(engine);
  const conns = engine.state.conns;
  const passes = NEW_CHUNK / SLOTS;
  prepare(rig, clientStream(SYN, shuffled(NEW_CHUNK, 11)), 'new conns');
  const expireAll = (): void => {
    rig.t0 += 130_000; // past the SYN_RECV timeout (60 s)
    engine.tick(rig.now());
    if (conns.count !== 0) log('new conns: ' + String(conns.count) + ' conns left after expiry');
  };
  expireAll();
  rig.run(passes); // warm-up chunk
  expireAll();
  const rates: number[] = [];
  const wall: number[] = [];
  const refill: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const from = rig.pass;
    const tRefill = timed(() => rig.runRefillOnly(passes, from));
    const tAll = timed(() => rig.run(passes));
    if (conns.count !== NEW_CHUNK) log('new conns: ' + String(conns.count) + ' conns after a chunk');
    rates.push(NEW_CHUNK / ((tAll.cpu - tRefill.cpu) / 1000));
    wall.push(NEW_CHUNK / ((tAll.wall - tRefill.wall) / 1000));
    refill.push((tRefill.cpu * 1e6) / NEW_CHUNK);
    expireAll();
  }
  log('new conns: drops ' + dropSummary(engine));
  emit('engine_new_conns_per_s', median(rates), 'conns/s', {
    min: Math.min(...rates),
    max: Math.max(...rates),
    wall: median(wall),
    refill_ns: median(refill),
  });
}

function memNow(): { ab: number; heap: number; rss: number } {
  gc!();
  gc!();
  const m = process.memoryUsage();
  return { ab: m.arrayBuffers, heap: m.heapUsed, rss: m.rss };
}

function benchBytesPerConn(capacity: number, name: string): void {
  const before = memNow();
  let engine: Engine | null = new Engine({ localMac: DIRECTOR_MAC, capacity });
  const after = memNow();
  emit(name, (after.ab - before.ab) / capacity, 'bytes', { heap: (after.heap - before.heap) / capacity });
  if (engine.state.conns.capacity !== capacity) log(name + ': capacity mismatch');
  engine = null;
  memNow();
}

/** Growth of heap + arrayBuffers while 10^6 conns are created and established (streams prebuilt). */
function benchFillGrowth(): Rig {
  const flows = 1_000_000;
  const engine = makeEngine('g', CAPACITY);
  const rig = new Rig(engine);
  const order = shuffled(flows, 7);
  const syn = clientStream(SYN, order);
  const ack = clientStream(ACK, order);
  const passes = Math.ceil(flows / SLOTS);
  const before = memNow();
  rig.use(syn);
  rig.setup(passes);
  rig.use(ack);
  rig.setup(passes);
  const after = memNow();
  const est = countEstablished(engine);
  if (est !== flows) log('fill: ' + String(est) + ' conns ESTABLISHED');
  emit(
    'engine_fill_growth_bytes_per_conn',
    (after.ab + after.heap - before.ab - before.heap) / flows,
    'bytes',
    {
      rss: (after.rss - before.rss) / flows,
    },
  );
  prepare(rig, ack, 'dr 1m');
  return rig;
}

/**
 * Bytes allocated on the JS heap while `fn` runs: heapUsed growth plus what every GC in between
 * freed (v8.GCProfiler), so garbage that a scavenge collected mid-run still counts.
 */
function allocated(fn: () => void): { bytes: number; gcs: number; retained: number } {
  const prof = new GCProfiler();
  gc!();
  const before = process.memoryUsage().heapUsed;
  prof.start();
  fn();
  const after = process.memoryUsage().heapUsed;
  const stats = prof.stop().statistics;
  let freed = 0;
  for (const g of stats)
    freed += g.beforeGC.heapStatistics.usedHeapSize - g.afterGC.heapStatistics.usedHeapSize;
  gc!();
  const retained = process.memoryUsage().heapUsed - before;
  return { bytes: after - before + freed, gcs: stats.length, retained };
}

/** Bytes allocated per 10^6 DR packets (10k established flows): the smallest of 3 runs. */
function heapGrowth(): { perMpkt: number; gcs: number; retained: number } {
  const { rig, order } = established('g', 10_000);
  prepare(rig, clientStream(ACK, order), 'heap');
  const passes = Math.ceil(HEAP_PKTS / SLOTS);
  rig.run(passes); // warm-up: JIT tiers, wheel, estimator
  let best = Infinity;
  let gcs = 0;
  let retained = Infinity;
  for (let r = 0; r < 3; r++) {
    const a = allocated(() => rig.run(passes));
    if (a.bytes < best) {
      best = a.bytes;
      gcs = a.gcs;
    }
    retained = Math.min(retained, Math.max(0, a.retained));
  }
  const mpkt = (passes * SLOTS) / 1e6;
  return { perMpkt: Math.max(0, best) / mpkt, gcs, retained: retained / mpkt };
}

// Heap first, in a fresh process (the JIT has seen only this traffic), and again at the end after
// every other scenario: inlining, and with it the boxing of doubles, differs between the two.
const heapFresh = wanted('heap') ? heapGrowth() : null;
if (wanted('newconns')) benchNewConns();
if (wanted('dr10k')) benchEstablished('g', 10_000, 'engine_dr_ns_10k');
if (wanted('dr1m')) {
  const rig = benchFillGrowth();
  report('engine_dr_ns_1m', timeEstablished(rig, 'engine_dr_ns_1m', passesFor(1_000_000)));
}
if (wanted('nat10k')) benchEstablished('m', 10_000, 'engine_nat_ns_10k');
if (wanted('natreply10k')) benchEstablished('m', 10_000, 'engine_nat_reply_ns_10k', true);
if (wanted('tun10k')) benchEstablished('i', 10_000, 'engine_tun_ns_10k');
if (heapFresh !== null) {
  const warm = heapGrowth();
  emit('engine_heap_growth_bytes_per_mpkt', Math.max(heapFresh.perMpkt, warm.perMpkt), 'bytes', {
    fresh: heapFresh.perMpkt,
    fresh_gcs: heapFresh.gcs,
    warm: warm.perMpkt,
    warm_gcs: warm.gcs,
    retained: Math.max(heapFresh.retained, warm.retained),
  });
}
if (wanted('mem')) {
  benchBytesPerConn(1_000_000, 'engine_bytes_per_conn_1m');
  benchBytesPerConn(10_000_000, 'engine_bytes_per_conn_10m');
}
log(
  'done; load average ' +
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
);
