/**
 * `uvsd` (also `uvs run`): the director daemon's front end. Flags per ARCHITECTURE §6:
 * --iface IF, --rules FILE, --socket PATH, --workers N, --no-guard; `UVS_SOCKET` sets the socket.
 * Exit codes: 0 clean stop, 1 runtime failure, 2 usage error.
 */
import { parseArgs } from 'node:util';
import { runDaemon } from '../daemon/main.js';
import { UVS_VERSION } from './version.js';

const USAGE = `uvsd ${UVS_VERSION}: the uvs director daemon

Usage: uvsd --iface IF [--rules FILE] [--socket PATH] [--workers N] [--no-guard]

  --iface IF        the interface VIP traffic arrives on (one-arm director)
  --rules FILE      ipvsadm-save rules applied at start and reloaded by diff on SIGHUP
  --socket PATH     control socket (default /run/uvs/uvsd.sock, or $UVS_SOCKET)
  --workers N       forwarding worker threads (default 1)
  --capacity N      connection table size per worker (default 1048576)
  --no-guard        do not install the nftables guard (the kernel may then answer VIP traffic)
  -h, --help        this help
  -V, --version     the version
`;

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      iface: { type: 'string', multiple: true },
      rules: { type: 'string' },
      socket: { type: 'string' },
      workers: { type: 'string' },
      capacity: { type: 'string' },
      'no-guard': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'V' },
    },
  });
  if (values.help === true) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values.version === true) {
    process.stdout.write(`uvsd ${UVS_VERSION}\n`);
    return 0;
  }
  const workers = Number(values.workers ?? '1');
  const capacity = Number(values.capacity ?? String(1 << 20));
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
    process.stderr.write('uvsd: --workers takes an integer from 1 to 64\n');
    return 2;
  }
  if (!Number.isInteger(capacity) || capacity < 16 || capacity > 1 << 27) {
    process.stderr.write('uvsd: --capacity takes an integer from 16 to 134217728\n');
    return 2;
  }
  if (values.iface === undefined) {
    process.stderr.write(`uvsd: --iface is required\n\n${USAGE}`);
    return 2;
  }
  if (process.getuid?.() !== 0) {
    process.stderr.write(
      'uvsd: must run as root (AF_PACKET sockets and the nftables guard need CAP_NET_RAW and CAP_NET_ADMIN)\n',
    );
    return 1;
  }
  return runDaemon({
    ifaces: values.iface,
    rulesPath: values.rules ?? null,
    socket: values.socket ?? null,
    workers,
    guard: values['no-guard'] !== true,
    capacity,
    version: UVS_VERSION,
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`uvsd: ${err instanceof Error ? err.message : String(err)}\n`);
    const code = (err as { code?: unknown }).code;
    process.exitCode = typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS') ? 2 : 1;
  },
);
