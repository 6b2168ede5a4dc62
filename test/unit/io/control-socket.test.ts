// The control socket transport: modes, framing, limits, ordering, concurrency, stale sockets.
import test from 'ava';
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlServer, controlRequest } from '../../../src/io/control-socket.js';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'uvs-ctl-'));
}

/** Write raw text and collect what comes back until the server closes or `lines` arrive. */
function raw(path: string, text: string, lines: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const c = createConnection(path);
    let buf = '';
    c.setEncoding('utf8');
    c.on('connect', () => c.write(text));
    c.on('data', (d: string) => {
      buf += d;
      if (buf.split('\n').length - 1 >= lines) c.end();
    });
    c.on('close', () => resolve(buf.split('\n').filter((l) => l !== '')));
    c.on('error', reject);
  });
}

test('socket file mode 0600 in a 0700 directory; removed on close', async (t) => {
  const dir = join(tmp(), 'run');
  const path = join(dir, 'uvsd.sock');
  const s = await ControlServer.listen({ path, handler: (r) => r });
  t.is(statSync(path).mode & 0o777, 0o600);
  t.is(statSync(dir).mode & 0o777, 0o700);
  await s.close();
  t.false(existsSync(path));
  rmSync(join(dir, '..'), { recursive: true, force: true });
});

test('one JSON per line, answered in order; bad JSON gets an error reply', async (t) => {
  const path = join(tmp(), 's');
  const s = await ControlServer.listen({ path, handler: (r) => ({ echo: r }) });
  const out = await raw(path, '{"a":1}\nnot json\n\n{"b":2}\n', 3);
  t.deepEqual(
    out.map((l) => JSON.parse(l) as unknown),
    [
      { echo: { a: 1 } },
      {
        v: 1,
        id: null,
        ok: false,
        error: { code: 'UVS_ERR_BAD_REQUEST', message: 'request is not valid JSON' },
      },
      { echo: { b: 2 } },
    ],
  );
  await s.close();
});

test('an oversized request gets UVS_ERR_TOO_LARGE and the connection closes; others still served', async (t) => {
  const path = join(tmp(), 's');
  const s = await ControlServer.listen({ path, handler: () => 'ok', maxRequestBytes: 64 });
  const out = await raw(path, `${'x'.repeat(200)}`, 1);
  t.is((JSON.parse(out[0]!) as { error: { code: string } }).error.code, 'UVS_ERR_TOO_LARGE');
  t.is(await controlRequest(path, { q: 1 }), 'ok');
  await s.close();
});

test('a handler that throws answers UVS_ERR_INTERNAL instead of crashing', async (t) => {
  const path = join(tmp(), 's');
  const s = await ControlServer.listen({
    path,
    handler: () => {
      throw new Error('boom');
    },
  });
  t.deepEqual(await controlRequest(path, {}), {
    v: 1,
    id: null,
    ok: false,
    error: { code: 'UVS_ERR_INTERNAL', message: 'boom' },
  });
  await s.close();
});

test('many concurrent clients are each answered', async (t) => {
  const path = join(tmp(), 's');
  const s = await ControlServer.listen({ path, handler: (r) => r });
  const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => controlRequest(path, { i })));
  t.deepEqual(
    answers,
    Array.from({ length: 40 }, (_, i) => ({ i })),
  );
  await s.close();
});

test('a stale socket is replaced; a live one is refused', async (t) => {
  const path = join(tmp(), 's');
  // A socket file nobody listens on any more (a crashed daemon).
  const dead = createServer();
  await new Promise<void>((r) => dead.listen(path, r));
  await new Promise<void>((r) => {
    // Close the listener but keep the file, as a SIGKILL would.
    (dead as unknown as { _handle: { close(): void } })._handle.close();
    r();
  });
  const s = await ControlServer.listen({ path, handler: () => 1 });
  t.is(await controlRequest(path, {}), 1);
  await t.throwsAsync(ControlServer.listen({ path, handler: () => 2 }), { message: /another daemon/ });
  await s.close();
});
