// Control-plane errors: one class, stable `UVS_ERR_*` codes, and the ipvsadm 1.31 text and exit
// status each one maps to, so `uvsadm` can print exactly what ipvsadm prints.
//
// Owns: UvsError, the code catalogue, the ipvsadm/libipvs message strings.
// Must not: do I/O, format for a terminal (callers add the trailing newline to stderr).
// Invariants: `ipvsadmMessage` is the exact stderr text ipvsadm prints (without the final
// newline); `exitCode` is ipvsadm's status for that error (2 = parse/validation `fail(2, …)`,
// 255 = libipvs/kernel errors, popt errors and `tryhelp_exit(-1)`, 1 = listing errors).
// Sources: ipvsadm.c `fail`, `tryhelp_exit`, `generic_opt_check`; libipvs.c `ipvs_strerror`;
// net/netfilter/ipvs/ip_vs_ctl.c for which errno each kernel check returns.

export type UvsErrorCode =
  | 'UVS_ERR_USAGE' // grammar: unknown option, missing argument, command not first, stray argument
  | 'UVS_ERR_ILLEGAL_OPTION' // commands_v_options: illegal, missing or conflicting option
  | 'UVS_ERR_DUPLICATE_OPTION' // "multiple '%s' options specified"
  | 'UVS_ERR_BAD_ADDRESS' // "illegal virtual server address[:port] specified" and friends
  | 'UVS_ERR_BAD_PORT' // ports out of range outside an address (tun-port, mcast-port)
  | 'UVS_ERR_BAD_WEIGHT'
  | 'UVS_ERR_BAD_THRESHOLD'
  | 'UVS_ERR_BAD_TIMEOUT'
  | 'UVS_ERR_BAD_NETMASK'
  | 'UVS_ERR_BAD_FWMARK'
  | 'UVS_ERR_BAD_SCHED_FLAG'
  | 'UVS_ERR_BAD_TUNNEL' // tunnel type/options
  | 'UVS_ERR_BAD_DAEMON_OPTION' // sync daemon state/options
  | 'UVS_ERR_BAD_SERVICE' // zero port without -p, -o on TCP
  | 'UVS_ERR_BAD_SCHEDULER' // kernel ENOENT: unknown scheduler or persistence engine
  | 'UVS_ERR_SERVICE_EXISTS'
  | 'UVS_ERR_NO_SUCH_SERVICE'
  | 'UVS_ERR_DEST_EXISTS'
  | 'UVS_ERR_NO_SUCH_DEST'
  | 'UVS_ERR_DAEMON_RUNNING'
  | 'UVS_ERR_NO_DAEMON'
  | 'UVS_ERR_INVALID' // kernel EINVAL
  | 'UVS_ERR_UNRESOLVED' // a host or service name that the caller must resolve (no DNS here)
  | 'UVS_ERR_BAD_RULE' // a rules file line that ipvsadm -R would reject
  | 'UVS_ERR_UNSUPPORTED' // valid ipvsadm, not implemented by uvs (fwmark, sctp, sync daemon...)
  | 'UVS_ERR_BAD_REQUEST' // control API: malformed request (shape, types, sizes, unknown op)
  | 'UVS_ERR_VERSION' // control API: a request version this daemon does not speak
  | 'UVS_ERR_INTERNAL'; // control API: an unexpected failure inside the daemon (a bug)

/** Exit statuses ipvsadm uses. */
export const EXIT_PARSE = 2; // fail(2, ...)
export const EXIT_KERNEL = 255; // libipvs error, popt error, tryhelp_exit(-1)
export const EXIT_LIST = 1; // list_service on a missing service

/** libipvs `ipvs_strerror` texts (ipvsadm 1.31) and strerror texts the kernel paths reach. */
export const IPVS_MSG = {
  serviceExists: 'Service already exists',
  schedNotFound: 'Scheduler or persistence engine not found',
  noSuchService: 'No such service',
  serviceNotDefined: 'Service not defined',
  destExists: 'Destination already exists',
  noSuchDest: 'No such destination',
  daemonRunning: 'Daemon has already run',
  noDaemon: 'No daemon is running',
  invalid: 'Invalid operation.  Possibly wrong module version, address not unicast, ...',
  erange: 'Numerical result out of range', // strerror(ERANGE): ip_vs_add_dest threshold check
} as const;

export interface UvsErrorOptions {
  /** 1-based line of a rules file. */
  line?: number;
  /** ipvsadm's exit status for this error; defaults by code. */
  exitCode?: number;
}

export class UvsError extends Error {
  override readonly name = 'UvsError';
  readonly code: UvsErrorCode;
  /** Exact text ipvsadm writes to stderr for this error, without the final newline. */
  readonly ipvsadmMessage: string;
  readonly exitCode: number;
  readonly line: number | undefined;

  constructor(code: UvsErrorCode, ipvsadmMessage: string, opts: UvsErrorOptions = {}) {
    super(opts.line === undefined ? ipvsadmMessage : `line ${opts.line}: ${ipvsadmMessage}`);
    this.code = code;
    this.ipvsadmMessage = ipvsadmMessage;
    this.exitCode = opts.exitCode ?? defaultExit(code);
    this.line = opts.line;
  }

  /** The same error attached to a rules-file line. */
  atLine(line: number): UvsError {
    return new UvsError(this.code, this.ipvsadmMessage, { line, exitCode: this.exitCode });
  }
}

function defaultExit(code: UvsErrorCode): number {
  switch (code) {
    case 'UVS_ERR_BAD_SCHEDULER':
    case 'UVS_ERR_SERVICE_EXISTS':
    case 'UVS_ERR_NO_SUCH_SERVICE':
    case 'UVS_ERR_DEST_EXISTS':
    case 'UVS_ERR_NO_SUCH_DEST':
    case 'UVS_ERR_DAEMON_RUNNING':
    case 'UVS_ERR_NO_DAEMON':
    case 'UVS_ERR_INVALID':
    case 'UVS_ERR_UNSUPPORTED':
    case 'UVS_ERR_BAD_REQUEST':
    case 'UVS_ERR_VERSION':
    case 'UVS_ERR_INTERNAL':
      return EXIT_KERNEL;
    case 'UVS_ERR_USAGE':
    case 'UVS_ERR_ILLEGAL_OPTION':
    case 'UVS_ERR_DUPLICATE_OPTION':
    case 'UVS_ERR_BAD_ADDRESS':
    case 'UVS_ERR_BAD_PORT':
    case 'UVS_ERR_BAD_WEIGHT':
    case 'UVS_ERR_BAD_THRESHOLD':
    case 'UVS_ERR_BAD_TIMEOUT':
    case 'UVS_ERR_BAD_NETMASK':
    case 'UVS_ERR_BAD_FWMARK':
    case 'UVS_ERR_BAD_SCHED_FLAG':
    case 'UVS_ERR_BAD_TUNNEL':
    case 'UVS_ERR_BAD_DAEMON_OPTION':
    case 'UVS_ERR_BAD_SERVICE':
    case 'UVS_ERR_UNRESOLVED':
    case 'UVS_ERR_BAD_RULE':
      return EXIT_PARSE;
  }
}

/** `tryhelp_exit(argv[0], -1)`: the message and status ipvsadm uses when no command comes first. */
export function tryHelpError(program: string): UvsError {
  return new UvsError('UVS_ERR_USAGE', `Try \`${program} -h' or '${program} --help' for more information.`, {
    exitCode: EXIT_KERNEL,
  });
}
