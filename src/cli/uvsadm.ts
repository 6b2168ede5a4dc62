/**
 * `uvsadm`: the ipvsadm 1.31-compatible front end of uvsd (bin/uvsadm runs this file). Glue only:
 * the process's argv, stdio, control socket (UVS_SOCKET) and system name service handed to
 * runUvsadm (uvsadm-main.ts); its status becomes the exit code.
 * The program name in messages is the basename the binary was started as, so a copy or link
 * named `ipvsadm` prints "Try `ipvsadm -h' …" exactly as ipvsadm does.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { controlRequest, socketPath } from '../io/control-socket.js';
import { systemNameService } from './ipvsadm-names.js';
import { runUvsadm } from './uvsadm-main.js';

const REQUEST_TIMEOUT_MS = 30_000;

function programName(): string {
  const name = basename(process.argv[1] ?? '').replace(/\.[cm]?[jt]s$/, '');
  return name === '' || name === 'uvsadm-main' ? 'uvsadm' : name;
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => (text += chunk));
    process.stdin.on('end', () => resolve(text));
    process.stdin.on('error', reject);
  });
}

const path = socketPath();
let nextId = 1;
void runUvsadm(process.argv.slice(2), {
  program: programName(),
  socket: path,
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  readStdin,
  readFile: (p) => readFileSync(p, 'utf8'),
  request: (op, args) =>
    controlRequest(path, { v: 1, id: nextId++, op, args: args ?? {} }, REQUEST_TIMEOUT_MS),
  names: systemNameService(),
}).then((code) => {
  process.exitCode = code;
});
