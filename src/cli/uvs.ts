/**
 * `uvs`: the multi-command front end (replay, decap, demo, run, probe). Glue only: argument
 * parsing with node:util parseArgs, then a call into the module that does the work.
 * Exit codes: 0 success, 1 runtime failure, 2 usage error.
 */
import { parseArgs } from 'node:util';
import { loadNative, PROBE_NAMES } from '../io/native.js';
import { UVS_VERSION } from './version.js';
import { errnoName } from '../io/errno.js';
import { runReplay } from '../daemon/replay.js';
import { runDecap } from '../daemon/decap.js';
import { runDemo } from '../daemon/demo.js';
import { formatSummary } from './replay-summary.js';

const USAGE = `uvs ${UVS_VERSION}: userspace Linux Virtual Server

Usage: uvs <command> [options]

Commands:
  replay           run a pcap/pcapng capture through the engine offline:
                   uvs replay --rules FILE --in IN.pcap --out OUT.pcap [--local-ip IP]...
                              [--local-mac MAC] [--neigh IP=MAC]... [--seed N] [--json]
  decap            real-server side of TUN mode without the ipip module: IPIP in, inner
                   packets to a TUN device:  uvs decap --vip VIP... [--tun NAME]
  demo             build a client/director/real-server topology in network namespaces, run
                   uvsd in DR, TUN and NAT, show who answered each request (needs root)
  probe            report which kernel packet-I/O capabilities this host offers
                   (AF_PACKET, TPACKET_V3, fanout, PACKET_IGNORE_OUTGOING, TUN, raw IPIP)

Options:
  -h, --help       show this help
  -V, --version    print the version
`;

function probe(json: boolean): number {
  const result = loadNative().probe();
  if (json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    for (const name of PROBE_NAMES) {
      const rc = result[name];
      process.stdout.write(`${name.padEnd(16)}${rc === 0 ? 'yes' : `no (${errnoName(-rc)})`}\n`);
    }
  }
  return 0;
}

function replay(args: string[]): number {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      rules: { type: 'string' },
      in: { type: 'string' },
      out: { type: 'string' },
      'local-ip': { type: 'string', multiple: true },
      'local-mac': { type: 'string' },
      neigh: { type: 'string', multiple: true },
      seed: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  for (const need of ['rules', 'in', 'out'] as const) {
    if (values[need] === undefined) {
      process.stderr.write(`uvs replay: --${need} is required\n`);
      return 2;
    }
  }
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    process.stderr.write(`uvs replay: --seed takes an integer from 0 to 4294967295\n`);
    return 2;
  }
  const tty = process.stderr.isTTY && values.json !== true;
  const summary = runReplay({
    rulesPath: values.rules!,
    inPath: values.in!,
    outPath: values.out!,
    localIps: values['local-ip'] ?? [],
    localMac: values['local-mac'] ?? '',
    neighbors: values.neigh ?? [],
    seed,
    ...(tty
      ? {
          onProgress: (frames: number, offset: number) =>
            process.stderr.write(`\r${frames} frames, ${(offset / 1e6).toFixed(1)} MB`),
        }
      : {}),
  });
  if (tty) process.stderr.write('\r\x1b[K');
  process.stdout.write(
    values.json === true ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary),
  );
  return 0;
}

function decap(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: { vip: { type: 'string', multiple: true }, tun: { type: 'string' } },
  });
  if (values.vip === undefined) {
    process.stderr.write('uvs decap: at least one --vip is required\n');
    return Promise.resolve(2);
  }
  return runDecap({ vips: values.vip, tun: values.tun ?? 'uvsdecap0' }).then(() => 0);
}

function main(argv: string[]): number | Promise<number> {
  const cmd = argv[0];
  if (cmd === undefined || cmd === '-h' || cmd === '--help' || cmd === 'help') {
    process.stdout.write(USAGE);
    return cmd === undefined ? 2 : 0;
  }
  if (cmd === '-V' || cmd === '--version') {
    process.stdout.write(`uvs ${UVS_VERSION}\n`);
    return 0;
  }
  const rest = argv.slice(1);
  switch (cmd) {
    case 'replay':
      return replay(rest);
    case 'decap':
      return decap(rest);
    case 'demo':
      parseArgs({ args: rest, options: {}, strict: true });
      return runDemo();
    case 'probe': {
      const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean' } }, strict: true });
      return probe(values.json === true);
    }
    default:
      process.stderr.write(`uvs: unknown command '${cmd}'\n\n${USAGE}`);
      return 2;
  }
}

function fail(err: unknown): void {
  process.stderr.write(`uvs: ${err instanceof Error ? err.message : String(err)}\n`);
  const code = (err as { code?: unknown }).code;
  process.exitCode =
    typeof code === 'string' && (code.startsWith('ERR_PARSE_ARGS') || code === 'UVS_ERR_USAGE') ? 2 : 1;
}

try {
  void Promise.resolve(main(process.argv.slice(2))).then((code) => {
    process.exitCode = code;
  }, fail);
} catch (err) {
  fail(err);
}
