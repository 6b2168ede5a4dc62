/**
 * The on-disk form of a generated golden case (test/golden/cases/<name>/case.json) and the helpers
 * both make-cases.ts and generated.test.ts use: replay arguments to runReplay options, and the
 * mapping of output frames to the input frame they answer (by timestamp: every input frame of a
 * generated case has its own timestamp and each output frame carries its input frame's).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReplayOptions, ReplaySummary } from '../../../../src/daemon/replay.js';
import type { KnownBug } from './lib.js';

export interface CaseFrame {
  /** 1-based input frame number. */
  in: number;
  note: string;
  /** 1-based numbers of the output frames it produced, in expected.pcap. */
  out: number[];
  drop?: string;
  /** Deliberately broken input: tshark may flag it and its outputs. */
  badInput?: string;
}

export interface CaseFile {
  description: string;
  /** `uvs replay` arguments besides --rules/--in/--out. */
  replayArgs: string[];
  frames: CaseFrame[];
  /** What `uvs replay` must report (runReplay's summary). */
  summary: ReplaySummary;
  knownBugs: (KnownBug & { outFrames?: number[] })[];
  /** How in.pcap was made. */
  generator: string;
}

export function readCase(dir: string): CaseFile {
  return JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as CaseFile;
}

/** runReplay options from replay arguments (the CLI's flags). */
export function replayOptions(
  args: string[],
  paths: { rulesPath: string; inPath: string; outPath: string },
): ReplayOptions {
  const opts: ReplayOptions = { ...paths, localIps: [], localMac: '', neighbors: [], seed: 1 };
  for (let i = 0; i < args.length; i += 2) {
    const v = args[i + 1]!;
    switch (args[i]!) {
      case '--local-ip':
        opts.localIps.push(v);
        break;
      case '--local-mac':
        opts.localMac = v;
        break;
      case '--neigh':
        opts.neighbors.push(v);
        break;
      case '--seed':
        opts.seed = Number(v);
        break;
      default:
        throw new Error('unknown replay argument ' + String(args[i]));
    }
  }
  return opts;
}

/** For each output frame (by timestamp), the 0-based index of the input frame with that timestamp. */
export function sourceOf(
  inputs: { tsSec: number; tsNsec: number }[],
  outputs: { tsSec: number; tsNsec: number }[],
): number[] {
  const at = new Map<string, number>();
  inputs.forEach((f, i) => at.set(f.tsSec + '.' + f.tsNsec, i));
  return outputs.map((f) => at.get(f.tsSec + '.' + f.tsNsec) ?? -1);
}
