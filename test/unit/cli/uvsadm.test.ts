// uvsadm end to end in-process: runUvsadm against a ControlApi over a LocalDataPlane (no socket),
// with a stub name service. Exact stdout/stderr text and ipvsadm's exit statuses.
import test from 'ava';
import { runUvsadm } from '../../../src/cli/uvsadm-main.js';
import { harness, STUB_NAMES } from './uvsadm-harness.js';

const HEAD = 'IP Virtual Server version 1.2.1 (size=4096)\n';
const TITLE =
  'Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n';

test('-A/-a then -Ln prints ipvsadm layout, dests sorted, trailing spaces', async (t) => {
  const { run } = harness();
  t.deepEqual(await run(['-A', '-t', '10.0.0.10:80', '-s', 'wrr', '-p', '120', '-M', '255.255.255.0']), {
    code: 0,
    out: '',
    err: '',
  });
  t.is((await run(['-a', '-t', '10.0.0.10:80', '-r', '10.0.1.2:80', '-m', '-w', '3'])).code, 0);
  t.is((await run(['-a', '-t', '10.0.0.10:80', '-r', '10.0.1.1:8080', '-m'])).code, 0);
  t.is((await run(['-A', '-u', '10.0.0.10:53', '-s', 'sh', '-b', 'sh-port', '-o'])).code, 0);
  t.is((await run(['-a', '-u', '10.0.0.10:53', '-r', '10.0.1.9', '-i', '-w', '0'])).code, 0);
  const r = await run(['-Ln']);
  t.is(r.code, 0);
  t.is(
    r.out,
    HEAD +
      TITLE +
      'TCP  10.0.0.10:80 wrr persistent 120 mask 255.255.255.0\n' +
      '  -> 10.0.1.1:8080                Masq    1      0          0         \n' +
      '  -> 10.0.1.2:80                  Masq    3      0          0         \n' +
      'UDP  10.0.0.10:53 sh (sh-port) ops\n' +
      '  -> 10.0.1.9:53                  Tunnel  0      0          0         \n',
  );
  const tun = await run(['-Ln', '--tun-info', '-u', '10.0.0.10:53']);
  t.is(
    tun.out,
    'Prot LocalAddress:Port Scheduler Flags\n' +
      '  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n' +
      'UDP  10.0.0.10:53 sh (sh-port) ops\n' +
      '  -> 10.0.1.9:53                  Tunnel  ipip          0      0          0         \n',
  );
  const thr = await run(['-L', '-n', '--thresholds', '-t', '10.0.0.10:80']);
  t.is(
    thr.out,
    'Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn \n' +
      '  -> RemoteAddress:Port\n' +
      'TCP  10.0.0.10:80 wrr persistent 120 mask 255.255.255.0\n' +
      '  -> 10.0.1.1:8080                0          0          0          0         \n' +
      '  -> 10.0.1.2:80                  0          0          0          0         \n',
  );
});

test('--nosort keeps kernel order (newest dest first)', async (t) => {
  const { run } = harness();
  await run(['-A', '-t', '10.0.0.10:80']);
  await run(['-a', '-t', '10.0.0.10:80', '-r', '10.0.1.1']);
  await run(['-a', '-t', '10.0.0.10:80', '-r', '10.0.1.2']);
  const r = await run(['-Ln', '--nosort']);
  t.is(
    r.out,
    HEAD +
      TITLE +
      'TCP  10.0.0.10:80 wlc\n' +
      '  -> 10.0.1.2:80                  Route   1      0          0         \n' +
      '  -> 10.0.1.1:80                  Route   1      0          0         \n',
  );
});

test('names: forward lookups send numeric argv; -L and -S without -n print names', async (t) => {
  const { run, api } = harness();
  t.is((await run(['-A', '-t', 'www:http', '-s', 'rr'])).code, 0);
  t.is((await run(['-a', '-t', 'www:http', '-r', 'rs1', '-m'])).code, 0);
  t.is(api.ruleset.services[0]?.svc.vaddr, '10.0.0.10');
  t.is(api.ruleset.services[0]?.dests[0]?.daddr, '10.0.1.1');
  t.is(
    (await run(['-L'])).out,
    HEAD +
      TITLE +
      'TCP  www:http rr\n' +
      '  -> rs1:http                     Masq    1      0          0         \n',
  );
  t.is((await run(['-S'])).out, '-A -t www:http -s rr\n-a -t www:http -r rs1:http -m -w 1\n');
  t.is((await run(['-Sn'])).out, '-A -t 10.0.0.10:80 -s rr\n-a -t 10.0.0.10:80 -r 10.0.1.1:80 -m -w 1\n');
  const bad = await run(['-A', '-t', 'nosuchhost:80']);
  t.deepEqual(bad, { code: 2, out: '', err: 'illegal virtual server address[:port] specified\n' });
});

test('parse errors: ipvsadm text and status, nothing sent', async (t) => {
  const { run } = harness();
  t.deepEqual(await run(['-Q']), {
    code: 255,
    out: '',
    err: "Try `uvsadm -h' or 'uvsadm --help' for more information.\n",
  });
  t.deepEqual(await run(['-A', '-t', '10.0.0.1:80', '-w', '3']), {
    code: 2,
    out: '',
    err: "Illegal 'weight' option with the 'add-service' command\n",
  });
  t.deepEqual(await run(['-a', '-t', '10.0.0.1:80', '-r', '10.0.0.2']), {
    code: 255,
    out: '',
    err: 'Service not defined\n',
  });
});

test('daemon errors: kernel texts and 255; list of a missing service exits 1', async (t) => {
  const { run } = harness();
  await run(['-A', '-t', '10.0.0.1:80']);
  t.deepEqual(await run(['-A', '-t', '10.0.0.1:80']), {
    code: 255,
    out: '',
    err: 'Service already exists\n',
  });
  t.deepEqual(await run(['-Ln', '-t', '10.0.0.9:80']), { code: 1, out: '', err: 'No such service\n' });
  t.deepEqual(await run(['-D', '-t', '10.0.0.9:80']), { code: 255, out: '', err: 'No such service\n' });
});

test('-R applies all or nothing and names the failing line', async (t) => {
  const { run, api } = harness();
  const good = '# rules\n-A -t 10.0.0.1:80 -s rr\n\n-a -t 10.0.0.1:80 -r 10.0.1.1:80 -g -w 2\n';
  t.deepEqual(await run(['-R'], good), { code: 0, out: '', err: '' });
  t.is(api.ruleset.services.length, 1);
  const bad = '-A -t 10.0.0.2:80 -s rr\n-a -t 10.0.0.3:80 -r 10.0.1.1:80\n';
  const r = await run(['-R'], bad);
  t.is(r.code, 255);
  t.is(r.err, 'Service not defined\nuvsadm: -R: line 2; nothing was applied\n');
  t.is(api.ruleset.services.length, 1);
  const named = await run(['-R'], '-A -t www:http -s rr\n');
  t.is(named.code, 0);
  t.is(api.ruleset.services.length, 2);
});

test('-L --timeout, --set, -Lc, --daemon, --json', async (t) => {
  const { run } = harness();
  t.is((await run(['-L', '--timeout'])).out, 'Timeout (tcp tcpfin udp): 900 120 300\n');
  t.is((await run(['--set', '100', '0', '30'])).code, 0);
  t.is((await run(['-l', '--timeout'])).out, 'Timeout (tcp tcpfin udp): 100 120 30\n');
  t.is(
    (await run(['-Lnc'])).out,
    'IPVS connection entries\npro expire state       source             virtual            destination\n',
  );
  t.deepEqual(await run(['-L', '--daemon']), { code: 0, out: '', err: '' });
  await run(['-A', '-t', '10.0.0.1:80']);
  const j = JSON.parse((await run(['-Ln', '--json'])).out) as { services: { vaddr: string }[] };
  t.is(j.services[0]?.vaddr, '10.0.0.1');
  t.deepEqual(JSON.parse((await run(['-L', '--timeout', '--json'])).out), { tcp: 100, tcpFin: 120, udp: 30 });
});

test('-Z, -E, -e, -d, -D, -C go through', async (t) => {
  const { run, api } = harness();
  await run(['-A', '-t', '10.0.0.1:80', '-s', 'rr']);
  await run(['-a', '-t', '10.0.0.1:80', '-r', '10.0.1.1', '-m', '-w', '4']);
  t.is((await run(['-Z'])).code, 0);
  t.is((await run(['-Z', '-t', '10.0.0.1:80'])).code, 0);
  t.is((await run(['-E', '-t', '10.0.0.1:80'])).code, 0);
  t.is(api.ruleset.services[0]?.svc.sched, 'wlc'); // -E re-sends every field, as ipvsadm
  t.is((await run(['-e', '-t', '10.0.0.1:80', '-r', '10.0.1.1', '-w', '0'])).code, 0);
  t.is(api.ruleset.services[0]?.dests[0]?.fwd, 'dr'); // -e without -m reverts to DR, as ipvsadm
  t.is((await run(['-d', '-t', '10.0.0.1:80', '-r', '10.0.1.1'])).code, 0);
  t.is((await run(['-D', '-t', '10.0.0.1:80'])).code, 0);
  await run(['-A', '-t', '10.0.0.2:80']);
  t.is((await run(['-C'])).code, 0);
  t.is(api.ruleset.services.length, 0);
});

test('-h, -v, sync daemon not supported', async (t) => {
  const { run } = harness();
  const h = await run(['-h']);
  t.is(h.code, 0);
  t.regex(
    h.out,
    /^uvsadm v\S+ \(ipvsadm v1\.31 2019\/12\/24 compatible, IPVS v1\.2\.1\)\nUsage:\n {2}uvsadm -A\|E/,
  );
  const v = await run(['-v']);
  t.regex(v.out, /^uvsadm v\S+ \(ipvsadm v1\.31 2019\/12\/24 compatible, IPVS v1\.2\.1\)\n$/);
  const d = await run(['--start-daemon', 'master']);
  t.is(d.code, 255);
  t.is(d.err, 'uvsadm: the connection sync daemon (--start-daemon) is not supported by uvs yet\n');
});

test('--check validates a rules file without a daemon', async (t) => {
  const { run } = harness();
  t.deepEqual(await run(['--check', 'good.rules']), { code: 0, out: '', err: '' });
  t.deepEqual(await run(['--check', 'bad.rules']), {
    code: 2,
    out: '',
    err: 'bad.rules:3: illegal weight specified\n',
  });
  t.is((await run(['--check', 'missing.rules'])).code, 2);
  t.is((await run(['--check'])).code, 2);
});

test('daemon not reachable: message names the socket, exit 2', async (t) => {
  let err = '';
  const code = await runUvsadm(['-Ln'], {
    program: 'uvsadm',
    socket: '/run/uvs/nope.sock',
    stdout: () => undefined,
    stderr: (s) => (err += s),
    readStdin: () => Promise.resolve(''),
    readFile: () => '',
    request: () => Promise.reject(Object.assign(new Error('connect ENOENT'), { code: 'ENOENT' })),
    names: STUB_NAMES,
  });
  t.is(code, 2);
  t.is(
    err,
    "Can't initialize ipvs: cannot reach uvsd at /run/uvs/nope.sock (ENOENT)\n" +
      'Are you sure that uvsd is running? (UVS_SOCKET selects another control socket)\n',
  );
});
