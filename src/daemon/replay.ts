/**
 * `uvs replay`: a pcap/pcapng capture through the engine, offline. The composition of the pcap
 * codec (io), the rules file (control) and the engine, per ARCHITECTURE §6:
 * - the engine clock follows the input timestamps (timeouts replay faithfully);
 * - every frame the engine transmits goes to the output pcap, stamped with its input frame's time;
 * - the same input, rules and seed give byte-identical output;
 * - memory stays bounded: frames stream one at a time through one preallocated slot.
 */
import { readFileSync } from 'node:fs';
import { Engine } from '../engine/engine.js';
import { setNeighbor } from '../engine/engine-config.js';
import { Drop, DROP_NAMES } from '../engine/verdict.js';
import { CaptureReader } from '../io/pcap-reader.js';
import { PcapWriter } from '../io/pcap-writer.js';
import { FrameBatch } from '../wire/frame-batch.js';
import { parseIpv4Addr, parseIpv6Addr, parseMacNum } from '../wire/addr.js';
import { parseRulesFile } from '../control/rules-file.js';
import { loadRuleSet } from '../control/engine-apply.js';
import { UvsError } from '../control/errors.js';
import { serviceSummaries, type ServiceSummary } from './summary.js';

export interface ReplayOptions {
  rulesPath: string;
  inPath: string;
  outPath: string;
  localIps: string[];
  localMac: string;
  neighbors: string[];
  seed: number;
  /** Called every `progressEvery` frames with the frames done and the input bytes read. */
  onProgress?: (frames: number, offset: number) => void;
  progressEvery?: number;
  /** Conn table capacity (default 2^18). */
  capacity?: number;
  /** Called once with the engine and the first frame's time, before that frame (tests set timer phases). */
  onFirstFrame?: (engine: Engine, now: number) => void;
}

export interface ReplaySummary {
  framesIn: number;
  framesOut: number;
  passed: number;
  dropped: number;
  drops: Record<string, number>;
  conns: number;
  services: ServiceSummary[];
  /** The engine the replay left (listing tests read its state); not part of the JSON summary. */
  engine?: Engine;
}

const LINKTYPE_ETHERNET = 1;
const DEFAULT_MAC = '02:00:00:00:00:fe';

/** Run a replay; throws UvsError for bad arguments or rules, CaptureError for a bad capture. */
export function runReplay(opts: ReplayOptions): ReplaySummary {
  const localMac = parseMacNum(opts.localMac === '' ? DEFAULT_MAC : opts.localMac);
  if (localMac === null)
    throw new UvsError('UVS_ERR_USAGE', `--local-mac: not a MAC address: ${opts.localMac}`);
  let localIp4 = 0;
  let localIp6: Uint32Array | null = null;
  for (const ip of opts.localIps) {
    const v4 = parseIpv4Addr(ip);
    if (v4 !== null) localIp4 = v4;
    else {
      const v6 = parseIpv6Addr(ip);
      if (v6 === null) throw new UvsError('UVS_ERR_USAGE', `--local-ip: not an IP address: ${ip}`);
      localIp6 = v6;
    }
  }
  const engine = new Engine({
    localMac,
    localIp4,
    localIp6,
    seed: opts.seed,
    capacity: opts.capacity ?? 1 << 18,
  });
  const st = engine.state;

  const parsed = parseRulesFile(readFileSync(opts.rulesPath, 'utf8'));
  if (!parsed.ok) throw parsed.error;
  loadRuleSet(st, parsed.ruleset, parsed.timeouts);

  for (const n of opts.neighbors) {
    const eq = n.indexOf('=');
    const ip = n.slice(0, eq);
    const mac = eq > 0 ? parseMacNum(n.slice(eq + 1)) : null;
    const v4 = parseIpv4Addr(ip);
    const v6 = v4 === null ? parseIpv6Addr(ip) : null;
    if (mac === null || (v4 === null && v6 === null)) {
      throw new UvsError('UVS_ERR_USAGE', `--neigh: expected IP=MAC, got: ${n}`);
    }
    if (v4 !== null) setNeighbor(st, 4, Uint32Array.of(v4, 0, 0, 0), mac);
    else setNeighbor(st, 6, v6!, mac);
  }

  const reader = CaptureReader.open(opts.inPath);
  const writer = PcapWriter.open(opts.outPath, { nanos: reader.nanos });
  // One slot big enough for any frame the reader accepts (it caps captured lengths at 256 KiB).
  const rx = new FrameBatch(1, 262144 + 256, 256);
  const tx = rx.txView();
  let framesIn = 0;
  let lastNow = 0;
  const every = opts.progressEvery ?? 65536;
  try {
    for (let f = reader.next(); f !== null; f = reader.next()) {
      framesIn++;
      if (f.linktype !== LINKTYPE_ETHERNET) {
        throw new UvsError(
          'UVS_ERR_UNSUPPORTED',
          `frame ${framesIn}: link type ${f.linktype} (only Ethernet, 1, is replayed)`,
        );
      }
      const now = f.tsSec * 1000 + f.tsNsec / 1e6;
      if (framesIn === 1) opts.onFirstFrame?.(engine, now);
      lastNow = now;
      rx.count = rx.put(0, f.data) ? 1 : 0;
      if (rx.count === 0) st.drops[Drop.NoRoom]!++;
      const n = engine.processBatch(rx, now, tx);
      for (let j = 0; j < n; j++) writer.writeRaw(f.tsSec, f.tsNsec, tx.data, tx.off[j]!, tx.len[j]!);
      if (opts.onProgress && framesIn % every === 0) opts.onProgress(framesIn, reader.offset);
    }
  } finally {
    writer.close();
    reader.close();
  }
  engine.tick(lastNow);

  const drops: Record<string, number> = {};
  let dropped = 0;
  DROP_NAMES.forEach((name, i) => {
    const c = st.drops[i]!;
    if (c > 0) drops[name] = c;
    dropped += c;
  });
  const summary: ReplaySummary = {
    framesIn,
    framesOut: st.txFrames,
    passed: st.passed,
    dropped,
    drops,
    conns: st.conns.count,
    services: serviceSummaries(st),
  };
  // Non-enumerable: `uvs replay --json` stringifies the summary.
  Object.defineProperty(summary, 'engine', { value: engine, enumerable: false });
  return summary;
}
