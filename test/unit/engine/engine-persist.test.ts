// Persistence templates (-p, -M), their expiry and re-arming, expire_quiescent_template, and
// one-packet scheduling (-o) for UDP.
import test from 'ava';
import { delDest, editDest } from '../../../src/engine/engine-config.js';
import { CONN_F_TEMPLATE } from '../../../src/engine/conn/flags.js';
import { buildPacket } from '../../../src/wire/builder.js';
import {
  ACK,
  clientFrame,
  directorFrame,
  RST,
  statsOf,
  SYN,
  tcpSpec,
  toHost,
  udpSpec,
  withEngine,
  type EngineHarness,
} from '../../helpers/engine-harness.js';

const VIP = '10.0.0.60';
const SVC = '-t 10.0.0.60:80';
const C1 = '192.168.6.101';
const C2 = '192.168.6.102';
const C3 = '192.168.6.103';

function persist(extra = ''): string {
  return `
-A -t 10.0.0.60:80 -s rr -p 60${extra}
-a -t 10.0.0.60:80 -r 10.0.1.61:80 -g -w 1
-a -t 10.0.0.60:80 -r 10.0.1.62:80 -g -w 1
-a -t 10.0.0.60:80 -r 10.0.1.63:80 -g -w 1
`;
}

const syn = (h: EngineHarness, c: string, cport: number, now: number) =>
  toHost(h.send(clientFrame(tcpSpec(c, cport, VIP, 80, SYN)), now).out);
const seg = (h: EngineHarness, c: string, cport: number, flags: number, now: number) =>
  h.send(clientFrame(tcpSpec(c, cport, VIP, 80, flags, { seq: 1001, ack: 1 })), now);

function templates(h: EngineHarness): number {
  let n = 0;
  for (let i = 0; i < h.st.conns.capacity; i++) {
    if (h.st.conns.live(i) && (h.st.conns.flags[i]! & CONN_F_TEMPLATE) !== 0) n++;
  }
  return n;
}

test('a client sticks to its template; rr advances once per template, not per conn', (t) => {
  const h = withEngine({ rules: persist() });
  const picks = [
    syn(h, C1, 40001, 0),
    syn(h, C1, 40002, 10),
    syn(h, C2, 40003, 20),
    syn(h, C1, 40004, 30),
    syn(h, C3, 40005, 40),
    syn(h, C2, 40006, 50),
  ];
  t.deepEqual(picks, [63, 63, 62, 63, 61, 62]);
  t.is(templates(h), 3);
  t.is(h.st.conns.count, 9);
  const pc = ['10.0.1.61:80', '10.0.1.62:80', '10.0.1.63:80'].map((k) => h.dest(SVC, k).persistConns);
  t.deepEqual(pc, [1, 1, 1]);
  // Templates are not counted as scheduled conns.
  t.is(h.svc(SVC).stats.conns, 6);
  t.deepEqual(statsOf(h.dest(SVC, '10.0.1.63:80').stats).slice(0, 2), [3, 3]);
});

test('-M 255.255.255.0 groups clients of one /24 on one template', (t) => {
  const h = withEngine({ rules: persist(' -M 255.255.255.0') });
  t.deepEqual(
    [
      syn(h, '192.168.6.101', 40001, 0),
      syn(h, '192.168.6.202', 40002, 1),
      syn(h, '192.168.7.5', 40003, 2),
      syn(h, '192.168.6.7', 40004, 3),
    ],
    [63, 63, 62, 63],
  );
  t.is(templates(h), 2);
});

/** C1's conn to .63 closed by a RST at 2 (CLOSE, gone at 10 002); its template lasts 60 s. */
function closedConn(): EngineHarness {
  const h = withEngine({ rules: persist() });
  syn(h, C1, 40001, 0);
  seg(h, C1, 40001, ACK, 1);
  seg(h, C1, 40001, RST, 2);
  return h;
}

test('template: 1 ms before its 60 s the client still sticks (and the template is refreshed)', (t) => {
  const h = closedConn();
  t.is(syn(h, C1, 40002, 59_999), 63);
  t.is(syn(h, C1, 40003, 119_998), 63); // refreshed at 59 999 to 119 999
});

test('template: at 60 s with no conns left it is gone and the client is scheduled anew', (t) => {
  const h = closedConn();
  t.is(syn(h, C1, 40002, 60_000), 62);
  t.is(templates(h), 1);
  t.is(h.dest(SVC, '10.0.1.63:80').persistConns, 0);
  t.is(h.dest(SVC, '10.0.1.62:80').persistConns, 1);
});

/** C1's ESTABLISHED conn keeps the template alive past 60 s: re-armed for 60 s at 60 s. */
function rearmed(): EngineHarness {
  const h = withEngine({ rules: persist() });
  syn(h, C1, 40001, 0);
  seg(h, C1, 40001, ACK, 1); // ESTABLISHED until 900 001
  h.engine.tick(60_000); // the template expires with a controlled conn: re-armed to 120 000
  seg(h, C1, 40001, RST, 70_000); // CLOSE until 80 000
  h.engine.tick(80_000);
  return h;
}

test('template re-armed while it controls a conn: still there 1 ms before the re-armed expiry', (t) => {
  const h = rearmed();
  t.is(h.st.conns.count, 1);
  t.is(templates(h), 1);
  t.is(syn(h, C1, 40002, 119_999), 63);
});

test('template re-armed: gone at the re-armed expiry once its conns are', (t) => {
  const h = rearmed();
  t.is(syn(h, C1, 40002, 120_000), 62);
});

test('template of a quiesced dest: kept by default, invalidated with expire_quiescent_template', (t) => {
  for (const [eqt, want] of [
    [false, 63],
    [true, 62],
  ] as const) {
    const h = withEngine({ rules: persist(), expireQuiescentTemplate: eqt });
    t.is(syn(h, C1, 40001, 0), 63);
    const d = h.dest(SVC, '10.0.1.63:80');
    editDest(h.svc(SVC), d, {
      af: 4,
      addr: d.addr,
      port: 80,
      fwd: d.fwd,
      weight: 0,
      uThreshold: 0,
      lThreshold: 0,
    });
    t.is(syn(h, C1, 40002, 10), want, `expireQuiescentTemplate ${String(eqt)}`);
    // The invalidated template no longer matches: the next conn follows the new template.
    t.is(syn(h, C1, 40003, 20), want);
  }
});

test('template of a removed dest: invalidated, the client is rescheduled and sticks to the new dest', (t) => {
  const h = withEngine({ rules: persist() });
  t.is(syn(h, C1, 40001, 0), 63);
  delDest(h.st, h.svc(SVC), h.dest(SVC, '10.0.1.63:80'));
  t.is(syn(h, C1, 40002, 10), 62);
  t.is(syn(h, C1, 40003, 20), 62);
  t.is(templates(h), 2); // the invalidated one lives on while its conn does
});

const OPS = `
-A -u 10.0.0.80:53 -s rr -o
-a -u 10.0.0.80:53 -r 10.0.1.81:53 -g -w 1
-a -u 10.0.0.80:53 -r 10.0.1.82:53 -g -w 1
-a -u 10.0.0.80:53 -r 10.0.1.83:53 -g -w 1
-A -u 10.0.0.80:54 -s rr
-a -u 10.0.0.80:54 -r 10.0.1.81:54 -g -w 1
-a -u 10.0.0.80:54 -r 10.0.1.82:54 -g -w 1
-a -u 10.0.0.80:54 -r 10.0.1.83:54 -g -w 1
`;

test('one-packet scheduling: each datagram of one flow scheduled alone, no conn kept', (t) => {
  const h = withEngine({ rules: OPS });
  const spec = udpSpec('192.168.8.101', 5353, '10.0.0.80', 53);
  const outs = [0, 1, 2, 3].map((k) => h.send(clientFrame(spec), k).out);
  t.deepEqual(outs.map(toHost), [0x53, 0x52, 0x51, 0x53]);
  t.deepEqual(
    outs[0],
    directorFrame(udpSpec('192.168.8.101', 5353, '10.0.0.80', 53, { ttl: 63 }), 0x020000000053),
  );
  t.is(h.st.conns.count, 0);
  const len = buildPacket(spec).length;
  t.deepEqual(statsOf(h.svc('-u 10.0.0.80:53').stats), [4, 4, 0, 4 * len, 0]);
  t.deepEqual(statsOf(h.dest('-u 10.0.0.80:53', '10.0.1.83:53').stats), [2, 2, 0, 2 * len, 0]);
  const d = h.dest('-u 10.0.0.80:53', '10.0.1.83:53');
  t.deepEqual([d.activeConns, d.inactConns], [0, 0]);
});

test('without -o the same flow keeps its conn and its dest', (t) => {
  const h = withEngine({ rules: OPS });
  const spec = udpSpec('192.168.8.101', 5353, '10.0.0.80', 54);
  const outs = [0, 1, 2].map((k) => toHost(h.send(clientFrame(spec), k).out));
  t.deepEqual(outs, [0x53, 0x53, 0x53]);
  t.is(h.st.conns.count, 1);
  const d = h.dest('-u 10.0.0.80:54', '10.0.1.83:54');
  t.deepEqual([d.activeConns, d.inactConns, d.stats.conns, d.stats.inPkts], [0, 1, 1, 3]);
});
