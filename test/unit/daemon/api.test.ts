// The control API over a local data plane: ipvsadm commands change the table with ipvsadm's
// errors, restore is all-or-nothing, listings carry counters, hostile requests get error codes.
import test from 'ava';
import fc from 'fast-check';
import { ControlApi, type ApiResponse } from '../../../src/daemon/api.js';
import { LocalDataPlane, type ListJson } from '../../../src/daemon/dataplane.js';
import { Engine } from '../../../src/engine/engine.js';

function api() {
  const engine = new Engine({ localMac: 0x0200000000fe, localIp4: 0x0a0000fe, seed: 1 });
  const a = new ControlApi(new LocalDataPlane(engine, () => 0), '0.1.0');
  const call = (op: string, args: Record<string, unknown> = {}): Promise<ApiResponse> =>
    a.handle({ v: 1, id: 7, op, args });
  const cmd = (...argv: string[]): Promise<ApiResponse> => call('command', { argv });
  const saved = async (): Promise<string> => ((await call('save')).result as { text: string }).text;
  const list = async (): Promise<ListJson> => (await call('list')).result as ListJson;
  return { a, engine, call, cmd, saved, list };
}

test('add a service and dests with ipvsadm argv; list shows them newest first', async (t) => {
  const { cmd, list } = api();
  t.deepEqual(await cmd('-A', '-t', '10.0.0.10:80', '-s', 'rr'), {
    v: 1,
    id: 7,
    ok: true,
    result: { services: 1 },
  });
  t.true((await cmd('-a', '-t', '10.0.0.10:80', '-r', '10.0.1.1:80', '-g', '-w', '2')).ok);
  t.true((await cmd('-a', '-t', '10.0.0.10:80', '-r', '10.0.1.2:80', '-m')).ok);
  const svc = (await list()).services[0]!;
  t.is(svc.sched, 'rr');
  t.deepEqual(
    svc.dests.map((d) => [d.addr, d.fwd, d.weight]),
    [
      ['10.0.1.2', 'nat', 1],
      ['10.0.1.1', 'dr', 2],
    ],
  );
});

test('errors carry ipvsadm text, exit code and a stable code; nothing changes', async (t) => {
  const { cmd, list } = api();
  await cmd('-A', '-t', '10.0.0.10:80');
  t.deepEqual((await cmd('-A', '-t', '10.0.0.10:80')).error, {
    code: 'UVS_ERR_SERVICE_EXISTS',
    message: 'Service already exists',
    exit: 255,
  });
  t.is((await cmd('-a', '-t', '10.0.0.11:80', '-r', '10.0.1.1')).error?.code, 'UVS_ERR_NO_SUCH_SERVICE');
  t.is((await cmd('-A', '-t', '10.0.0.12:80', '-s', 'bogus')).error?.code, 'UVS_ERR_BAD_SCHEDULER');
  t.is((await cmd('-A', '-f', '1')).error?.code, 'UVS_ERR_UNSUPPORTED');
  t.is((await cmd('-L')).error?.code, 'UVS_ERR_BAD_REQUEST');
  t.is((await list()).services.length, 1);
});

test('restore applies a whole text or nothing, naming the line; save prints ipvsadm -S -n', async (t) => {
  const { call, saved, list } = api();
  const bad = await call('restore', { text: '-A -t 10.0.0.10:80 -s rr\n-a -t 10.0.0.99:80 -r 10.0.1.1\n' });
  t.is(bad.error?.code, 'UVS_ERR_NO_SUCH_SERVICE');
  t.is(bad.error?.message, 'Service not defined');
  t.is(bad.error?.line, 2);
  t.is((await list()).services.length, 0, 'nothing applied');
  t.true(
    (await call('restore', { text: '-A -t 10.0.0.10:80 -s rr\n-a -t 10.0.0.10:80 -r 10.0.1.1:80 -g -w 1\n' }))
      .ok,
  );
  t.is(await saved(), '-A -t 10.0.0.10:80 -s rr\n-a -t 10.0.0.10:80 -r 10.0.1.1:80 -g -w 1\n');
});

test('--set and get-timeouts; zero of a missing service is an error', async (t) => {
  const { cmd, call } = api();
  t.deepEqual((await cmd('--set', '600', '0', '30')).result, { tcp: 600, tcpFin: 120, udp: 30 });
  t.deepEqual((await call('get-timeouts')).result, { tcp: 600, tcpFin: 120, udp: 30 });
  t.is((await cmd('-Z', '-t', '10.0.0.1:80')).error?.code, 'UVS_ERR_NO_SUCH_SERVICE');
  t.true((await cmd('-Z')).ok);
});

test('malformed requests get UVS_ERR_BAD_REQUEST or UVS_ERR_VERSION with the request id', async (t) => {
  const { a } = api();
  t.is((await a.handle(null)).error?.code, 'UVS_ERR_BAD_REQUEST');
  t.is((await a.handle([1, 2])).error?.code, 'UVS_ERR_BAD_REQUEST');
  const v2 = await a.handle({ v: 2, id: 'x', op: 'status' });
  t.is(v2.error?.code, 'UVS_ERR_VERSION');
  t.is(v2.id, 'x');
  t.is((await a.handle({ v: 1, op: 'nope' })).error?.code, 'UVS_ERR_BAD_REQUEST');
  t.is((await a.handle({ v: 1, op: 'command', args: { argv: 'x' } })).error?.code, 'UVS_ERR_BAD_REQUEST');
  t.is(
    (await a.handle({ v: 1, op: 'command', args: { argv: Array(100).fill('-A') } })).error?.code,
    'UVS_ERR_BAD_REQUEST',
  );
  t.is(
    (await a.handle({ v: 1, op: 'list', args: { service: { proto: 'icmp' } } })).error?.code,
    'UVS_ERR_BAD_REQUEST',
  );
});

test('random requests never throw and never leave a half-applied table (property)', async (t) => {
  const { a, saved } = api();
  const word = fc.constantFrom(
    '-A', '-a', '-E', '-e', '-d', '-D', '-C', '-Z', '-t', '-u', '-r', '-s', '-w', '-m', '-g', '-i', '-p',
    '10.0.0.1:80', '10.0.1.1', 'rr', 'wlc', '5', '-x', '-y', '--set', '1',
  ); // prettier-ignore
  const request = fc.oneof(
    fc.anything(),
    fc.record({
      v: fc.constant(1),
      op: fc.constant('command'),
      args: fc.record({ argv: fc.array(word, { minLength: 1, maxLength: 10 }) }),
    }),
  );
  await fc.assert(
    fc.asyncProperty(request, async (req) => {
      const before = await saved();
      const r = await a.handle(req);
      if (!r.ok && (await saved()) !== before) return false;
      return r.v === 1;
    }),
    { numRuns: 300, seed: 42 },
  );
  t.pass();
});

test('every committed change is reported to onChange, failed ones are not', async (t) => {
  const engine = new Engine({ localMac: 0x0200000000fe, localIp4: 0x0a0000fe, seed: 1 });
  const seen: number[] = [];
  const a = new ControlApi(new LocalDataPlane(engine, () => 0), '0.1.0', (rules) =>
    seen.push(rules.services.length),
  );
  await a.handle({ v: 1, op: 'command', args: { argv: ['-A', '-t', '10.0.0.10:80'] } });
  await a.handle({ v: 1, op: 'command', args: { argv: ['-A', '-t', '10.0.0.10:80'] } });
  await a.handle({ v: 1, op: 'command', args: { argv: ['-A', '-u', '10.0.0.10:53'] } });
  t.deepEqual(seen, [1, 2]);
});
