// The contract every entry of SCHEDULERS keeps, and the registry's completeness.
// Note: flags are fixed before scheduling in these runs; lblc's cached path (kernel) does not
// re-test the OVERLOAD flag, so a dest overloaded after being cached can still be returned
// (pinned in lblc.test.ts), which is why the flags never change mid-run here.
import test from 'ava';
import fc from 'fast-check';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Dest } from '../../../../src/engine/service/dest.js';
import { DEST_F_OVERLOAD } from '../../../../src/engine/service/dest.js';
import { SCHEDULERS, getScheduler, isSchedulerName } from '../../../../src/engine/sched/index.js';
import type { FlowInfo, Scheduler, SchedulerDef } from '../../../../src/engine/sched/types.js';
import { SVC_F_SCHED1, SVC_F_SCHED2 } from '../../../../src/engine/sched/types.js';
import { DestChange, dest, flow4, seeded, svcInfo } from './fixtures.js';

const srcDir = join(import.meta.dirname, '..', '..', '..', '..', 'src', 'engine', 'sched');

test('registry: every scheduler file is listed once, names are unique, 14 in all', (t) => {
  const files = readdirSync(srcDir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.replace(/\.ts$/, ''))
    .filter((f) => !['types', 'util', 'index'].includes(f))
    .sort();
  const names = SCHEDULERS.map((d) => d.name);
  t.deepEqual([...names].sort(), files);
  t.is(new Set(names).size, names.length);
  t.is(names.length, 14);
  for (const n of names) t.is(getScheduler(n)?.name, n);
  t.is(getScheduler('none'), null);
  t.false(isSchedulerName('WLC'));
});

interface Config {
  weights: number[];
  overload: boolean[];
  active: number[];
  inact: number[];
  flags: number;
}

function build(def: SchedulerDef, c: Config, seed: number): { s: Scheduler; list: Dest[] } {
  const s = def.create(svcInfo(c.flags, seeded(seed)));
  const list: Dest[] = [];
  s.update(list, DestChange.Init, null);
  c.weights.forEach((w, i) => {
    const d = dest('10.0.' + String(i >> 8) + '.' + String(i & 0xff), 80, w);
    if (c.overload[i]) d.flags |= DEST_F_OVERLOAD;
    d.activeConns = c.active[i]!;
    d.inactConns = c.inact[i]!;
    list.unshift(d);
    s.update(list, DestChange.Add, d);
  });
  return { s, list };
}

function flowAt(i: number, af6: boolean): FlowInfo {
  if (!af6)
    return flow4(
      '192.0.' + String((i * 37) & 0xff) + '.' + String(i & 0xff),
      1024 + i,
      '10.9.' + String(i % 5) + '.1',
    );
  const s = Uint32Array.of(0x20010db8, 0, i, 1);
  const d = Uint32Array.of(0x20010db8, 0, i % 3, 2);
  return {
    af: 6,
    proto: 17,
    saddr: s,
    daddr: d,
    saddrFold: (s[0]! ^ s[2]! ^ s[3]!) >>> 0,
    daddrFold: (d[0]! ^ d[2]! ^ d[3]!) >>> 0,
    sport: i,
    dport: 53,
  };
}

const configArb = fc.integer({ min: 1, max: 9 }).chain((n) =>
  fc.record({
    weights: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: n, maxLength: n }),
    overload: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
    active: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: n, maxLength: n }),
    inact: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: n, maxLength: n }),
    flags: fc.constantFrom(0, SVC_F_SCHED1, SVC_F_SCHED2, SVC_F_SCHED1 | SVC_F_SCHED2),
  }),
);

function run(s: Scheduler, n: number, af6 = false): (number | null)[] {
  const out: (number | null)[] = [];
  for (let i = 0; i < n; i++) {
    const d = s.schedule(flowAt(i, af6), i * 100);
    out.push(d === null ? null : d.id);
  }
  return out;
}

for (const def of SCHEDULERS) {
  test(def.name + ': null with no dests', (t) => {
    const s = def.create(svcInfo());
    s.update([], DestChange.Init, null);
    t.deepEqual(run(s, 5), [null, null, null, null, null]);
    s.expire(0);
    s.expire(120_000);
    t.is(s.schedule(flowAt(1, true), 0), null);
  });

  test(def.name + ': null when every weight is 0', (t) => {
    const { s } = build(
      def,
      {
        weights: [0, 0, 0],
        overload: [false, false, false],
        active: [0, 0, 0],
        inact: [0, 0, 0],
        flags: SVC_F_SCHED1,
      },
      1,
    );
    t.deepEqual(run(s, 20), new Array(20).fill(null));
  });

  test(def.name + ': never a weight-0 or overloaded dest, never throws (IPv4 and IPv6)', (t) => {
    fc.assert(
      fc.property(configArb, fc.boolean(), (c, af6) => {
        const { s, list } = build(def, c, 7);
        const byId = new Map(list.map((d) => [d.id, d]));
        for (const id of run(s, 40, af6)) {
          if (id === null) continue;
          const d = byId.get(id)!;
          if (d.weight <= 0 || (d.flags & DEST_F_OVERLOAD) !== 0) return false;
        }
        return true;
      }),
      { numRuns: 150 },
    );
    t.pass();
  });

  test(def.name + ': some dest is picked when one is usable (hashing schedulers with fallback)', (t) => {
    const { s } = build(
      def,
      {
        weights: [1, 2, 3],
        overload: [false, false, false],
        active: [0, 0, 0],
        inact: [0, 0, 0],
        flags: SVC_F_SCHED1,
      },
      3,
    );
    t.true(run(s, 10).every((x) => x !== null));
  });

  test(def.name + ': deterministic under a fixed seed', (t) => {
    const c: Config = {
      weights: [3, 1, 4, 1, 5],
      overload: [false, true, false, false, false],
      active: [1, 0, 2, 0, 3],
      inact: [0, 1, 0, 9, 0],
      flags: 0,
    };
    const a = build(def, c, 42);
    const b = build(def, c, 42);
    const ida = run(a.s, 60).map((x) => (x === null ? null : a.list.findIndex((d) => d.id === x)));
    const idb = run(b.s, 60).map((x) => (x === null ? null : b.list.findIndex((d) => d.id === x)));
    t.deepEqual(ida, idb);
  });

  test(def.name + ': update() is idempotent', (t) => {
    const c: Config = {
      weights: [2, 3, 1, 4],
      overload: [false, false, false, false],
      active: [0, 1, 0, 2],
      inact: [1, 0, 0, 0],
      flags: SVC_F_SCHED1,
    };
    const once = build(def, c, 5);
    const twice = build(def, c, 5);
    const last = twice.list[0]!;
    twice.s.update(twice.list, DestChange.Add, last); // the same add_dest call again
    const idx = (r: { list: Dest[] }, x: number | null): number | null =>
      x === null ? null : r.list.findIndex((d) => d.id === x);
    t.deepEqual(
      run(once.s, 30).map((x) => idx(once, x)),
      run(twice.s, 30).map((x) => idx(twice, x)),
    );
    once.s.update(once.list, DestChange.Edit, once.list[1]!);
    twice.s.update(twice.list, DestChange.Edit, twice.list[1]!);
    twice.s.update(twice.list, DestChange.Edit, twice.list[1]!);
    t.deepEqual(
      run(once.s, 30).map((x) => idx(once, x)),
      run(twice.s, 30).map((x) => idx(twice, x)),
    );
    once.s.update(once.list, DestChange.Init, null);
    twice.s.update(twice.list, DestChange.Init, null);
    twice.s.update(twice.list, DestChange.Init, null);
    t.deepEqual(
      run(once.s, 30).map((x) => idx(once, x)),
      run(twice.s, 30).map((x) => idx(twice, x)),
    );
  });
}
