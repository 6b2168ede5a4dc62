/**
 * Golden cases: every scheduler with an exact pick sequence. Picks are worked out by hand from the
 * kernel algorithms (shared/reference/ipvs.md §1, the step comments say how), or by the
 * independent models of sched-model.ts (dh, sh, twos); mh reuses the kernel recording mh-4's
 * service and clients, so its picks are the kernel's own.
 */
import { dr, icmpError, tcp, tun, udp, v4, type CaseDef, type Step } from './lib.js';
import { dhPick, shPick, twosPick, xorshift32, type ModelDest, type TwosDest } from './sched-model.js';

/** A SYN from client n (192.168.<net>.n:40000+n) to vip:80, expected at rs (DR). */
function syn(net: number, n: number, vip: string, rs: string | null, note: string): Step {
  const p = tcp('192.168.' + net + '.' + n, 40000 + n, vip, 80, 'S', { seq: n * 1000, id: n });
  if (rs === null) {
    return { pkt: p, note, out: [icmpError(p, vip, 3, 3, 0)], drop: 'no_dest' };
  }
  return { pkt: p, note, out: [dr(p, rs)] };
}

function fin(net: number, n: number, vip: string, rs: string, note: string): Step {
  const p = tcp('192.168.' + net + '.' + n, 40000 + n, vip, 80, 'FA', { seq: n * 1000 + 1, id: 100 + n });
  return { pkt: p, note, out: [dr(p, rs)] };
}

/** Rules for a DR service at vip:80 with dests added in the given order. */
function rules(title: string, vip: string, sched: string, dests: [string, number, string?][]): string {
  const lines = ['# ' + title, '-A -t ' + vip + ':80 -s ' + sched];
  for (const [a, w, extra] of dests) {
    lines.push('-a -t ' + vip + ':80 -r ' + a + ':80 -g -w ' + w + (extra ? ' ' + extra : ''));
  }
  return lines.join('\n');
}

const R = (net: number, n: number): string => '10.0.' + net + '.' + n;

function seqCase(
  name: string,
  sched: string,
  net: number,
  weights: number[],
  picks: (number | null)[],
  why: string,
): CaseDef {
  const vip = R(net, 100);
  const dests = weights.map((w, i): [string, number] => [R(net, i + 1), w]);
  return {
    name,
    description: sched + ': ' + why,
    rules: rules(
      'DR, ' + sched + ', dests added .1 .. .' + weights.length + ' (kernel order newest first)',
      vip,
      sched,
      dests,
    ),
    steps: picks.map((p, i) =>
      syn(
        net,
        i + 1,
        vip,
        p === null ? null : R(net, p),
        p === null ? 'SYN ' + (i + 1) + ': no dest' : 'SYN ' + (i + 1) + ' -> .' + p,
      ),
    ),
  };
}

const rrCase = seqCase(
  'sched-rr',
  'rr',
  50,
  [1, 1, 0, 1],
  [4, 2, 1, 4, 2, 1],
  'list .4 .3 .2 .1 (newest first), .3 has weight 0 and is skipped: .4 .2 .1 .4 .2 .1',
);

// wrr, weights .1=4 .2=3 .3=2 added .3, .2, .1 so the list is .1 .2 .3. The dest-change hook
// leaves cw at 1 after the additions (cw = mw of the first add, 1, is kept by the later ones),
// so the first round is the weight >= 1 pass: .1 .2 .3, then cw 4: .1, cw 3: .1 .2, cw 2: .1 .2
// .3, cw 1: .1 .2 .3 (ip_vs_wrr.c ip_vs_wrr_dest_changed / ip_vs_wrr_schedule).
const wrrCase: CaseDef = {
  name: 'sched-wrr',
  description:
    'wrr 4:3:2 added lightest first: the first round is the weight>=1 pass left by the additions, ' +
    'then the weighted rounds (kernel wrr state history, as kernel case nat-wrr-3)',
  rules: rules('DR, wrr, weights .1=4 .2=3 .3=2, added .3 .2 .1', R(52, 100), 'wrr', [
    [R(52, 3), 2],
    [R(52, 2), 3],
    [R(52, 1), 4],
  ]),
  steps: [1, 2, 3, 1, 1, 2, 1, 2, 3, 1, 2, 3].map((p, i) =>
    syn(52, i + 1, R(52, 100), R(52, p), 'SYN ' + (i + 1) + ' -> .' + p),
  ),
};

// lc: overhead = active*256 + inactive, ties to the first (newest) dest. List .3 .2 .1.
const lcCase: CaseDef = {
  name: 'sched-lc',
  description: 'lc: ties go to the newest dest; a FIN (SYN_RECV -> TIME_WAIT) makes a conn inactive',
  rules: rules('DR, lc, three dests added .1 .2 .3', R(53, 100), 'lc', [
    [R(53, 1), 1],
    [R(53, 2), 1],
    [R(53, 3), 1],
  ]),
  steps: [
    syn(53, 1, R(53, 100), R(53, 3), 'c1 -> .3 (all 0, first in list)'),
    syn(53, 2, R(53, 100), R(53, 2), 'c2 -> .2'),
    syn(53, 3, R(53, 100), R(53, 1), 'c3 -> .1'),
    fin(53, 1, R(53, 100), R(53, 3), 'c1 FIN: SYN_RECV -> TIME_WAIT, .3 now 0 active 1 inactive'),
    syn(53, 4, R(53, 100), R(53, 3), 'c4 -> .3 (overhead 1 < 256)'),
    syn(53, 5, R(53, 100), R(53, 2), 'c5 -> .2 (256, first of the 256 ties; .3 has 257)'),
  ],
};

// wlc .1=1 .2=3 .3=1 (list .3 .2 .1): loh*w(dest) > doh*w(least) replaces.
const wlcCase = seqCase(
  'sched-wlc',
  'wlc',
  54,
  [1, 3, 1],
  [3, 2, 1, 2, 2, 3],
  'weights .1=1 .2=3 .3=1; overhead act*256+inact per weight, strict > keeps the earlier dest: ' +
    '.3 .2 .1 .2 .2 .3 (the 6th: .3 256/1 vs .2 768/3 tie -> .3)',
);

// sed: (act+1)/w, same two stages as wlc.
const sedCase = seqCase(
  'sched-sed',
  'sed',
  55,
  [1, 3, 1],
  [2, 2, 3, 2, 1],
  'weights .1=1 .2=3 .3=1; (active+1)/weight: .2 .2 .3 (tie 1/1 vs 3/3 keeps .3) .2 .1',
);

// nq: the first idle dest (active 0) in list order wins at once, else sed's rule.
const nqCase: CaseDef = {
  name: 'sched-nq',
  description: 'nq: the first idle dest in list order is taken at once; otherwise (active+1)/weight',
  rules: rules('DR, nq, weights .1=1 .2=3 .3=1', R(56, 100), 'nq', [
    [R(56, 1), 1],
    [R(56, 2), 3],
    [R(56, 3), 1],
  ]),
  steps: [
    syn(56, 1, R(56, 100), R(56, 3), 'c1 -> .3 (idle, first)'),
    syn(56, 2, R(56, 100), R(56, 2), 'c2 -> .2 (idle)'),
    syn(56, 3, R(56, 100), R(56, 1), 'c3 -> .1 (idle)'),
    syn(56, 4, R(56, 100), R(56, 2), 'c4 -> .2 (none idle: 2/3 beats 2/1)'),
    fin(56, 1, R(56, 100), R(56, 3), 'c1 FIN: .3 has no active conn again'),
    syn(56, 5, R(56, 100), R(56, 3), 'c5 -> .3 (idle again)'),
  ],
};

// fo with an upper threshold: .3 (w5, -x 2) overloads after 2 conns; then .2 (w5).
const foCase: CaseDef = {
  name: 'sched-fo',
  description:
    'fo: highest weight, first of ties (.3); its upper threshold 2 sets OVERLOAD when the 2nd conn ' +
    'binds, so the next picks go to .2; a FIN does not clear it (active+inactive still 2)',
  rules: rules('DR, fo, weights .1=1 .2=5 .3=5, .3 with -x 2', R(57, 100), 'fo', [
    [R(57, 1), 1],
    [R(57, 2), 5],
    [R(57, 3), 5, '-x 2'],
  ]),
  steps: [
    syn(57, 1, R(57, 100), R(57, 3), 'c1 -> .3'),
    syn(57, 2, R(57, 100), R(57, 3), 'c2 -> .3, now 2 conns: OVERLOAD'),
    syn(57, 3, R(57, 100), R(57, 2), 'c3 -> .2'),
    fin(57, 1, R(57, 100), R(57, 3), 'c1 FIN on .3'),
    syn(57, 4, R(57, 100), R(57, 2), 'c4 -> .2'),
  ],
};

// ovf: skip dests with active > weight; highest weight wins; none -> ICMP port unreachable.
const ovfCase = seqCase(
  'sched-ovf',
  'ovf',
  58,
  [1, 2],
  [2, 2, 2, 1, 1, null],
  'weights .1=1 .2=2: .2 while active <= 2 (3 SYNs), then .1 twice, then none is eligible: ' +
    'ICMP port unreachable from the VIP (ip_vs_leave)',
);

// lblc: cache VIP -> dest; replaced when the dest is "overloaded" (active > weight while some dest
// has active*2 < weight), by a wlc pick over the service.
const lblcCase = seqCase(
  'sched-lblc',
  'lblc',
  59,
  [1, 1, 1],
  [3, 3, 2, 2, 1],
  'weights 1: wlc picks .3 and caches it; kept until it has 2 active (> weight) while .2 is idle, ' +
    'then wlc picks .2, later .1',
);

// lblcr: like lblc but the entry holds a set (new members at the head), least loaded member used.
const lblcrCase = seqCase(
  'sched-lblcr',
  'lblcr',
  60,
  [1, 1, 1],
  [3, 3, 2, 2, 1, 1],
  'weights 1: set {.3}; .3 overloaded -> add .2 (set .2 .3), least loaded .2 twice; .2 overloaded -> ' +
    'add .1, least loaded .1',
);

// dh: bucket hash_32(daddr, 8) of a 256-bucket table filled .3 .2 .1 .3 ... (model).
function dhCase(): CaseDef {
  const list: ModelDest[] = [3, 2, 1].map((n) => ({ name: R(62, n), weight: 1 }));
  const vips = [R(61, 1), R(61, 2), R(61, 5)];
  const lines = ['# DR, dh, three VIPs sharing dests added .1 .2 .3'];
  for (const vip of vips) {
    lines.push('-A -t ' + vip + ':80 -s dh');
    for (const n of [1, 2, 3]) lines.push('-a -t ' + vip + ':80 -r ' + R(62, n) + ':80 -g -w 1');
  }
  const steps: Step[] = [];
  let n = 1;
  for (const vip of vips) {
    const pick = dhPick(list, v4(vip))!;
    for (let k = 0; k < 2; k++, n++)
      steps.push(syn(61, n, vip, pick, 'to ' + vip + ': bucket of the VIP -> ' + pick));
  }
  return {
    name: 'sched-dh',
    description:
      'dh: the dest is the bucket hash_32(VIP, 8) of the 256-bucket table; every client of a VIP goes there (three VIPs, one per dest)',
    rules: lines.join('\n'),
    steps,
  };
}

// sh: bucket by source address; weights fill consecutive buckets; with sh-fallback a weight-0 dest's
// bucket falls through to the next available one, without it the packet gets port unreachable.
function shCase(): CaseDef {
  const w = (a: [number, number][]): ModelDest[] => a.map(([n, wt]) => ({ name: R(64, n), weight: wt }));
  const plain = w([
    [3, 1],
    [2, 2],
    [1, 1],
  ]);
  const quiesced = w([
    [3, 0],
    [2, 1],
    [1, 1],
  ]);
  const lines = [
    '# DR, sh: .1=1 .2=2 .3=1; then .3 at weight 0 with and without sh-fallback',
    '-A -t ' + R(63, 1) + ':80 -s sh',
    '-a -t ' + R(63, 1) + ':80 -r ' + R(64, 1) + ':80 -g -w 1',
    '-a -t ' + R(63, 1) + ':80 -r ' + R(64, 2) + ':80 -g -w 2',
    '-a -t ' + R(63, 1) + ':80 -r ' + R(64, 3) + ':80 -g -w 1',
  ];
  for (const [vip, flags] of [
    [R(63, 2), ' -b sh-fallback'],
    [R(63, 3), ''],
  ] as const) {
    lines.push('-A -t ' + vip + ':80 -s sh' + flags);
    lines.push('-a -t ' + vip + ':80 -r ' + R(64, 1) + ':80 -g -w 1');
    lines.push('-a -t ' + vip + ':80 -r ' + R(64, 2) + ':80 -g -w 1');
    lines.push('-a -t ' + vip + ':80 -r ' + R(64, 3) + ':80 -g -w 0');
  }
  const steps: Step[] = [];
  for (let n = 1; n <= 8; n++) {
    const pick = shPick(plain, v4('192.168.63.' + n), false);
    steps.push(syn(63, n, R(63, 1), pick, 'source hash -> ' + String(pick)));
  }
  for (const [vip, fb] of [
    [R(63, 2), true],
    [R(63, 3), false],
  ] as const) {
    for (let n = 11; n <= 16; n++) {
      const pick = shPick(quiesced, v4('192.168.63.' + n), fb);
      const hashed = shPick(quiesced, v4('192.168.63.' + n), false);
      steps.push(
        syn(
          63,
          n,
          vip,
          pick,
          (fb ? 'fallback: ' : 'no fallback: ') +
            (hashed ?? 'bucket of .3 (weight 0)') +
            ' -> ' +
            String(pick),
        ),
      );
    }
  }
  return {
    name: 'sched-sh',
    description:
      'sh: bucket hash_32(saddr, 8) of a table where each dest fills weight buckets (a weight-0 dest ' +
      'one); with sh-fallback an unavailable bucket falls through, without it: port unreachable',
    rules: lines.join('\n'),
    steps,
  };
}

// mh: the kernel recording mh-4 (same VIP, dests and clients) as UDP over TUN.
function mhCase(): CaseDef {
  const kernelPicks: [number, number][] = [
    [101, 73],
    [110, 73],
    [119, 71],
    [128, 73],
    [137, 73],
    [146, 71],
    [155, 74],
    [164, 74],
    [173, 72],
  ];
  const steps: Step[] = kernelPicks.map(([c, rs], i) => {
    const net = 70 + (i % 4);
    const p = udp('192.168.' + net + '.' + c, 48001 + i, '10.0.0.70', 80, { id: 700 + i, df: true });
    return { pkt: p, note: 'client .' + c + ' -> .' + rs + ' (kernel mh-4)', out: [tun(p, '10.0.1.' + rs)] };
  });
  const again = udp('192.168.71.146', 49006, '10.0.0.70', 80, { id: 805, df: true });
  steps.push({ pkt: again, note: 'client .146 again, new port -> .71', out: [tun(again, '10.0.1.71')] });
  return {
    name: 'sched-mh',
    description:
      'mh: Maglev by source address; the service, dests and clients of kernel case mh-4, as UDP over ' +
      "TUN (the table depends only on dest addresses/ports and weights), so the picks are the kernel's",
    rules: [
      '# TUN, UDP, mh, 4 real servers added .71 .72 .73 .74 (as kernel case mh-4)',
      '-A -u 10.0.0.70:80 -s mh',
      '-a -u 10.0.0.70:80 -r 10.0.1.71:80 -i -w 1',
      '-a -u 10.0.0.70:80 -r 10.0.1.72:80 -i -w 1',
      '-a -u 10.0.0.70:80 -r 10.0.1.73:80 -i -w 1',
      '-a -u 10.0.0.70:80 -r 10.0.1.74:80 -i -w 1',
    ].join('\n'),
    steps,
  };
}

// twos: two random draws from the engine's seeded source, the less loaded per weight wins.
function twosCase(): CaseDef {
  const seed = 7;
  const rnd = xorshift32(seed);
  const list: TwosDest[] = [3, 2, 1].map((n) => ({ name: R(66, n), weight: n, overhead: 0 }));
  const steps: Step[] = [];
  for (let n = 1; n <= 10; n++) {
    const pick = twosPick(list, rnd)!;
    list.find((d) => d.name === pick)!.overhead += 256;
    steps.push(syn(65, n, R(65, 100), pick, 'two draws, less loaded per weight -> ' + pick));
  }
  return {
    name: 'sched-twos',
    description:
      "twos with --seed 7: weights .1=1 .2=2 .3=3; each pick draws two dests with the engine's " +
      'xorshift32 source through __get_random_u32_below and keeps the less loaded per weight',
    rules: rules('DR, twos, weights .1=1 .2=2 .3=3', R(65, 100), 'twos', [
      [R(66, 1), 1],
      [R(66, 2), 2],
      [R(66, 3), 3],
    ]),
    seed,
    steps,
  };
}

export const SCHED_CASES: CaseDef[] = [
  rrCase,
  wrrCase,
  lcCase,
  wlcCase,
  lblcCase,
  lblcrCase,
  dhCase(),
  shCase(),
  sedCase,
  nqCase,
  foCase,
  ovfCase,
  mhCase(),
  twosCase(),
];
