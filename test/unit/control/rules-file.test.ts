// The ipvsadm-save format: golden `ipvsadm -S -n` output recorded from kernel IPVS, parse
// errors naming the line, all-or-nothing restore, and every optional field of the save line.
import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { formatRulesSave, parseRulesFile, tokenizeRuleLine } from '../../../src/control/rules-file.js';
import type { RuleSet } from '../../../src/control/model.js';
import type { UvsErrorCode } from '../../../src/control/errors.js';

const CASES = '/work/shared/kernel-cases';
const caseNames = readdirSync(CASES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

function rules(text: string): RuleSet {
  const r = parseRulesFile(text);
  if (!r.ok) throw new Error(r.error.message);
  return r.ruleset;
}
const save = (text: string): string => formatRulesSave(rules(text), { numeric: true });

test('there are recorded kernel cases to compare with', (t) => {
  t.true(caseNames.length >= 10);
});

for (const name of caseNames) {
  test(`golden: ${name} rules.txt → ipvsadm -S -n byte for byte`, (t) => {
    const text = readFileSync(`${CASES}/${name}/rules.txt`, 'utf8');
    const expected = readFileSync(`${CASES}/${name}/dump/ipvsadm-Sn.txt`, 'utf8');
    t.is(
      readFileSync(`${CASES}/${name}/dump/rules-apply.rc`, 'utf8').trim(),
      '0',
      'the kernel accepted the rules',
    );
    t.is(save(text), expected);
    t.is(save(expected), expected, '-R of the saved text saves the same');
  });
}

test('the RuleSet keeps dests in the order added; -S sorts them by address and port', (t) => {
  const text = [
    '-A -t 10.0.0.10:80 -s rr',
    '-a -t 10.0.0.10:80 -r 10.0.1.3:80 -g -w 1',
    '-a -t 10.0.0.10:80 -r 10.0.1.1:80 -g -w 1',
    '-a -t 10.0.0.10:80 -r 10.0.1.2:80 -g -w 1',
  ].join('\n');
  t.deepEqual(
    rules(text).services[0]?.dests.map((d) => d.daddr),
    ['10.0.1.3', '10.0.1.1', '10.0.1.2'],
  );
  t.is(
    save(text),
    '-A -t 10.0.0.10:80 -s rr\n' +
      '-a -t 10.0.0.10:80 -r 10.0.1.1:80 -g -w 1\n' +
      '-a -t 10.0.0.10:80 -r 10.0.1.2:80 -g -w 1\n' +
      '-a -t 10.0.0.10:80 -r 10.0.1.3:80 -g -w 1\n',
  );
});

test('services sort by fwmark, family, protocol, address, port (libipvs order)', (t) => {
  const text = [
    '-A -f 1 -s sh -b sh-fallback,sh-port',
    '-a -f 1 -r 192.168.10.3:0 -m -w 1',
    '-A -t [2001:db8::80]:80 -s rr -p 300 -M 64',
    '-a -t [2001:db8::80]:80 -r [2001:db8::a0a0]:80 -m -w 1',
    '-A -u 207.175.44.110:53 -s rr -o',
    '-a -u 207.175.44.110:53 -r 10.0.0.12:53 -i -w 0 --tun-type ipip',
    '-a -u 207.175.44.110:53 -r 10.0.0.11:53 -g -w 100',
    '-A -t 207.175.44.110:80 -s wlc -p 300',
    '-a -t 207.175.44.110:80 -r 192.168.10.2:80 -m -w 1',
    '-a -t 207.175.44.110:80 -r 192.168.10.1:80 -m -w 1',
  ].join('\n');
  t.is(
    save(text),
    [
      '-A -t 207.175.44.110:80 -s wlc -p 300',
      '-a -t 207.175.44.110:80 -r 192.168.10.1:80 -m -w 1',
      '-a -t 207.175.44.110:80 -r 192.168.10.2:80 -m -w 1',
      '-A -u 207.175.44.110:53 -s rr -o',
      '-a -u 207.175.44.110:53 -r 10.0.0.11:53 -g -w 100',
      '-a -u 207.175.44.110:53 -r 10.0.0.12:53 -i -w 0 --tun-type ipip',
      '-A -t [2001:db8::80]:80 -s rr -p 300 -M 64',
      '-a -t [2001:db8::80]:80 -r [2001:db8::a0a0]:80 -m -w 1',
      '-A -f 1 -s sh -b sh-fallback,sh-port',
      '-a -f 1 -r 192.168.10.3:0 -m -w 1',
      '',
    ].join('\n'),
  );
});

test('the libipvs comparator wraps: 10.0.0.1 sorts after 200.0.0.1', (t) => {
  t.is(
    save('-A -t 10.0.0.1:80 -s rr\n-A -t 200.0.0.1:80 -s rr\n'),
    '-A -t 200.0.0.1:80 -s rr\n-A -t 10.0.0.1:80 -s rr\n',
  );
  // 10 < 100 < 200 < 10 is a cycle, so glibc's merge sort result depends on the input order.
  const three = (order: string[]) => save(order.map((a) => `-A -t ${a}:80 -s rr\n`).join(''));
  t.is(
    three(['10.0.0.1', '200.0.0.1', '100.0.0.1']),
    '-A -t 10.0.0.1:80 -s rr\n-A -t 100.0.0.1:80 -s rr\n-A -t 200.0.0.1:80 -s rr\n',
  );
  t.is(
    three(['100.0.0.1', '200.0.0.1', '10.0.0.1']),
    '-A -t 100.0.0.1:80 -s rr\n-A -t 200.0.0.1:80 -s rr\n-A -t 10.0.0.1:80 -s rr\n',
  );
});

test('every optional field of the save line', (t) => {
  const text = [
    '-A -t 10.0.0.1:80 -s sh -p 60 -M 255.255.255.0 --pe sip -b sh-port',
    '-a -t 10.0.0.1:80 -r 10.0.1.1:80 -i -w 3 --tun-type gue --tun-port 6080 --tun-remcsum',
    '-a -t 10.0.0.1:80 -r 10.0.1.2:80 -i --tun-type gre --tun-csum',
    '-a -t 10.0.0.1:80 -r [fd00::1]:80 -i --tun-type gue --tun-port 5555',
    '-a -t 10.0.0.1:80 -r 10.0.1.4:80 -x 10 -y 5',
    '-A -u 10.0.0.1:53 -s wrr -b flag-2,flag-3',
    '-A -f 4294967295 -6 -p 10 -M 48',
    '-A -t [fd00::1]:443 -s mh -b mh-fallback,mh-port',
  ].join('\n');
  // fwmark 4294967295 is printed with %d and, compared as (int)(mark - 0) = -1, sorts first;
  // [fd00::1] sorts before 10.0.1.1 because 0xfd000000 - 0x0a000101 wraps negative.
  t.is(
    save(text),
    [
      '-A -f -1 -6 -s wlc -p 10 -M 48',
      '-A -t 10.0.0.1:80 -s sh -p 60 -M 255.255.255.0 --pe sip -b sh-port',
      '-a -t 10.0.0.1:80 -r [fd00::1]:80 -i -w 1 --tun-type gue --tun-port 5555 --tun-nocsum',
      '-a -t 10.0.0.1:80 -r 10.0.1.1:80 -i -w 3 --tun-type gue --tun-port 6080 --tun-remcsum',
      '-a -t 10.0.0.1:80 -r 10.0.1.2:80 -i -w 1 --tun-type gre --tun-csum',
      '-a -t 10.0.0.1:80 -r 10.0.1.4:80 -g -w 1',
      '-A -u 10.0.0.1:53 -s wrr -b flag-2,flag-3',
      '-A -t [fd00::1]:443 -s mh -b mh-fallback,mh-port',
      '',
    ].join('\n'),
  );
});

test('names are printed when a reverse resolver knows them (-S without -n)', (t) => {
  const rs = rules('-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.1.1:8080 -m -w 1\n');
  const names = {
    host: (_af: 4 | 6, a: string) => (a === '10.0.0.1' ? 'www.example.com' : undefined),
    service: (p: number) => (p === 80 ? 'http' : undefined),
  };
  t.is(
    formatRulesSave(rs, { numeric: false, names }),
    '-A -t www.example.com:http -s rr\n-a -t www.example.com:http -r 10.0.1.1:8080 -m -w 1\n',
  );
  t.is(
    formatRulesSave(rs, { numeric: true, names }),
    '-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.1.1:8080 -m -w 1\n',
  );
});

test('comments, blank lines, tabs, CR and "ipvsadm" tokens are accepted', (t) => {
  t.deepEqual(tokenizeRuleLine('ipvsadm -A\t-t 1.2.3.4:80  -s rr\r'), ['-A', '-t', '1.2.3.4:80', '-s', 'rr']);
  t.deepEqual(tokenizeRuleLine('  # a comment'), []);
  t.deepEqual(tokenizeRuleLine('-A -t 1.2.3.4:80 # trailing'), ['-A', '-t', '1.2.3.4:80']);
  t.is(save('# header\n\nipvsadm -A -t 1.2.3.4:80 -s rr\n'), '-A -t 1.2.3.4:80 -s rr\n');
});

test('-C, -E, -e, -d and -D inside a file apply in order', (t) => {
  const text = [
    '-A -t 1.1.1.1:80',
    '-C',
    '-A -t 1.2.3.4:80 -s rr',
    '-a -t 1.2.3.4:80 -r 5.6.7.8:80 -m -w 2',
    '-a -t 1.2.3.4:80 -r 5.6.7.9:80 -m -w 2',
    '-e -t 1.2.3.4:80 -r 5.6.7.8:80 -w 7',
    '-d -t 1.2.3.4:80 -r 5.6.7.9',
    '-E -t 1.2.3.4:80 -s lc',
    '-A -u 1.2.3.4:53',
    '-D -u 1.2.3.4:53',
    '--set 10 0 20',
  ].join('\n');
  const r = parseRulesFile(text);
  if (!r.ok) return t.fail(r.error.message);
  t.is(
    formatRulesSave(r.ruleset, { numeric: true }),
    '-A -t 1.2.3.4:80 -s lc\n-a -t 1.2.3.4:80 -r 5.6.7.8:80 -g -w 7\n',
  );
  t.deepEqual(r.timeouts, { tcp: 10, tcpFin: 0, udp: 20 });
  t.is(r.commands.length, 11);
});

// [file, line, message, exit status, code]
const bad: [string, number, string, number, UvsErrorCode][] = [
  ['-A -t 1.2.3.4:80\n-A -t 1.2.3.4:80', 2, 'Service already exists', 255, 'UVS_ERR_SERVICE_EXISTS'],
  ['-A -t 1.2.3.4:80\n-a -t 1.2.3.4:81 -r 5.6.7.8', 2, 'Service not defined', 255, 'UVS_ERR_NO_SUCH_SERVICE'],
  [
    '-A -t 1.2.3.4:80\n-a -t 1.2.3.4:80 -r 5.6.7.8\n-a -t 1.2.3.4:80 -r 5.6.7.8 -m',
    3,
    'Destination already exists',
    255,
    'UVS_ERR_DEST_EXISTS',
  ],
  ['-A -t 1.2.3.4:80 -s bogus', 1, 'Scheduler or persistence engine not found', 255, 'UVS_ERR_BAD_SCHEDULER'],
  [
    '-A -t 1.2.3.4:80 -p --pe http',
    1,
    'Scheduler or persistence engine not found',
    255,
    'UVS_ERR_BAD_SCHEDULER',
  ],
  ['-E -t 1.2.3.4:80', 1, 'No such service', 255, 'UVS_ERR_NO_SUCH_SERVICE'],
  ['-D -t 1.2.3.4:80', 1, 'No such service', 255, 'UVS_ERR_NO_SUCH_SERVICE'],
  ['-Z -t 1.2.3.4:80', 1, 'No such service', 255, 'UVS_ERR_NO_SUCH_SERVICE'],
  ['-A -t 1.2.3.4:80\n-e -t 1.2.3.4:80 -r 5.6.7.8', 2, 'No such destination', 255, 'UVS_ERR_NO_SUCH_DEST'],
  ['-A -t 1.2.3.4:80\n-d -t 1.2.3.4:80 -r 5.6.7.8', 2, 'No such destination', 255, 'UVS_ERR_NO_SUCH_DEST'],
  [
    '-A -t 1.2.3.4:80\n-a -t 1.2.3.4:80 -r 5.6.7.8 -y 5',
    2,
    'Numerical result out of range',
    255,
    'UVS_ERR_BAD_THRESHOLD',
  ],
  [
    '# ok\n-A -t 1.2.3.4:80 -s rr -w 1',
    2,
    "Illegal 'weight' option with the 'add-service' command",
    2,
    'UVS_ERR_BAD_RULE',
  ],
  [
    '-A -t 1.2.3.4:80\n\n-a -t 1.2.3.4:80 -r nosuchhost',
    3,
    'illegal real server address[:port] specified',
    2,
    'UVS_ERR_BAD_RULE',
  ],
  ['-R', 1, "Try `ipvsadm -h' or 'ipvsadm --help' for more information.", 255, 'UVS_ERR_BAD_RULE'],
  ['-A -t 1.2.3.4:80\n-L -n', 2, "'-L -n' is not a rule", 2, 'UVS_ERR_BAD_RULE'],
];

for (const [text, line, message, exit, code] of bad) {
  test(`bad rules file: ${JSON.stringify(text)} fails at line ${line}`, (t) => {
    const r = parseRulesFile(text);
    if (r.ok) return t.fail('accepted');
    t.is(r.error.line, line);
    t.is(r.error.ipvsadmMessage, message);
    t.is(r.error.message, `line ${line}: ${message}`);
    t.is(r.error.exitCode, exit);
    t.is(r.error.code, code);
  });
}

test('a bad line applies nothing, and the base table is not mutated', (t) => {
  const base = rules('-A -t 9.9.9.9:80 -s rr\n');
  const before = JSON.stringify(base);
  const r = parseRulesFile('-A -t 1.2.3.4:80\n-A -t 9.9.9.9:80\n', { base });
  t.false(r.ok);
  t.is(JSON.stringify(base), before);
  const ok = parseRulesFile('-a -t 9.9.9.9:80 -r 1.1.1.1\n', { base });
  t.true(ok.ok);
  t.is(base.services[0]?.dests.length, 0);
});

test('an unresolved name in a rules file is reported for the caller to resolve', (t) => {
  const r = parseRulesFile('-A -t web:80\n');
  if (r.ok) return t.fail();
  t.deepEqual(r.unresolved, { kind: 'host', name: 'web' });
  const r2 = parseRulesFile('-A -t web:80\n', { resolver: { host: () => '10.9.9.9' } });
  t.true(r2.ok && r2.ruleset.services[0]?.svc.vaddr === '10.9.9.9');
});
