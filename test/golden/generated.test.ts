// Generated golden cases (test/golden/cases/<name>/, written by make-cases.ts; house style §4.10):
// each case's rules.txt + in.pcap go through `uvs replay` (runReplay); the output must equal
// expected.pcap byte for byte (a per-field diff on mismatch) and the summary must equal case.json.
// Frames and counters a case lists as known engine bugs are expected to fail (test.failing) until
// the engine is fixed. in.pcap must be what make-cases.ts builds today.
// tshark audit: no frame of in.pcap, expected.pcap or the produced output (and of the kernel
// cases' in.pcap, kernel-out.pcap and our output for them) may show a bad checksum or a malformed
// packet, except input frames a case marks badInput and the frames produced from them.
import test from 'ava';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runReplay, type ReplaySummary } from '../../src/daemon/replay.js';
import { readCaptureFile, type CaptureFrame } from '../../src/io/pcap.js';
import { frameDiff } from '../helpers/frame-diff.js';
import { readCase, replayOptions, sourceOf, type CaseFile } from './cases/_gen/case-file.js';
import { ALL_CASES } from './cases/_gen/index.js';
import { tsharkAudit, type Flagged } from './cases/_gen/tshark.js';
import { buildInput, inputBytes } from './make-cases.js';

const CASES = join(import.meta.dirname, 'cases');
const KERNEL = join(import.meta.dirname, 'kernel-cases');

interface Run {
  summary: ReplaySummary;
  input: CaptureFrame[];
  produced: CaptureFrame[];
  expected: CaptureFrame[];
}

function replay(dir: string, args: string[], expectedFile: string): Run {
  const tmp = mkdtempSync(join(tmpdir(), 'uvs-generated-'));
  try {
    const outPath = join(tmp, 'out.pcap');
    const inPath = join(dir, 'in.pcap');
    const summary = runReplay(replayOptions(args, { rulesPath: join(dir, 'rules.txt'), inPath, outPath }));
    return {
      summary,
      input: readCaptureFile(inPath),
      produced: readCaptureFile(outPath),
      expected: readCaptureFile(join(dir, expectedFile)),
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const runs = new Map<string, Run>();
const cases = new Map<string, CaseFile>();
function runOf(name: string): Run {
  let r = runs.get(name);
  if (r === undefined) {
    const c = caseOf(name);
    r = replay(join(CASES, name), c.replayArgs, 'expected.pcap');
    runs.set(name, r);
  }
  return r;
}
function caseOf(name: string): CaseFile {
  let c = cases.get(name);
  if (c === undefined) {
    c = readCase(join(CASES, name));
    cases.set(name, c);
  }
  return c;
}

/** 0-based output frames of known engine bugs. */
function bugFrames(c: CaseFile): Set<number> {
  const s = new Set<number>();
  for (const b of c.knownBugs) for (const n of b.outFrames ?? []) s.add(n - 1);
  return s;
}

test('every defined case has its four files, and nothing else lives in cases/', (t) => {
  const dirs = readdirSync(CASES, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== '_gen')
    .map((d) => d.name)
    .sort();
  t.deepEqual(dirs, ALL_CASES.map((d) => d.name).sort());
  for (const d of dirs) {
    for (const f of ['rules.txt', 'in.pcap', 'expected.pcap', 'case.json']) {
      t.true(existsSync(join(CASES, d, f)), d + '/' + f);
    }
  }
});

for (const def of ALL_CASES) {
  const name = def.name;
  const dir = join(CASES, name);

  test(`${name}: rules.txt, in.pcap and replay arguments are what make-cases.ts builds`, (t) => {
    t.is(readFileSync(join(dir, 'rules.txt'), 'utf8'), def.rules + '\n');
    t.true(Buffer.compare(Buffer.from(inputBytes(def)), readFileSync(join(dir, 'in.pcap'))) === 0, 'in.pcap');
    t.deepEqual(caseOf(name).replayArgs, buildInput(def).replayArgs);
    t.is(caseOf(name).frames.length, def.steps.length);
  });

  test(`${name}: output equals expected.pcap byte for byte`, (t) => {
    const r = runOf(name);
    const skip = bugFrames(caseOf(name));
    t.is(r.produced.length, r.expected.length, 'frame count');
    for (let i = 0; i < Math.min(r.produced.length, r.expected.length); i++) {
      const a = r.produced[i]!;
      const e = r.expected[i]!;
      t.is(a.tsSec * 1e9 + a.tsNsec, e.tsSec * 1e9 + e.tsNsec, 'timestamp of out#' + (i + 1));
      if (skip.has(i)) continue;
      if (Buffer.compare(Buffer.from(a.data), Buffer.from(e.data)) !== 0) {
        t.fail('out#' + (i + 1) + ' differs:\n' + frameDiff(a.data, e.data));
        return;
      }
    }
  });

  const known = existsSync(join(dir, 'case.json')) ? caseOf(name).knownBugs : [];
  for (const bug of known) {
    if (bug.kind === 'frames') {
      test.failing(`${name}: known engine bug, out#${String(bug.outFrames)}: ${bug.what}`, (t) => {
        const r = runOf(name);
        for (const n of bug.outFrames ?? []) {
          const a = r.produced[n - 1]?.data ?? new Uint8Array(0);
          const e = r.expected[n - 1]!.data;
          t.true(Buffer.compare(Buffer.from(a), Buffer.from(e)) === 0, 'out#' + n + ':\n' + frameDiff(a, e));
        }
      });
    }
  }

  const countersBug = known.find((b) => b.kind === 'counters');
  (countersBug === undefined ? test : test.failing)(
    `${name}: summary counters equal case.json` +
      (countersBug ? ' (known engine bug: ' + countersBug.what + ')' : ''),
    (t) => {
      t.deepEqual(runOf(name).summary, caseOf(name).summary);
    },
  );
}

// ------------------------------------------------------------------------------------------------
// tshark audit

interface Audit {
  flagged: Map<string, Flagged[]>;
  /** Per capture, 0-based frames allowed to be flagged. */
  exempt: Map<string, Set<number>>;
}

let audit: Audit | Error | null = null;

function kernelArgs(dir: string): string[] {
  return [...readFileSync(join(dir, 'replay-args'), 'utf8').trim().split(/\s+/), '--seed', '1'];
}

function runAudit(): Audit {
  const captures = new Map<string, CaptureFrame[]>();
  const exempt = new Map<string, Set<number>>();
  for (const def of ALL_CASES) {
    const c = caseOf(def.name);
    const r = runOf(def.name);
    const badIn = new Set(c.frames.filter((f) => f.badInput !== undefined).map((f) => f.in - 1));
    captures.set(def.name + '/in.pcap', r.input);
    exempt.set(def.name + '/in.pcap', badIn);
    for (const [file, frames] of [
      ['expected.pcap', r.expected],
      ['produced', r.produced],
    ] as const) {
      const src = sourceOf(r.input, frames);
      captures.set(def.name + '/' + file, frames);
      exempt.set(def.name + '/' + file, new Set(src.flatMap((s, j) => (badIn.has(s) ? [j] : []))));
    }
  }
  for (const d of readdirSync(KERNEL, { withFileTypes: true })) {
    if (!d.isDirectory()) continue;
    const dir = join(KERNEL, d.name);
    const r = replay(dir, kernelArgs(dir), 'kernel-out.pcap');
    captures.set('kernel ' + d.name + '/in.pcap', r.input);
    captures.set('kernel ' + d.name + '/kernel-out.pcap', r.expected);
    captures.set('kernel ' + d.name + '/produced', r.produced);
  }
  return { flagged: tsharkAudit(captures), exempt };
}

function getAudit(): Audit {
  if (audit === null) {
    try {
      audit = runAudit();
    } catch (err) {
      audit = err instanceof Error ? err : new Error(String(err));
    }
  }
  if (audit instanceof Error) throw audit;
  return audit;
}

test('tshark: no bad checksum or malformed frame unless the case feeds one on purpose', (t) => {
  const a = getAudit();
  const problems: string[] = [];
  for (const [capture, flagged] of a.flagged) {
    const ok = a.exempt.get(capture) ?? new Set<number>();
    for (const f of flagged) {
      if (!ok.has(f.frame)) problems.push(capture + ' frame ' + (f.frame + 1) + ': ' + f.lines.join(' | '));
    }
  }
  t.deepEqual(problems, []);
  t.true(a.flagged.size > 3 * ALL_CASES.length, 'every capture audited');
});

test('tshark: the audit can fail (the deliberately bad inputs of case hostile are flagged)', (t) => {
  const a = getAudit();
  const flagged = new Set(a.flagged.get('hostile/in.pcap')!.map((f) => f.frame + 1));
  const c = caseOf('hostile');
  const ipSum = c.frames.find((f) => f.badInput === 'IP checksum')!.in;
  const natSum = c.frames.find((f) => f.badInput === 'TCP checksum skewed by one')!;
  t.true(flagged.has(ipSum), 'bad IP checksum flagged');
  t.true(flagged.has(natSum.in), 'bad TCP checksum flagged');
  const out = new Set(a.flagged.get('hostile/produced')!.map((f) => f.frame + 1));
  t.true(out.has(natSum.out[0]!), 'the NAT output of the bad TCP checksum is flagged too');
});
