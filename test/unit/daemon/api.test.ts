// The control API over a local data plane: ipvsadm commands change the table with ipvsadm's
// errors, restore is all-or-nothing, listings carry counters, hostile requests get error codes.
import test from 'ava';
import fc from 'fast-check';
import { ControlApi, type ApiResponse } from '../../../src/daemon/api.js';
import { LocalDataPlane, type ServiceJson } from '../../../src/daemon/dataplane.js';
import { Engine } from '../../../src/engine/engine.js';

function api() {
  const engine = new Engine({ localMac: 0x0200000000fe, localIp4: 0x0a0000fe, seed: 1 });
  const a = new ControlApi(new LocalDataPlane(engine, () => 0), '0.1.0');
  const call = (op: string, args: Record<string, unknown> = {}): ApiResponse =>
    a.handle({ v: 1, id: 7, op, args });
  const cmd = (...argv: string[]) => call('command', { argv });
  return { a, engine, call, cmd };
}

test('add a service and dests with ipvsadm argv; list shows them newest first', (t) => {
  const { cmd, call } = api();
  t.deepEqual(cmd('-A', '-t', '10.0.0.10:80', '-s', 'rr'), {
    v: 1,
    id: 7,
    ok: true,
    result: { services: 1 },
  });
  t.true(cmd('-a', '-t', '10.0.0.10:80', '-r', '10.0.1.1:80', '-g', '-w', '2').ok);
  t.true(cmd('-a', '-t', '10.0.0.10:80', '-r', '10.0.1.2:80', '-m').ok);
  const r = call('list');
  t.true(r.ok);
  const svc = (r.result as { services: ServiceJson[] }).services[0]!;
  t.is(svc.sched, 'rr');
  t.deepEqual(
    svc.dests.map((d) => [d.addr, d.fwd, d.weight]),
    [
      ['10.0.1.2', 'nat', 1],
      ['10.0.1.1', 'dr', 2],
    ],
  );
});

test('errors carry ipvsadm text, exit code and a stable code; nothing changes', (t) => {
  const { cmd, call } = api();
  cmd('-A', '-t', '10.0.0.10:80');
  t.deepEqual(cmd('-A', '-t', '10.0.0.10:80').error, {
    code: 'UVS_ERR_SERVICE_EXISTS',
    message: 'Service already exists',
    exit: 255,
  });
  t.is(cmd('-a', '-t', '10.0.0.11:80', '-r', '10.0.1.1').error?.code, 'UVS_ERR_NO_SUCH_SERVICE');
  t.is(cmd('-A', '-t', '10.0.0.12:80', '-s', 'bogus').error?.code, 'UVS_ERR_BAD_SCHEDULER');
  t.is(cmd('-A', '-f', '1').error?.code, 'UVS_ERR_UNSUPPORTED');
  t.is(cmd('-L').error?.code, 'UVS_ERR_BAD_REQUEST');
  t.is((call('list').result as { services: unknown[] }).services.length, 1);
});

test('restore applies a whole text or nothing, and save prints ipvsadm -S -n', (t) => {
  const { call } = api();
  const bad = call('restore', { text: '-A -t 10.0.0.10:80 -s rr\n-a -t 10.0.0.99:80 -r 10.0.1.1\n' });
  t.is(bad.error?.code, 'UVS_ERR_NO_SUCH_SERVICE');
  t.is(bad.error?.message, 'Service not defined');
  t.is(bad.error?.line, 2);
  t.is((call('list').result as { services: unknown[] }).services.length, 0, 'nothing applied');
  t.true(
    call('restore', { text: '-A -t 10.0.0.10:80 -s rr\n-a -t 10.0.0.10:80 -r 10.0.1.1:80 -g -w 1\n' }).ok,
  );
  t.is(
    (call('save').result as { text: string }).text,
    '-A -t 10.0.0.10:80 -s rr\n-a -t 10.0.0.10:80 -r 10.0.1.1:80 -g -w 1\n',
  );
});

test('--set and get-timeouts; zero of a missing service is an error', (t) => {
  const { cmd, call } = api();
  t.deepEqual(cmd('--set', '600', '0', '30').result, { tcp: 600, tcpFin: 120, udp: 30 });
  t.deepEqual(call('get-timeouts').result, { tcp: 600, tcpFin: 120, udp: 30 });
  t.is(cmd('-Z', '-t', '10.0.0.1:80').error?.code, 'UVS_ERR_NO_SUCH_SERVICE');
  t.true(cmd('-Z').ok);
});

test('malformed requests get UVS_ERR_BAD_REQUEST or UVS_ERR_VERSION with the request id', (t) => {
  const { a } = api();
  t.is(a.handle(null).error?.code, 'UVS_ERR_BAD_REQUEST');
  t.is(a.handle([1, 2]).error?.code, 'UVS_ERR_BAD_REQUEST');
  t.deepEqual(a.handle({ v: 2, id: 'x', op: 'status' }).error?.code, 'UVS_ERR_VERSION');
  t.is(a.handle({ v: 2, id: 'x', op: 'status' }).id, 'x');
  t.is(a.handle({ v: 1, op: 'nope' }).error?.code, 'UVS_ERR_BAD_REQUEST');
  t.is(a.handle({ v: 1, op: 'command', args: { argv: 'x' } }).error?.code, 'UVS_ERR_BAD_REQUEST');
  t.is(
    a.handle({ v: 1, op: 'command', args: { argv: Array(100).fill('-A') } }).error?.code,
    'UVS_ERR_BAD_REQUEST',
  );
  t.is(
    a.handle({ v: 1, op: 'list', args: { service: { proto: 'icmp' } } }).error?.code,
    'UVS_ERR_BAD_REQUEST',
  );
});

test('random requests never throw and never leave a half-applied table (property)', (t) => {
  const { a, call } = api();
  const word = fc.constantFrom(
    '-A',
    '-a',
    '-E',
    '-e',
    '-d',
    '-D',
    '-C',
    '-Z',
    '-t',
    '-u',
    '-r',
    '-s',
    '-w',
    '-m',
    '-g',
    '-i',
    '-p',
    '10.0.0.1:80',
    '10.0.1.1',
    'rr',
    'wlc',
    '5',
    '-x',
    '-y',
    '--set',
    '1',
  );
  fc.assert(
    fc.property(
      fc.oneof(
        fc.anything(),
        fc.record({
          v: fc.constant(1),
          op: fc.constant('command'),
          args: fc.record({ argv: fc.array(word, { minLength: 1, maxLength: 10 }) }),
        }),
      ),
      (req) => {
        const before = JSON.stringify(call('save').result);
        const r = a.handle(req);
        if (!r.ok) t.is(JSON.stringify(call('save').result), before);
        return r.v === 1;
      },
    ),
    { numRuns: 300, seed: 42 },
  );
  t.pass();
});
