// Properties of uvsadm: `-S | -R | -S` is the identity on random tables; random argv never
// crashes runUvsadm and a bad command line gives exactly ipvsadm's message and status; a table
// command rebuilt as numeric argv parses back to the same command.
import test from 'ava';
import fc from 'fast-check';
import { parseIpvsadmArgs } from '../../../src/control/ipvsadm-args.js';
import { numericArgv } from '../../../src/cli/ipvsadm-argv.js';
import { harness } from './uvsadm-harness.js';

const SCHEDS = ['rr', 'wrr', 'lc', 'wlc', 'sh', 'dh', 'sed', 'nq', 'mh', 'lblc', 'lblcr', 'fo', 'ovf'];

const v4 = fc.tuple(
  fc.integer({ min: 1, max: 223 }),
  fc.nat(255),
  fc.nat(255),
  fc.integer({ min: 1, max: 254 }),
);
const addr = fc.oneof(
  v4.map((a) => ({ af: 4 as const, text: a.join('.') })),
  fc.tuple(fc.nat(0xffff), fc.integer({ min: 1, max: 0xffff })).map(([a, b]) => ({
    af: 6 as const,
    text: `fd00:${a.toString(16)}::${b.toString(16)}`,
  })),
);
const ap = (a: { af: 4 | 6; text: string }, port: number): string =>
  a.af === 6 ? `[${a.text}]:${port}` : `${a.text}:${port}`;

const service = fc.record({
  vaddr: addr,
  proto: fc.constantFrom('-t', '-u'),
  vport: fc.integer({ min: 1, max: 65535 }),
  sched: fc.constantFrom(...SCHEDS),
  persist: fc.option(fc.integer({ min: 1, max: 86400 }), { nil: undefined }),
  dests: fc.array(
    fc.record({
      daddr: v4,
      dport: fc.integer({ min: 1, max: 65535 }),
      fwd: fc.constantFrom('-g', '-i', '-m'),
      weight: fc.integer({ min: 0, max: 65535 }),
    }),
    { maxLength: 4 },
  ),
});

test('-S | -R | -S is the identity', async (t) => {
  await fc.assert(
    fc.asyncProperty(fc.array(service, { maxLength: 5 }), async (svcs) => {
      const lines: string[] = [];
      const seen = new Set<string>();
      for (const s of svcs) {
        const sel = `${s.proto} ${ap(s.vaddr, s.vport)}`;
        if (seen.has(sel)) continue;
        seen.add(sel);
        lines.push(`-A ${sel} -s ${s.sched}${s.persist === undefined ? '' : ` -p ${s.persist}`}`);
        const dseen = new Set<string>();
        for (const d of s.dests) {
          // DR/TUN dests take the service port; a v4 dest under a v6 service needs -i.
          const fwd = d.fwd;
          const port = fwd === '-m' ? d.dport : s.vport;
          const da = s.vaddr.af === 6 ? `[fd00:b::${d.daddr[3].toString(16)}]` : d.daddr.join('.');
          const key = `${da}:${port}`;
          if (dseen.has(key)) continue;
          dseen.add(key);
          lines.push(`-a ${sel} -r ${da}:${d.dport} ${fwd} -w ${d.weight}`);
        }
      }
      const a = harness();
      const ra = await a.run(['-R'], `${lines.join('\n')}\n`);
      if (ra.code !== 0) return t.fail(`${ra.err}\n${lines.join('\n')}`);
      const s1 = (await a.run(['-S', '-n'])).out;
      const b = harness();
      t.is((await b.run(['-R'], s1)).code, 0);
      const s2 = (await b.run(['-Sn'])).out;
      t.is(s2, s1);
      t.is(s1.split('\n').length - 1, lines.length);
      return true;
    }),
    { numRuns: 60, seed: 5 },
  );
});

const TOKENS = [
  '-A',
  '-E',
  '-D',
  '-C',
  '-R',
  '-S',
  '-a',
  '-e',
  '-d',
  '-L',
  '-l',
  '-Z',
  '-n',
  '-c',
  '-h',
  '-v',
  '--set',
  '-t',
  '-u',
  '-f',
  '-r',
  '-s',
  '-p',
  '-M',
  '-w',
  '-x',
  '-y',
  '-g',
  '-i',
  '-m',
  '-o',
  '-b',
  '-6',
  '--stats',
  '--rate',
  '--exact',
  '--thresholds',
  '--persistent-conn',
  '--timeout',
  '--daemon',
  '--sort',
  '--nosort',
  '--json',
  '--tun-type',
  '--tun-port',
  '--tun-csum',
  '--start-daemon',
  'master',
  '10.0.0.1:80',
  '10.0.0.2',
  '[fd00::1]:80',
  'www:http',
  'nosuch:80',
  '10.0.0.1:0',
  'rr',
  'wlc',
  'sh',
  'sh-port',
  '0',
  '1',
  '65536',
  '-1',
  '255.255.255.0',
  'gue',
  'x',
  '',
  '-Lnc',
  '-At',
  '-ln',
  '--',
];

test('random argv: never throws; parse failures print exactly ipvsadm text and status', async (t) => {
  const resolver = {
    host: (n: string) => ({ www: '10.0.0.10', rs1: '10.0.1.1' })[n],
    service: (n: string, p: string) => (n === 'http' && p === 'tcp' ? 80 : undefined),
  };
  await fc.assert(
    fc.asyncProperty(fc.array(fc.constantFrom(...TOKENS), { minLength: 1, maxLength: 8 }), async (argv) => {
      if (argv.includes('-R') || argv.includes('--check')) return true; // stdin / file: covered elsewhere
      const { run } = harness();
      const r = await run(argv);
      const p = parseIpvsadmArgs(argv, { program: 'uvsadm', resolver });
      t.true(Number.isInteger(r.code) && r.code >= 0 && r.code <= 255);
      if (p.kind === 'error') {
        t.is(r.err, p.stderr, argv.join(' '));
        t.is(r.code, p.exitCode, argv.join(' '));
        t.is(r.out, '');
      }
      return true;
    }),
    { numRuns: 400, seed: 7 },
  );
});

test('numericArgv(c) parses back to c for table commands', (t) => {
  const resolver = { host: (n: string) => (n === 'www' ? '10.0.0.10' : undefined), service: () => 80 };
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...TOKENS), { minLength: 1, maxLength: 10 }), (argv) => {
      const c = parseIpvsadmArgs(argv, { resolver });
      if (c.kind === 'error') return true;
      const n = numericArgv(c);
      if (n === null) return true;
      t.deepEqual(parseIpvsadmArgs(n), c, `${argv.join(' ')} -> ${n.join(' ')}`);
      return true;
    }),
    { numRuns: 3000, seed: 11 },
  );
  const c = parseIpvsadmArgs(
    [
      '-a',
      '-t',
      'www:http',
      '-r',
      'www',
      '-i',
      '--tun-type',
      'gue',
      '--tun-port',
      '6080',
      '--tun-csum',
      '-x',
      '5',
    ],
    { resolver },
  );
  if (c.kind === 'error') return t.fail(c.stderr);
  t.deepEqual(numericArgv(c), [
    '-a',
    '-t',
    '10.0.0.10:80',
    '-r',
    '10.0.0.10:80',
    '-i',
    '-w',
    '1',
    '-x',
    '5',
    '-y',
    '0',
    '--tun-type',
    'gue',
    '--tun-port',
    '6080',
    '--tun-csum',
  ]);
  t.deepEqual(parseIpvsadmArgs(numericArgv(c)!), c);
});
