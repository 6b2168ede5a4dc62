// uvsadm's listings against the kernel's own: each recorded kernel case (test/golden/kernel-cases)
// is replayed in-process, then every layout ipvsadm 1.31 printed for it (dump/ipvsadm-∗.txt) is
// formatted by src/cli/ipvsadm-list.ts from the control API's JSON and compared byte for byte.
//
// Clocks (see docs/uvsadm.md "Golden listings"):
// - The dump was taken about 3 s after the last frame. Listing at last frame + 3100 ms gives the
//   kernel's `-Lnc` expire column in every case (each conn shows floor(remaining s)): the kernel's
//   elapsed time was over 3 s for the newest conn and at most 4 s for the oldest.
// - The 2-s rate estimator's phase relative to the frames is unknown; running its first tick
//   ESTIMATOR_PHASE_MS after the first frame reproduces all ten `--rate` dumps (any phase from
//   360 to 1040 ms does; 700 is the middle).
// - `-Lnc` rows are sorted on both sides: the kernel's order is a per-boot hash.
import test from 'ava';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runReplay } from '../../src/daemon/replay.js';
import { LocalDataPlane } from '../../src/daemon/dataplane.js';
import { ControlApi } from '../../src/daemon/api.js';
import { parseRulesFile } from '../../src/control/rules-file.js';
import { parseIpvsadmArgs, type ListOptions } from '../../src/control/ipvsadm-args.js';
import { formatConns, formatList, formatTimeouts, formatDaemons } from '../../src/cli/ipvsadm-list.js';
import { formatRulesSave } from '../../src/control/rules-file.js';
import type { Engine } from '../../src/engine/engine.js';

const CASES = join(import.meta.dirname, 'kernel-cases');
const ESTIMATOR_PHASE_MS = 700;
const LIST_AFTER_LAST_MS = 3100;
/** The recorded kernel's connection hash table: 2^12 buckets (`size=4096`). */
const KERNEL_CONN_TAB_SIZE = 4096;

interface Replayed {
  engine: Engine;
  listAt: number;
  rulesText: string;
}

function replay(name: string): Replayed {
  const dir = join(CASES, name);
  const tmp = mkdtempSync(join(tmpdir(), 'uvsadm-golden-'));
  try {
    const args = readFileSync(join(dir, 'replay-args'), 'utf8').trim().split(/\s+/);
    const localIps: string[] = [];
    const neighbors: string[] = [];
    let localMac = '';
    for (let i = 0; i < args.length; i += 2) {
      const v = args[i + 1]!;
      if (args[i] === '--local-ip') localIps.push(v);
      else if (args[i] === '--neigh') neighbors.push(v);
      else if (args[i] === '--local-mac') localMac = v;
    }
    let last = 0;
    const summary = runReplay({
      rulesPath: join(dir, 'rules.txt'),
      inPath: join(dir, 'in.pcap'),
      outPath: join(tmp, 'out.pcap'),
      localIps,
      localMac,
      neighbors,
      seed: 1,
      capacity: KERNEL_CONN_TAB_SIZE,
      onFirstFrame: (engine, now) => engine.tick(now - 2000 + ESTIMATOR_PHASE_MS),
      onProgress: () => undefined,
    });
    const engine = summary.engine!;
    // The last frame's time: the replay's final tick ran at it; read it back from the pcap.
    last = lastFrameMs(join(dir, 'in.pcap'));
    const listAt = last + LIST_AFTER_LAST_MS;
    engine.tick(listAt);
    return { engine, listAt, rulesText: readFileSync(join(dir, 'rules.txt'), 'utf8') };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function lastFrameMs(path: string): number {
  // Classic µs pcap: walk the record headers.
  const b = readFileSync(path);
  let off = 24;
  let ms = 0;
  while (off + 16 <= b.length) {
    ms = b.readUInt32LE(off) * 1000 + b.readUInt32LE(off + 4) / 1000;
    off += 16 + b.readUInt32LE(off + 8);
  }
  return ms;
}

function listOpts(argv: string[]): ListOptions {
  const p = parseIpvsadmArgs(argv);
  if (p.kind !== 'list') throw new Error(`not a list command: ${argv.join(' ')}`);
  return p.list;
}

const sortRows = (text: string, header: number): string => {
  const lines = text.split('\n');
  const body = lines.slice(header).filter((l) => l !== '');
  return [...lines.slice(0, header), ...body.sort(), ''].join('\n');
};

const caseNames = readdirSync(CASES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

const LAYOUTS: [string, string[]][] = [
  ['ipvsadm-Ln.txt', ['-Ln']],
  ['ipvsadm-Ln-stats.txt', ['-Ln', '--stats']],
  ['ipvsadm-Ln-rate.txt', ['-Ln', '--rate']],
  ['ipvsadm-Ln-thresholds.txt', ['-Ln', '--thresholds']],
  ['ipvsadm-Ln-persistent-conn.txt', ['-Ln', '--persistent-conn']],
];

for (const name of caseNames) {
  test(`kernel case ${name}: every uvsadm listing equals the kernel's ipvsadm text`, async (t) => {
    const r = replay(name);
    const plane = new LocalDataPlane(r.engine, () => r.listAt);
    // The engine already holds the replay's rules: give the API its rule set without re-applying.
    const adopt = Object.assign(Object.create(plane) as LocalDataPlane, { sync: () => undefined });
    const api = new ControlApi(adopt, 'test');
    const rules = parseRulesFile(r.rulesText);
    if (!rules.ok) throw rules.error;
    await api.replaceRules(rules.ruleset, null);
    const dump = (f: string): string => readFileSync(join(CASES, name, 'dump', f), 'utf8');
    const list = plane.list(null);
    for (const [file, argv] of LAYOUTS) {
      t.is(formatList(list, { list: listOpts(argv) }), dump(file), `${file}`);
    }
    const conns = formatConns(plane.listConns(), { numeric: true, persistentConn: false });
    t.is(sortRows(conns, 2), sortRows(dump('ipvsadm-Lnc.txt'), 2), 'ipvsadm-Lnc.txt');
    t.is(formatTimeouts(plane.timeouts()), dump('ipvsadm-Ln-timeout.txt'), 'ipvsadm-Ln-timeout.txt');
    t.is(formatDaemons(), dump('ipvsadm-Ln-daemon.txt'), 'ipvsadm-Ln-daemon.txt');
    const save = (await api.handle({ v: 1, id: 1, op: 'save' })) as { result: { text: string } };
    t.is(save.result.text, dump('ipvsadm-Sn.txt'), 'ipvsadm-Sn.txt');
    t.is(formatRulesSave(rules.ruleset, { numeric: true }), dump('ipvsadm-Sn.txt'));
  });
}
