// Test harness for uvsadm: runUvsadm against an in-process ControlApi over a LocalDataPlane
// (the transport stubbed by api.handle), a stub name service and two fixed rules files.
import { ControlApi } from '../../../src/daemon/api.js';
import { LocalDataPlane } from '../../../src/daemon/dataplane.js';
import { Engine } from '../../../src/engine/engine.js';
import { runUvsadm, type UvsadmIo } from '../../../src/cli/uvsadm-main.js';
import type { NameService } from '../../../src/cli/ipvsadm-names.js';

export const STUB_NAMES: NameService = {
  hostByName: (n) => Promise.resolve({ www: '10.0.0.10', rs1: '10.0.1.1' }[n]),
  serviceByName: (n, p) => Promise.resolve(n === 'http' && p === 'tcp' ? 80 : undefined),
  hostByAddr: (_af, a) => Promise.resolve({ '10.0.0.10': 'www', '10.0.1.1': 'rs1' }[a]),
  serviceByPort: (port, p) => Promise.resolve(port === 80 && p === 'tcp' ? 'http' : undefined),
};

export interface Run {
  code: number;
  out: string;
  err: string;
}

export function harness(): { run: (argv: string[], stdin?: string) => Promise<Run>; api: ControlApi } {
  const engine = new Engine({
    localMac: 0x0200000000fe,
    localIp4: 0x0a0000fe,
    localIp6: null,
    seed: 1,
    capacity: 4096,
  });
  const api = new ControlApi(new LocalDataPlane(engine, () => 0), 'test');
  const run = async (argv: string[], stdin = ''): Promise<Run> => {
    let out = '';
    let err = '';
    const io: UvsadmIo = {
      program: 'uvsadm',
      socket: '/tmp/test.sock',
      stdout: (t) => (out += t),
      stderr: (t) => (err += t),
      readStdin: () => Promise.resolve(stdin),
      readFile: (p) => {
        if (p === 'good.rules') return '# ok\n-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.1.1:80 -m\n';
        if (p === 'bad.rules')
          return '-A -t 10.0.0.1:80 -s rr\n\n-a -t 10.0.0.1:80 -r 10.0.1.1:80 -w 99999\n';
        throw new Error('ENOENT: no such file');
      },
      request: (op, args) => api.handle({ v: 1, id: 1, op, args: args ?? {} }),
      names: STUB_NAMES,
    };
    const code = await runUvsadm(argv, io);
    return { code, out, err };
  };
  return { run, api };
}
