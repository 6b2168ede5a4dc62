// Golden tests from real kernel IPVS (Linux 6.1, ipvsadm 1.31): each recorded case's rules and
// input frames go through `uvs replay`; the output must equal kernel-out.pcap byte for byte
// (masking only the kernel-random bytes its case.md names), and the counters must equal what
// the kernel's own `ipvsadm -Ln`, `--stats` and `--persistent-conn` printed. A mismatch prints a
// per-field diff of the first differing frame. See test/golden/kernel-cases/README.md.
import test from 'ava';
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runReplay, type ReplaySummary } from '../../src/daemon/replay.js';
import { readCaptureFile } from '../../src/io/pcap.js';
import { frameDiff } from '../helpers/frame-diff.js';

const CASES = join(import.meta.dirname, 'kernel-cases');

/** Bytes the kernel chooses itself (case.md "Not reproducible"): frame number (1-based) -> offsets. */
const MASKS: Record<string, Record<number, number[]>> = {
  // ICMP time exceeded from the VIP: IP ID (18-19) and so the IP header checksum (24-25).
  'dr-ttl1': { 2: [18, 19, 24, 25], 4: [18, 19, 24, 25] },
};

interface Replayed {
  summary: ReplaySummary;
  out: Uint8Array[];
  kernel: Uint8Array[];
}

function replayCase(name: string): Replayed {
  const dir = join(CASES, name);
  const tmp = mkdtempSync(join(tmpdir(), 'uvs-golden-'));
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
      else throw new Error(`unknown replay-args flag ${args[i]}`);
    }
    const outPath = join(tmp, 'out.pcap');
    const summary = runReplay({
      rulesPath: join(dir, 'rules.txt'),
      inPath: join(dir, 'in.pcap'),
      outPath,
      localIps,
      localMac,
      neighbors,
      seed: 1,
    });
    return {
      summary,
      out: readCaptureFile(outPath).map((f) => f.data),
      kernel: readCaptureFile(join(dir, 'kernel-out.pcap')).map((f) => f.data),
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** `  -> addr  a b c ...` rows of an ipvsadm listing, keyed by address, numeric columns only. */
function listingRows(text: string): Map<string, number[]> {
  const rows = new Map<string, number[]>();
  for (const line of text.split('\n')) {
    const m = /^(?:TCP|UDP) {2}(\S+)|^ {2}-> (\S+)/.exec(line);
    if (!m) continue;
    const addr = (m[1] ?? m[2])!;
    if (addr === 'RemoteAddress:Port') continue;
    const nums = line
      .trim()
      .split(/\s+/)
      .filter((w) => /^\d+$/.test(w))
      .map(Number);
    rows.set(`${m[1] ? 'svc' : 'dest'} ${addr}`, nums);
  }
  return rows;
}

const caseNames = readdirSync(CASES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

test('the golden folder holds the ten recorded kernel cases', (t) => {
  t.deepEqual(caseNames, [
    'dr-rr-3',
    'dr-ttl1',
    'ipv6-dr-rr',
    'lc-dr',
    'mh-4',
    'nat-wrr-3',
    'persist-60',
    'tun-sh-2',
    'udp-rr-ops',
    'wlc-established',
  ]);
});

for (const name of caseNames) {
  test(`kernel case ${name}: frames equal kernel-out.pcap byte for byte`, (t) => {
    const r = replayCase(name);
    t.is(
      r.out.length,
      r.kernel.length,
      `frame count (${r.out.length} produced, ${r.kernel.length} recorded)`,
    );
    const masks = MASKS[name] ?? {};
    for (let i = 0; i < Math.min(r.out.length, r.kernel.length); i++) {
      const mine = Uint8Array.from(r.out[i]!);
      const theirs = Uint8Array.from(r.kernel[i]!);
      for (const o of masks[i + 1] ?? []) {
        mine[o] = 0;
        theirs[o] = 0;
      }
      if (Buffer.compare(mine, theirs) !== 0) {
        t.fail(`frame ${i + 1} differs:\n${frameDiff(mine, theirs)}`);
        return;
      }
    }
    t.pass();
  });

  test(`kernel case ${name}: counters equal ipvsadm -Ln, --stats and --persistent-conn`, (t) => {
    const { summary } = replayCase(name);
    const dump = join(CASES, name, 'dump');
    const stats = listingRows(readFileSync(join(dump, 'ipvsadm-Ln-stats.txt'), 'utf8'));
    const conns = listingRows(readFileSync(join(dump, 'ipvsadm-Ln.txt'), 'utf8'));
    const persist = existsSync(join(dump, 'ipvsadm-Ln-persistent-conn.txt'))
      ? listingRows(readFileSync(join(dump, 'ipvsadm-Ln-persistent-conn.txt'), 'utf8'))
      : new Map<string, number[]>();
    let compared = 0;
    for (const svc of summary.services) {
      t.deepEqual(
        stats.get(`svc ${svc.addr}`),
        [svc.conns, svc.inPkts, svc.outPkts, svc.inBytes, svc.outBytes],
        `--stats ${svc.addr}`,
      );
      for (const d of svc.dests) {
        t.deepEqual(
          stats.get(`dest ${d.addr}`),
          [d.conns, d.inPkts, d.outPkts, d.inBytes, d.outBytes],
          `--stats ${d.addr}`,
        );
        // -Ln dest rows: Weight ActiveConn InActConn
        t.deepEqual(conns.get(`dest ${d.addr}`), [d.weight, d.activeConns, d.inactConns], `-Ln ${d.addr}`);
        const p = persist.get(`dest ${d.addr}`);
        if (p)
          t.deepEqual(
            p,
            [d.weight, d.persistConns, d.activeConns, d.inactConns],
            `--persistent-conn ${d.addr}`,
          );
        compared++;
      }
    }
    t.true(compared > 0);
  });
}
