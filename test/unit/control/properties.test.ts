// Property tests: the argv parser never throws, and -S → -R → -S is the identity.
import { fc, testProp } from '@fast-check/ava';
import { parseIpvsadmArgs } from '../../../src/control/ipvsadm-args.js';
import { formatRulesSave, parseRulesFile } from '../../../src/control/rules-file.js';
import type { DestSpec, RuleSet, ServiceRules, ServiceSpec } from '../../../src/control/model.js';
import { destKey, serviceKey } from '../../../src/control/model.js';
import { canonicalAddr } from '../../../src/control/addr-text.js';
import { compareDests, compareServices, glibcMergeSort } from '../../../src/control/rules-sort.js';
import { SCHEDULERS } from '../../../src/control/validate.js';

const WORDS = [
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
  '--set',
  '-h',
  '-v',
  '-n',
  '-c',
  '-t',
  '-u',
  '-f',
  '-6',
  '-s',
  '-p',
  '-M',
  '-r',
  '-g',
  '-i',
  '-m',
  '-w',
  '-x',
  '-y',
  '-o',
  '-b',
  '--pe',
  '--tun-type',
  '--tun-port',
  '--tun-csum',
  '--tun-nocsum',
  '--tun-remcsum',
  '--stats',
  '--rate',
  '--thresholds',
  '--persistent-conn',
  '--exact',
  '--sort',
  '--nosort',
  '--timeout',
  '--daemon',
  '--json',
  '--start-daemon',
  '--stop-daemon',
  '--syncid',
  '--mcast-group',
  '--',
  '-',
  '-Lnc',
  '-p=',
  '--weight=3',
  '1.2.3.4:80',
  '[::1]:80',
  '10.1',
  'rr',
  'sh',
  'mh',
  'sh-port',
  'flag-3',
  'gue',
  'gre',
  'ipip',
  '0',
  '60',
  '65536',
  'master',
  'backup',
  '255.255.255.0',
  '64',
  'foo',
  '',
];

testProp(
  'random argv never throws: always a command or a failure with ipvsadm text',
  [
    fc.array(fc.oneof(fc.constantFrom(...WORDS), fc.string({ maxLength: 12 })), { maxLength: 12 }),
    fc.boolean(),
  ],
  (t, argv, inRestore) => {
    const r = parseIpvsadmArgs(argv, { inRestore });
    if (r.kind === 'error') {
      t.true(r.stderr.endsWith('\n'));
      t.true(r.exitCode === 2 || r.exitCode === 255);
      t.is(r.stderr, `${r.error.ipvsadmMessage}\n`);
    } else {
      t.is(typeof r.kind, 'string');
    }
  },
  { numRuns: 3000, seed: 4242 },
);

// Addresses are kept within 2^31 of each other so libipvs's wrapping comparator stays a total
// order (rules-file.test.ts pins the wrap-around itself).
// IPv4 first octets 64..126 and IPv6 first groups 0x2000..0x2fff never share a first word, so a
// mixed-family (tunnel) dest list also sorts consistently.
const v4 = fc
  .tuple(fc.integer({ min: 64, max: 126 }), fc.nat(255), fc.nat(255), fc.integer({ min: 1, max: 254 }))
  .map((p) => p.join('.'));
const v6 = fc
  .tuple(fc.integer({ min: 0x2000, max: 0x2fff }), fc.nat(0xffff), fc.nat(0xffff))
  .map(([a, b, c]) => canonicalAddr(6, `${a.toString(16)}:${b.toString(16)}::${c.toString(16)}`) ?? '::');

const service: fc.Arbitrary<ServiceSpec> = fc
  .record({
    af: fc.constantFrom(4 as const, 6 as const),
    proto: fc.constantFrom('tcp' as const, 'udp' as const),
    a4: v4,
    a6: v6,
    vport: fc.integer({ min: 1, max: 65535 }),
    fwmark: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 0x7fffffff })),
    sched: fc.constantFrom(...SCHEDULERS),
    persistent: fc.boolean(),
    onePacket: fc.boolean(),
    flagBits: fc.nat(7),
    timeout: fc.integer({ min: 1, max: 86400 * 31 }),
    mask4: fc.integer({ min: 0, max: 0xffffffff }),
    mask6: fc.integer({ min: 1, max: 128 }),
    pe: fc.constantFrom('', 'sip'),
  })
  .map((r) => {
    const fw = r.fwmark !== 0;
    const schedFlags = r.sched === 'sh' || r.sched === 'mh' ? r.flagBits & 3 : r.flagBits;
    return {
      af: r.af,
      proto: fw ? 'tcp' : r.proto,
      vaddr: fw ? (r.af === 4 ? '0.0.0.0' : '::') : r.af === 4 ? r.a4 : r.a6,
      vport: fw ? 0 : r.vport,
      fwmark: r.fwmark,
      sched: r.sched,
      flags: { persistent: r.persistent, onePacket: r.onePacket && (fw || r.proto === 'udp'), schedFlags },
      timeout: r.persistent ? r.timeout : 0,
      netmask: r.af === 6 ? (r.persistent ? r.mask6 : 128) : r.persistent ? r.mask4 : 0xffffffff,
      pe: r.pe,
    } satisfies ServiceSpec;
  });

function destFor(svc: ServiceSpec): fc.Arbitrary<DestSpec> {
  return fc
    .record({
      af: fc.constantFrom(4 as const, 6 as const),
      a4: v4,
      a6: v6,
      port: fc.integer({ min: 0, max: 65535 }),
      fwd: fc.constantFrom('dr' as const, 'tun' as const, 'nat' as const),
      weight: fc.integer({ min: 0, max: 65535 }),
      tunType: fc.constantFrom('ipip' as const, 'gue' as const, 'gre' as const),
      tunPort: fc.integer({ min: 1, max: 65535 }),
      csum: fc.constantFrom('nocsum' as const, 'csum' as const, 'remcsum' as const),
    })
    .map((r) => {
      const af = r.fwd === 'tun' ? r.af : svc.af;
      const tun = r.fwd === 'tun';
      const tunType = tun ? r.tunType : 'ipip';
      return {
        af,
        daddr: af === 4 ? r.a4 : r.a6,
        dport: svc.fwmark === 0 && r.fwd !== 'nat' ? svc.vport : r.port,
        fwd: r.fwd,
        weight: r.weight,
        uThreshold: 0,
        lThreshold: 0,
        tunType,
        tunPort: tunType === 'gue' ? r.tunPort : 0,
        tunCsum: tunType === 'ipip' ? 'nocsum' : tunType === 'gre' && r.csum === 'remcsum' ? 'csum' : r.csum,
      } satisfies DestSpec;
    });
}

const ruleSet: fc.Arbitrary<RuleSet> = fc
  .uniqueArray(service, { selector: serviceKey, maxLength: 6 })
  .chain((svcs) =>
    fc
      .tuple(...svcs.map((s) => fc.uniqueArray(destFor(s), { selector: destKey, maxLength: 5 })))
      .map((dests) => ({
        services: svcs.map((svc, i): ServiceRules => ({ svc, dests: dests[i] ?? [] })),
      })),
  );

testProp(
  'formatRulesSave → parseRulesFile → formatRulesSave is the identity',
  [ruleSet],
  (t, rs) => {
    const text = formatRulesSave(rs, { numeric: true });
    const back = parseRulesFile(text);
    if (!back.ok) return t.fail(`${back.error.message}\n${text}`);
    t.is(formatRulesSave(back.ruleset, { numeric: true }), text);
    const sorted = glibcMergeSort(rs.services, (a, b) => compareServices(a.svc, b.svc)).map((s) => ({
      svc: s.svc,
      dests: glibcMergeSort(s.dests, compareDests),
    }));
    t.deepEqual(back.ruleset.services, sorted);
  },
  { numRuns: 500, seed: 1337 },
);
