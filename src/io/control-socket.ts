/**
 * The control socket's transport: newline-delimited JSON over a Unix stream socket.
 *
 * Owns: listening (directory 0700, socket 0600, a stale socket from a crashed daemon replaced,
 * a live one refused), framing (one JSON value per line, each at most `maxRequestBytes`),
 * per-connection ordering (responses in request order), a bound on concurrent clients, and the
 * client used by uvsadm and tests. It knows nothing of the requests' meaning: the daemon's
 * handler (src/daemon/api.ts) answers each parsed value.
 * Hostile input (CVE-2013-4588, DPVS #911 lessons): an oversized line gets an error reply and
 * the connection is closed; a line that is not JSON gets an error reply; nothing a client sends
 * can throw out of here or stop other clients being served.
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';

export const DEFAULT_SOCKET_PATH = '/run/uvs/uvsd.sock';
export const DEFAULT_MAX_REQUEST_BYTES = 1 << 20;
export const DEFAULT_MAX_CLIENTS = 64;

/** The socket path: UVS_SOCKET when set, else the default. */
export function socketPath(explicit?: string): string {
  return explicit ?? process.env['UVS_SOCKET'] ?? DEFAULT_SOCKET_PATH;
}

/** Answers one parsed request; may return a promise (replies stay in request order). */
export type ControlHandler = (request: unknown) => unknown;

/** What the transport itself answers when a line cannot reach the handler. */
export function transportError(code: string, message: string): unknown {
  return { v: 1, id: null, ok: false, error: { code, message } };
}

export interface ControlServerOptions {
  path: string;
  handler: ControlHandler;
  maxRequestBytes?: number;
  maxClients?: number;
}

export class ControlServer {
  private readonly clients = new Set<Socket>();

  private constructor(
    readonly path: string,
    private readonly server: Server,
  ) {}

  /** Listen on opts.path; rejects if another live daemon owns it. */
  static async listen(opts: ControlServerOptions): Promise<ControlServer> {
    const dir = dirname(opts.path);
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (existsSync(opts.path)) {
      if (!lstatSync(opts.path).isSocket()) throw new Error(`${opts.path} exists and is not a socket`);
      if (await isLive(opts.path)) throw new Error(`another daemon is listening on ${opts.path}`);
      unlinkSync(opts.path);
    }
    const max = opts.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
    const maxClients = opts.maxClients ?? DEFAULT_MAX_CLIENTS;
    let self: ControlServer | null = null;
    const server = createServer((sock) => {
      if (self === null) return;
      if (self.clients.size >= maxClients) {
        sock.end(`${JSON.stringify(transportError('UVS_ERR_BUSY', 'too many control clients'))}\n`);
        return;
      }
      self.clients.add(sock);
      serveConnection(sock, opts.handler, max);
      sock.on('close', () => self?.clients.delete(sock));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.path, () => {
        server.off('error', reject);
        resolve();
      });
    });
    chmodSync(opts.path, 0o600);
    self = new ControlServer(opts.path, server);
    return self;
  }

  /** Stop listening, drop clients, remove the socket file. */
  async close(): Promise<void> {
    for (const c of this.clients) c.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (existsSync(this.path)) unlinkSync(this.path);
  }
}

function serveConnection(sock: Socket, handler: ControlHandler, max: number): void {
  let buf = '';
  // Replies are chained so they leave in request order even when a handler answers later.
  let queue: Promise<void> = Promise.resolve();
  const reply = (line: string): void => {
    queue = queue.then(async () => {
      const value = await answer(line, handler);
      if (!sock.destroyed) sock.write(`${JSON.stringify(value)}\n`);
    });
  };
  sock.setEncoding('utf8');
  sock.on('error', () => sock.destroy());
  sock.on('data', (chunk: string) => {
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.trim() === '') continue;
      if (Buffer.byteLength(line) > max) {
        const msg = `${JSON.stringify(transportError('UVS_ERR_TOO_LARGE', `request over ${max} bytes`))}\n`;
        queue = queue.then(() => {
          sock.end(msg);
        });
        buf = '';
        return;
      }
      reply(line);
    }
    if (Buffer.byteLength(buf) > max) {
      buf = '';
      sock.end(`${JSON.stringify(transportError('UVS_ERR_TOO_LARGE', `request over ${max} bytes`))}\n`);
    }
  });
}

async function answer(line: string, handler: ControlHandler): Promise<unknown> {
  let request: unknown;
  try {
    request = JSON.parse(line);
  } catch {
    return transportError('UVS_ERR_BAD_REQUEST', 'request is not valid JSON');
  }
  try {
    return await handler(request);
  } catch (err) {
    return transportError('UVS_ERR_INTERNAL', err instanceof Error ? err.message : String(err));
  }
}

function isLive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = createConnection(path);
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

/** Send one request and wait for its response line (uvsadm, tests). */
export function controlRequest(path: string, request: unknown, timeoutMs = 5000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const sock = createConnection(path);
    let buf = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no answer from ${path} within ${timeoutMs} ms`));
    }, timeoutMs);
    sock.setEncoding('utf8');
    sock.once('connect', () => sock.write(`${JSON.stringify(request)}\n`));
    sock.on('data', (chunk: string) => {
      buf += chunk;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      sock.end();
      try {
        resolve(JSON.parse(buf.slice(0, nl)));
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
    sock.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}
