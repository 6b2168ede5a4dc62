// The `uvs` launcher works after a build: help, version, probe, and usage errors exit 2.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};
const run = (...args: string[]) => spawnSync('bin/uvs', args, { encoding: 'utf8' });

test('uvs --help prints usage and exits 0', (t) => {
  const r = run('--help');
  t.is(r.status, 0, r.stderr);
  t.regex(r.stdout, /^uvs \d+\.\d+\.\d+: userspace Linux Virtual Server/);
  t.regex(r.stdout, /Usage: uvs <command>/);
});

test('uvs --version prints the package version', (t) => {
  const r = run('--version');
  t.is(r.status, 0);
  t.is(r.stdout, `uvs ${pkg.version}\n`);
});

test('uvs with an unknown command exits 2 and names it', (t) => {
  const r = run('frobnicate');
  t.is(r.status, 2);
  t.regex(r.stderr, /unknown command 'frobnicate'/);
});

test('uvs probe --json prints every capability', (t) => {
  const r = run('probe', '--json');
  t.is(r.status, 0, r.stderr);
  const probe = JSON.parse(r.stdout) as Record<string, number>;
  t.deepEqual(Object.keys(probe).sort(), [
    'afPacket',
    'fanout',
    'ignoreOutgoing',
    'rawIpip',
    'tpacketV3',
    'tun',
  ]);
});

test('uvs probe with an unknown option exits 2', (t) => {
  const r = run('probe', '--bogus');
  t.is(r.status, 2);
  t.regex(r.stderr, /bogus/);
});
