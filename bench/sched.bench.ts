/**
 * sched group: cost of Scheduler.schedule() for each of the 14 schedulers (src/engine/sched/).
 *
 * Each service has 8 dests (weights 1..8, mixed connection counts, none overloaded) built the
 * kernel way (init_service on an empty list, then one add_dest per dest). A tinybench task runs
 * schedule() over a ring of 1024 preallocated flows (distinct client and destination
 * addresses); the figure is ns per call, with rr as the baseline of the ratios. Then, per
 * scheduler, heap growth over 10^6 calls after a warm-up and gc(): an allocation-free hot path
 * shows 0. Run as `node --import tsx --expose-gc bench/sched.bench.ts`; one JSON line per figure
 * on stdout, nothing else; diagnostics on stderr.
 */
import { Bench } from 'tinybench';
import { Dest, Fwd } from '../src/engine/service/dest.js';
import { SCHEDULERS } from '../src/engine/sched/index.js';
import type { FlowInfo, Scheduler } from '../src/engine/sched/types.js';
import { DestChange, SVC_F_SCHED1 } from '../src/engine/sched/types.js';

const QUICK = process.env.UVS_BENCH_QUICK === '1';
const BATCH = 1024;
const HEAP_CALLS = 1_000_000;

function emit(name: string, value: number, unit: string, baseline?: string): void {
  const fig: Record<string, string | number> = { name, value: Number(value.toFixed(2)), unit };
  if (baseline !== undefined) fig.baseline = baseline;
  process.stdout.write(JSON.stringify(fig) + '\n');
}

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  process.stderr.write('sched bench: run with --expose-gc\n');
  process.exit(2);
}

const flows: FlowInfo[] = [];
for (let i = 0; i < BATCH; i++) {
  const s = (0xc0000200 + i * 2654435761) >>> 0;
  const d = (0x0a000000 + (i % 64)) >>> 0;
  flows.push({
    af: 4,
    proto: 6,
    saddr: Uint32Array.of(s, 0, 0, 0),
    daddr: Uint32Array.of(d, 0, 0, 0),
    saddrFold: s,
    daddrFold: d,
    sport: 1024 + i,
    dport: 80,
  });
}

const rngState = Uint32Array.of(12345);
/** LCG in a typed array (a module `let` would box non-Smi values). */
function random(): number {
  const x = (Math.imul(rngState[0]!, 1664525) + 1013904223) >>> 0;
  rngState[0] = x;
  return x;
}

function service(name: string): Scheduler {
  const def = SCHEDULERS.find((d) => d.name === name)!;
  const s = def.create({ schedFlags: SVC_F_SCHED1, random });
  const list: Dest[] = [];
  s.update(list, DestChange.Init, null);
  for (let i = 0; i < 8; i++) {
    const d = new Dest(i, 0, 4, Uint32Array.of(0x0a010000 + i), 80, Fwd.Dr, i + 1);
    d.activeConns = (i * 5) % 7;
    d.inactConns = (i * 3) % 11;
    list.unshift(d);
    s.update(list, DestChange.Add, d);
  }
  return s;
}

let sink = 0;
function batch(s: Scheduler): void {
  let acc = 0;
  for (let i = 0; i < BATCH; i++) {
    const d = s.schedule(flows[i]!, i);
    if (d !== null) acc = (acc + d.id) | 0;
  }
  sink = (sink + acc) & 0xffff;
}

/** Heap growth over HEAP_CALLS calls after gc(); the smallest of 5 runs (V8 tier-up and GC bookkeeping are not per call: a per-call allocation would show as >= 16 MB). */
function heapGrowth(s: Scheduler): number {
  let best = Infinity;
  for (let run = 0; run < 5; run++) {
    gc!();
    const before = process.memoryUsage().heapUsed;
    for (let k = 0; k < HEAP_CALLS / BATCH; k++) batch(s);
    const growth = Math.max(0, process.memoryUsage().heapUsed - before);
    if (growth < best) best = growth;
  }
  return best;
}

const scheds = SCHEDULERS.map((d) => ({ name: d.name, s: service(d.name) }));
const bench = new Bench({ time: QUICK ? 100 : 400, warmupTime: QUICK ? 20 : 100 });
for (const { name, s } of scheds) bench.add(name, () => batch(s));
await bench.run();
for (const task of bench.tasks) {
  const r = task.result;
  if (r.state !== 'completed') {
    process.stderr.write('sched bench: ' + task.name + ' ' + r.state + '\n');
    continue;
  }
  const ns = (r.latency.mean * 1e6) / BATCH;
  emit('sched_' + task.name + '_ns', ns, 'ns', task.name === 'rr' ? undefined : 'sched_rr_ns');
}

let worst = 0;
for (const { name, s } of scheds) {
  for (let k = 0; k < HEAP_CALLS / BATCH; k++) batch(s); // warm up: JIT tiers, tables, caches
  const growth = heapGrowth(s);
  if (growth > worst) worst = growth;
  emit('sched_' + name + '_heap_growth_bytes', growth, 'bytes');
}
emit('sched_heap_growth_bytes', worst, 'bytes');
process.stderr.write('sched bench: done (' + String(sink & 1) + ')\n');
