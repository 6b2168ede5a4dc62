/**
 * Generator of the golden cases under test/golden/cases/<name>/ (house style §4.10):
 *   node --import tsx test/golden/make-cases.ts [name...]
 * For each case defined in cases/_gen/defs-*.ts it writes rules.txt and in.pcap (built with the
 * wire builder), runs `uvs replay` (runReplay) ONCE, and checks every transmitted frame against
 * the independent kernel model of cases/_gen/lib.ts, every drop reason against the one the case
 * names for its frame, and the pass count. Only when they agree does it write expected.pcap (the
 * model's frames) and case.json (notes, replay arguments, the summary counters). A frame the case
 * marks `engineBug` is written as the kernel's frame and recorded as a known bug (the golden test
 * then expects it to fail). Existing expected files are kept unless UPDATE_GOLDEN=1.
 * Must not: run in the test suite (generated.test.ts only checks that in.pcap is reproducible).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as prettier from 'prettier';
import { runReplay, type ReplaySummary } from '../../src/daemon/replay.js';
import { readCaptureFile, writePcapFile } from '../../src/io/pcap.js';
import { frameDiff } from '../helpers/frame-diff.js';
import type { CaseFile, CaseFrame } from './cases/_gen/case-file.js';
import { replayOptions, sourceOf } from './cases/_gen/case-file.js';
import { ALL_CASES } from './cases/_gen/index.js';
import {
  adoptIpId,
  DIR_IP4,
  DIR_IP6,
  DIR_MAC,
  isV6,
  macOf,
  macText,
  T0,
  type CaseDef,
} from './cases/_gen/lib.js';
import { formatIpv4Addr, formatIpv6Addr } from '../../src/wire/index.js';

export const CASES_DIR = join(import.meta.dirname, 'cases');

export interface BuiltInput {
  frames: { tsSec: number; tsNsec: number; data: Uint8Array }[];
  replayArgs: string[];
}

/** The input frames (with their timestamps) and replay arguments of a case definition. */
export function buildInput(def: CaseDef): BuiltInput {
  let ms = 0;
  const frames = def.steps.map((s, i) => {
    if (i > 0) ms += s.gapMs ?? 10;
    const data = s.pkt instanceof Uint8Array ? s.pkt : s.pkt.bytes;
    return { tsSec: T0 + Math.floor(ms / 1000), tsNsec: (ms % 1000) * 1e6, data };
  });
  const addrs = new Set<string>();
  for (const m of def.rules.matchAll(/-r (?:\[([0-9a-f:]+)\]|([0-9.]+)):\d+/g)) addrs.add((m[1] ?? m[2])!);
  for (const s of def.steps) {
    if (s.pkt instanceof Uint8Array) continue;
    const ip = s.pkt.spec.ip;
    for (const a of ip.v === 4 ? [ip.src, ip.dst] : [ip.src, ip.dst]) {
      addrs.add(typeof a === 'number' ? formatIpv4Addr(a) : formatIpv6Addr(a));
    }
  }
  const skip = new Set([DIR_IP4, DIR_IP6, ...(def.noNeighbor ?? [])]);
  const args = ['--local-mac', macText(DIR_MAC), '--local-ip', DIR_IP4, '--local-ip', DIR_IP6];
  for (const a of addrs) {
    if (skip.has(a) || (!isV6(a) && Number(a.split('.')[0]) >= 224) || a.startsWith('ff')) continue;
    if (a.startsWith('127.') || a.startsWith('0.')) continue;
    args.push('--neigh', a + '=' + macText(macOf(a)));
  }
  for (const n of def.neighbors ?? []) args.push('--neigh', n);
  args.push('--seed', String(def.seed ?? 1));
  return { frames, replayArgs: args };
}

interface Generated {
  file: CaseFile;
  expected: { tsSec: number; tsNsec: number; data: Uint8Array }[];
  problems: string[];
}

function generate(def: CaseDef, input: BuiltInput, dir: string): Generated {
  const tmp = mkdtempSync(join(tmpdir(), 'uvs-make-case-'));
  let summary: ReplaySummary;
  let produced: ReturnType<typeof readCaptureFile>;
  try {
    const outPath = join(tmp, 'out.pcap');
    summary = runReplay(
      replayOptions(input.replayArgs, {
        rulesPath: join(dir, 'rules.txt'),
        inPath: join(dir, 'in.pcap'),
        outPath,
      }),
    );
    produced = readCaptureFile(outPath);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const src = sourceOf(input.frames, produced);
  const problems: string[] = [];
  const expected: Generated['expected'] = [];
  const frames: CaseFrame[] = [];
  const bugs: CaseFile['knownBugs'] = (def.knownBugs ?? []).filter((b) => b.kind === 'counters');
  const drops: Record<string, number> = {};
  let passed = 0;
  def.steps.forEach((s, i) => {
    const mine = produced.filter((_, j) => src[j] === i).map((f) => f.data);
    const want = s.out ?? [];
    const cf: CaseFrame = { in: i + 1, note: s.note, out: [] };
    if (s.drop !== undefined) {
      cf.drop = s.drop;
      drops[s.drop] = (drops[s.drop] ?? 0) + 1;
    }
    if (s.badInput !== undefined) cf.badInput = s.badInput;
    if (want.length === 0 && s.drop === undefined) passed++;
    if (mine.length !== want.length) {
      problems.push('in#' + (i + 1) + ': engine sent ' + mine.length + ' frames, model ' + want.length);
    }
    want.forEach((w, k) => {
      const got = mine[k];
      const bytes = w.ipIdChosen === true && got !== undefined ? adoptIpId(w.bytes, got) : w.bytes;
      expected.push({ ...input.frames[i]!, data: bytes });
      cf.out.push(expected.length);
      const same = got !== undefined && Buffer.compare(Buffer.from(got), Buffer.from(bytes)) === 0;
      if (w.engineBug !== undefined) {
        if (same) problems.push('in#' + (i + 1) + ': marked engineBug but the engine now agrees');
        bugs.push({ kind: 'frames', what: w.engineBug, outFrames: [expected.length] });
      } else if (!same) {
        problems.push(
          'in#' +
            (i + 1) +
            ' out ' +
            (k + 1) +
            ' differs from the model:\n' +
            (got ? frameDiff(got, bytes) : '  (not sent)'),
        );
      }
    });
    frames.push(cf);
  });
  const engineDrops = summary.drops;
  if (JSON.stringify(sorted(engineDrops)) !== JSON.stringify(sorted(drops))) {
    problems.push('drops: engine ' + JSON.stringify(engineDrops) + ', case ' + JSON.stringify(drops));
  }
  if (summary.passed !== passed) problems.push('passed: engine ' + summary.passed + ', case ' + passed);
  const fixed = structuredClone(summary);
  if (def.counterFixes !== undefined) {
    def.counterFixes(fixed as unknown as Record<string, unknown>);
    if (JSON.stringify(fixed) === JSON.stringify(summary)) {
      problems.push('counterFixes change nothing: the known counter bug is fixed, remove it');
    }
  }
  return {
    file: {
      description: def.description,
      replayArgs: input.replayArgs,
      frames,
      summary: fixed,
      knownBugs: bugs,
      generator: 'test/golden/make-cases.ts, case ' + def.name + ' (cases/_gen/defs-*.ts)',
    },
    expected,
    problems,
  };
}

function sorted(o: Record<string, number>): [string, number][] {
  return Object.entries(o).sort(([a], [b]) => a.localeCompare(b));
}

/** case.json text as the repository's prettier config formats it (`prettier --check .` covers it). */
async function caseJson(file: string, data: CaseFile): Promise<string> {
  const config = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(JSON.stringify(data, null, 2), { ...config, filepath: file });
}

async function main(names: string[]): Promise<number> {
  const update = process.env['UPDATE_GOLDEN'] === '1';
  const defs = names.length === 0 ? ALL_CASES : ALL_CASES.filter((d) => names.includes(d.name));
  let failed = 0;
  for (const def of defs) {
    const dir = join(CASES_DIR, def.name);
    if (existsSync(join(dir, 'expected.pcap')) && !update) {
      process.stdout.write(def.name + ': kept (UPDATE_GOLDEN=1 regenerates)\n');
      continue;
    }
    mkdirSync(dir, { recursive: true });
    const input = buildInput(def);
    writeFileSync(join(dir, 'rules.txt'), def.rules + '\n');
    writePcapFile(join(dir, 'in.pcap'), input.frames);
    const g = generate(def, input, dir);
    if (g.problems.length > 0) {
      failed++;
      process.stdout.write(def.name + ': NOT written, the engine disagrees with the model:\n');
      for (const p of g.problems) process.stdout.write('  ' + p + '\n');
      continue;
    }
    writePcapFile(join(dir, 'expected.pcap'), g.expected);
    writeFileSync(join(dir, 'case.json'), await caseJson(join(dir, 'case.json'), g.file));
    const bugs = g.file.knownBugs.length;
    process.stdout.write(
      def.name +
        ': ' +
        input.frames.length +
        ' in, ' +
        g.expected.length +
        ' out' +
        (bugs > 0 ? ', ' + bugs + ' known engine bug(s)' : '') +
        '\n',
    );
  }
  return failed === 0 ? 0 : 1;
}

/** in.pcap bytes a definition gives now (generated.test.ts checks the committed file matches). */
export function inputBytes(def: CaseDef): Uint8Array {
  const tmp = mkdtempSync(join(tmpdir(), 'uvs-make-in-'));
  try {
    const p = join(tmp, 'in.pcap');
    writePcapFile(p, buildInput(def).frames);
    return readFileSync(p);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(String(err) + '\n');
      process.exitCode = 1;
    },
  );
}
