// Every ipvsadm 1.31 error path of the argument parser: exact stderr bytes, exit status, code.
import test from 'ava';
import { parseIpvsadmArgs } from '../../../src/control/ipvsadm-args.js';
import type { ParseOptions } from '../../../src/control/ipvsadm-args.js';
import type { UvsErrorCode } from '../../../src/control/errors.js';

const TRY = "Try `ipvsadm -h' or 'ipvsadm --help' for more information.\n";
const S = '1.2.3.4:80';

// [argv, stderr, exit status, code]
const cases: [string[], string, number, UvsErrorCode][] = [
  [['-Q'], TRY, 255, 'UVS_ERR_USAGE'],
  [['foo'], TRY, 255, 'UVS_ERR_USAGE'],
  [['-n', '-L'], TRY, 255, 'UVS_ERR_USAGE'],
  [['-t', S], TRY, 255, 'UVS_ERR_USAGE'],
  [['--start-daemon'], TRY, 255, 'UVS_ERR_USAGE'],
  [['-6'], TRY, 255, 'UVS_ERR_USAGE'],
  [['-A', '-D'], "invalid option `-D'\n", 2, 'UVS_ERR_USAGE'],
  [['-AD'], "invalid option `-AD'\n", 2, 'UVS_ERR_USAGE'],
  [['-L', '-l'], "invalid option `-l'\n", 2, 'UVS_ERR_USAGE'],
  [['-L', '--start-daemon', 'master'], "invalid option `master'\n", 2, 'UVS_ERR_USAGE'],
  [['-A', '-t'], '-t: missing argument\n', 255, 'UVS_ERR_USAGE'],
  [['-At'], '-At: missing argument\n', 255, 'UVS_ERR_USAGE'],
  [['-L', '-q'], '-q: unknown option\n', 255, 'UVS_ERR_USAGE'],
  [['-Lq'], '-Lq: unknown option\n', 255, 'UVS_ERR_USAGE'],
  [['-L', '--bogus'], '--bogus: unknown option\n', 255, 'UVS_ERR_USAGE'],
  [['-L', '--numer'], '--numer: unknown option\n', 255, 'UVS_ERR_USAGE'],
  [['-L', '-n='], '-n=: unknown option\n', 255, 'UVS_ERR_USAGE'],
  [
    ['-A', '-t', S, '-t', '1.2.3.4:81'],
    "multiple 'service-address' options specified\n",
    2,
    'UVS_ERR_DUPLICATE_OPTION',
  ],
  [
    ['-a', '-t', S, '-r', '5.6.7.8', '-g', '-m'],
    "multiple 'forwarding-method' options specified\n",
    2,
    'UVS_ERR_DUPLICATE_OPTION',
  ],
  [
    ['-A', '-s', 'rr'],
    "You need to supply the 'service-address' option for the 'add-service' command\n",
    2,
    'UVS_ERR_ILLEGAL_OPTION',
  ],
  [
    ['-a', '-t', S],
    "You need to supply the 'real-server' option for the 'add-server' command\n",
    2,
    'UVS_ERR_ILLEGAL_OPTION',
  ],
  [
    ['-A', '-t', S, '-w', '3'],
    "Illegal 'weight' option with the 'add-service' command\n",
    2,
    'UVS_ERR_ILLEGAL_OPTION',
  ],
  [
    ['-A', '-n', '-t', S],
    "Illegal 'numeric' option with the 'add-service' command\n",
    2,
    'UVS_ERR_ILLEGAL_OPTION',
  ],
  [
    ['-D', '-t', S, '-s', 'rr'],
    "Illegal 'scheduler' option with the 'delete-service' command\n",
    2,
    'UVS_ERR_ILLEGAL_OPTION',
  ],
  [
    ['-d', '-t', S, '-r', '5.6.7.8', '-w', '1'],
    "Illegal 'weight' option with the 'delete-server' command\n",
    2,
    'UVS_ERR_ILLEGAL_OPTION',
  ],
  [['-C', '-n'], "Illegal 'numeric' option with the 'flush' command\n", 2, 'UVS_ERR_ILLEGAL_OPTION'],
  [['-S', '-c'], "Illegal 'connection' option with the 'save' command\n", 2, 'UVS_ERR_ILLEGAL_OPTION'],
  [['-S', '--nosort'], "Illegal 'nosort' option with the 'save' command\n", 2, 'UVS_ERR_ILLEGAL_OPTION'],
  [['-R', '-n'], "Illegal 'numeric' option with the 'restore' command\n", 2, 'UVS_ERR_ILLEGAL_OPTION'],
  [['-Z', '-n'], "Illegal 'numeric' option with the 'zero' command\n", 2, 'UVS_ERR_ILLEGAL_OPTION'],
  [
    ['--set', '1', '2', '3', '-n'],
    "Illegal 'numeric' option with the 'set' command\n",
    2,
    'UVS_ERR_ILLEGAL_OPTION',
  ],
  [
    ['--stop-daemon', 'master', '--mcast-port', '9'],
    "Illegal 'mcast-port' option with the 'stop-daemon' command\n",
    2,
    'UVS_ERR_ILLEGAL_OPTION',
  ],
  [
    ['-A', '-t', S, '--json'],
    "Illegal 'json' option with the 'add-service' command\n",
    2,
    'UVS_ERR_ILLEGAL_OPTION',
  ],
  [
    ['-L', '-c', '--timeout'],
    "The option 'timeout' conflicts with the 'connection' option in the 'list' command\n",
    2,
    'UVS_ERR_ILLEGAL_OPTION',
  ],
  [
    ['-L', '-t', S, '-c'],
    "The option 'service-address' conflicts with the 'connection' option in the 'list' command\n",
    2,
    'UVS_ERR_ILLEGAL_OPTION',
  ],
  [['-L', '--timeout', '--stats'], 'options conflicts in the list command\n', 2, 'UVS_ERR_ILLEGAL_OPTION'],
  [['-L', '-c', '--rate'], 'options conflicts in the list command\n', 2, 'UVS_ERR_ILLEGAL_OPTION'],
  [
    ['-L', '--daemon', '--persistent-conn'],
    'options conflicts in the list command\n',
    2,
    'UVS_ERR_ILLEGAL_OPTION',
  ],
  [['-A', '-t', '1.2.3.4'], 'Zero port specified for non-persistent service\n', 2, 'UVS_ERR_BAD_SERVICE'],
  [['-E', '-t', '1.2.3.4:0'], 'Zero port specified for non-persistent service\n', 2, 'UVS_ERR_BAD_SERVICE'],
  [
    ['-A', '-t', S, '-o'],
    'One-Packet Scheduling is only for UDP virtual services\n',
    2,
    'UVS_ERR_BAD_SERVICE',
  ],
  [['-A', '-t', '80'], 'illegal virtual server address[:port] specified\n', 2, 'UVS_ERR_BAD_ADDRESS'],
  [
    ['-A', '-t', '1.2.3.4:65536'],
    'illegal virtual server address[:port] specified\n',
    2,
    'UVS_ERR_BAD_ADDRESS',
  ],
  [['-A', '-t', '[::1]'], 'illegal virtual server address[:port] specified\n', 2, 'UVS_ERR_BAD_ADDRESS'],
  [['-A', '-t', '[::1'], 'illegal virtual server address[:port] specified\n', 2, 'UVS_ERR_BAD_ADDRESS'],
  [['-a', '-t', S, '-r', ':80'], 'illegal real server address[:port] specified\n', 2, 'UVS_ERR_BAD_ADDRESS'],
  [
    ['-a', '-t', '[::1]:80', '-r', '1.2.3.4'],
    'Different address family is allowed only for tunneling servers\n',
    2,
    'UVS_ERR_BAD_ADDRESS',
  ],
  [['-a', '-t', S, '-r', '5.6.7.8', '-w', '65536'], 'illegal weight specified\n', 2, 'UVS_ERR_BAD_WEIGHT'],
  [['-a', '-t', S, '-r', '5.6.7.8', '-w', '1x'], 'illegal weight specified\n', 2, 'UVS_ERR_BAD_WEIGHT'],
  [
    ['-a', '-t', S, '-r', '5.6.7.8', '-x', 'abc'],
    'illegal u_threshold specified\n',
    2,
    'UVS_ERR_BAD_THRESHOLD',
  ],
  [
    ['-a', '-t', S, '-r', '5.6.7.8', '-y', '-1'],
    'illegal l_threshold specified\n',
    2,
    'UVS_ERR_BAD_THRESHOLD',
  ],
  [['-A', '-t', S, '-p', '0'], "invalid timeout value `0' specified\n", 2, 'UVS_ERR_BAD_TIMEOUT'],
  [['-A', '-t', S, '-p', '2678401'], "invalid timeout value `2678401' specified\n", 2, 'UVS_ERR_BAD_TIMEOUT'],
  [['-A', '-t', S, '-p', 'rr'], "invalid timeout value `rr' specified\n", 2, 'UVS_ERR_BAD_TIMEOUT'],
  [
    ['-A', '-t', S, '-p', '-M', '300.0.0.0'],
    'illegal virtual server persistent mask specified\n',
    2,
    'UVS_ERR_BAD_NETMASK',
  ],
  [['-A', '-t', '[::1]:80', '-p', '-M', '129'], 'illegal ipv6 netmask specified\n', 2, 'UVS_ERR_BAD_NETMASK'],
  [['-A', '-t', '[::1]:80', '-p', '-M', 'abc'], 'illegal ipv6 netmask specified\n', 2, 'UVS_ERR_BAD_NETMASK'],
  [['-A', '-f', '0'], "invalid fwmark value `0' specified\n", 2, 'UVS_ERR_BAD_FWMARK'],
  [['-A', '-f', '4294967296'], "invalid fwmark value `4294967296' specified\n", 2, 'UVS_ERR_BAD_FWMARK'],
  [['-A', '-t', S, '-6'], '-6 used before -f\n\n', 2, 'UVS_ERR_USAGE'],
  [['-A', '-t', S, '-b', 'foo'], "invalid scheduler flag `foo'\n", 2, 'UVS_ERR_BAD_SCHED_FLAG'],
  [
    ['-A', '-t', S, '-s', 'rr', '-b', 'sh-port'],
    "incompatible scheduler flag `sh-port'\n",
    2,
    'UVS_ERR_BAD_SCHED_FLAG',
  ],
  [
    ['-A', '-t', S, '-b', 'mh-fallback'],
    "incompatible scheduler flag `mh-fallback'\n",
    2,
    'UVS_ERR_BAD_SCHED_FLAG',
  ],
  [
    ['-a', '-t', S, '-r', '5.6.7.8', '-i', '--tun-type', 'vxlan'],
    'illegal tunnel type specified\n',
    2,
    'UVS_ERR_BAD_TUNNEL',
  ],
  [
    ['-a', '-t', S, '-r', '5.6.7.8', '-i', '--tun-port', '0'],
    'illegal tunnel port specified\n',
    2,
    'UVS_ERR_BAD_TUNNEL',
  ],
  [
    ['-a', '-t', S, '-r', '5.6.7.8', '-m', '--tun-type', 'gre'],
    'Tunnel options conflict with forward method\n',
    2,
    'UVS_ERR_BAD_TUNNEL',
  ],
  [
    ['-a', '-t', S, '-r', '5.6.7.8', '--tun-csum'],
    'Tunnel options conflict with forward method\n',
    2,
    'UVS_ERR_BAD_TUNNEL',
  ],
  [
    ['-a', '-t', S, '-r', '5.6.7.8', '-i', '--tun-type', 'gue'],
    "You need to supply the 'tun-port' option for the 'gue' tunnel type\n",
    2,
    'UVS_ERR_BAD_TUNNEL',
  ],
  [
    ['-a', '-t', S, '-r', '5.6.7.8', '-i', '--tun-csum'],
    "Illegal 'tun-csum' option with the 'ipip' tunnel type\n",
    2,
    'UVS_ERR_BAD_TUNNEL',
  ],
  [
    ['-a', '-t', S, '-r', '5.6.7.8', '-i', '--tun-type', 'gre', '--tun-port', '5'],
    "Illegal 'tun-port' option with the 'gre' tunnel type\n",
    2,
    'UVS_ERR_BAD_TUNNEL',
  ],
  [
    [
      '-a',
      '-t',
      S,
      '-r',
      '5.6.7.8',
      '-i',
      '--tun-type',
      'gue',
      '--tun-port',
      '6080',
      '--tun-csum',
      '--tun-remcsum',
    ],
    "The option 'tun-remcsum' conflicts with the 'tun-csum' option in the 'gue' tunnel type\n",
    2,
    'UVS_ERR_BAD_TUNNEL',
  ],
  [['--start-daemon', 'foo'], 'illegal start-daemon parameter specified\n', 2, 'UVS_ERR_BAD_DAEMON_OPTION'],
  [['--stop-daemon', 'foo'], 'illegal start_daemon specified\n', 2, 'UVS_ERR_BAD_DAEMON_OPTION'],
  [
    ['--start-daemon', 'master', '--syncid', '256'],
    'illegal syncid specified\n',
    2,
    'UVS_ERR_BAD_DAEMON_OPTION',
  ],
  [
    ['--start-daemon', 'master', '--mcast-group', '10.0.0.1'],
    "invalid IPv4 mcast-group `10.0.0.1'\n",
    2,
    'UVS_ERR_BAD_DAEMON_OPTION',
  ],
  [
    ['--start-daemon', 'master', '--mcast-group', 'fd00::1'],
    "invalid IPv6 mcast-group `fd00::1'\n",
    2,
    'UVS_ERR_BAD_DAEMON_OPTION',
  ],
  [
    ['--start-daemon', 'master', '--mcast-port', '0'],
    'illegal mcast-port specified\n',
    2,
    'UVS_ERR_BAD_PORT',
  ],
  [
    ['--start-daemon', 'master', '--mcast-ttl', '256'],
    'illegal mcast-ttl specified\n',
    2,
    'UVS_ERR_BAD_DAEMON_OPTION',
  ],
  [
    ['--start-daemon', 'master', '--sync-maxlen', '65508'],
    'illegal sync-maxlen specified\n',
    2,
    'UVS_ERR_BAD_DAEMON_OPTION',
  ],
  [['--set', '1', '2'], '--set option requires 3 timeout values\n', 2, 'UVS_ERR_USAGE'],
  [['--set', '1', '2', 'x'], "invalid timeout value `x' specified\n", 2, 'UVS_ERR_BAD_TIMEOUT'],
  [['--set', '1', '2', '3', '4'], 'unexpected argument 4\n', 2, 'UVS_ERR_USAGE'],
  [['-L', 'extra'], 'unexpected argument extra\n', 2, 'UVS_ERR_USAGE'],
  [['-L', '--', '-n'], 'unexpected argument -n\n', 2, 'UVS_ERR_USAGE'],
];

for (const [argv, stderr, exit, code] of cases) {
  test(`ipvsadm ${argv.join(' ')} → ${JSON.stringify(stderr)} (${exit})`, (t) => {
    const r = parseIpvsadmArgs(argv);
    if (r.kind !== 'error') return t.fail(`parsed as ${r.kind}`);
    t.is(r.stderr, stderr);
    t.is(r.exitCode, exit);
    t.is(r.error.exitCode, exit);
    t.is(r.error.code, code);
    t.is(`${r.error.ipvsadmMessage}\n`, stderr);
  });
}

test('a nested -R inside restore input is refused like ipvsadm (tryhelp, 255)', (t) => {
  const opts: ParseOptions = { inRestore: true };
  const r = parseIpvsadmArgs(['-R'], opts);
  t.is(r.kind, 'error');
  if (r.kind === 'error') t.deepEqual([r.stderr, r.exitCode], [TRY, 255]);
  t.is(parseIpvsadmArgs(['-R']).kind, 'restore');
});

test('the program name is used in the tryhelp line', (t) => {
  const r = parseIpvsadmArgs(['-x'], { program: 'uvsadm' });
  if (r.kind !== 'error') return t.fail();
  t.is(r.stderr, "Try `uvsadm -h' or 'uvsadm --help' for more information.\n");
});

test('an unknown host name reports what the caller must resolve', (t) => {
  const r = parseIpvsadmArgs(['-A', '-t', 'www.example.com:http']);
  if (r.kind !== 'error') return t.fail();
  t.is(r.stderr, 'illegal virtual server address[:port] specified\n');
  t.deepEqual(r.unresolved, { kind: 'host', name: 'www.example.com' });
  const r2 = parseIpvsadmArgs(['-A', '-t', 'www.example.com:http'], { resolver: { host: () => '10.0.0.5' } });
  if (r2.kind !== 'error') return t.fail();
  t.deepEqual(r2.unresolved, { kind: 'service', name: 'http', proto: 'tcp' });
  const r3 = parseIpvsadmArgs(['-a', '-r', '5.6.7.8:http', '-t', '1.2.3.4:80']);
  if (r3.kind !== 'error') return t.fail();
  t.is(r3.stderr, 'illegal real server address[:port] specified\n');
  t.is(r3.unresolved, undefined, 'a -r before the service has no protocol to look the name up with');
});
