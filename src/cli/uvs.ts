/**
 * `uvs`: the multi-command front end (replay, decap, demo, run, probe). Glue only: argument
 * parsing with node:util parseArgs, then a call into the module that does the work.
 * Exit codes: 0 success, 1 runtime failure, 2 usage error.
 */
import { parseArgs } from 'node:util';
import { loadNative, PROBE_NAMES } from '../io/native.js';
import { UVS_VERSION } from './version.js';
import { errnoName } from '../io/errno.js';

const USAGE = `uvs ${UVS_VERSION}: userspace Linux Virtual Server

Usage: uvs <command> [options]

Commands:
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

function main(argv: string[]): number {
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
    case 'probe': {
      const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean' } }, strict: true });
      return probe(values.json === true);
    }
    default:
      process.stderr.write(`uvs: unknown command '${cmd}'\n\n${USAGE}`);
      return 2;
  }
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`uvs: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = (err as { code?: unknown }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? 2 : 1;
}
