// Traffic counters per dest, per service and global after a mixed sequence; ipvsadm -Z; the 2-s
// rate estimator (ip_vs_est.c: avg += (rate - avg) >> 2, read as (avg + 0x1FF) >> 10 for conns
// and packets, (avg + 0xF) >> 5 for bytes) for a known sequence.
import test from 'ava';
import { zeroStats } from '../../../src/engine/engine-config.js';
import type { Stats } from '../../../src/engine/stats.js';
import { buildPacket } from '../../../src/wire/builder.js';
import {
  ACK,
  clientFrame,
  statsOf,
  SYN,
  tcpSpec,
  udpSpec,
  withEngine,
  type EngineHarness,
} from '../../helpers/engine-harness.js';

const RULES = `
-A -t 10.0.0.20:80 -s rr
-a -t 10.0.0.20:80 -r 10.0.1.21:80 -m -w 1
-a -t 10.0.0.20:80 -r 10.0.1.22:80 -m -w 1
-A -t 10.0.0.90:80 -s rr
-a -t 10.0.0.90:80 -r 10.0.1.91:80 -g -w 1
-A -u 10.0.0.80:54 -s rr
-a -u 10.0.0.80:54 -r 10.0.1.81:54 -g -w 1
`;
const NAT = '-t 10.0.0.20:80';
const DR = '-t 10.0.0.90:80';
const C1 = '192.168.2.101';
const C2 = '192.168.2.102';

const len = (s: Parameters<typeof buildPacket>[0]) => buildPacket(s).length;

function mixed(): EngineHarness {
  const h = withEngine({ rules: RULES });
  const send = (s: Parameters<typeof buildPacket>[0], now: number, mac?: number) =>
    t0(h.send(clientFrame(s, mac), now).verdict);
  const t0 = (v: string) => {
    if (v !== 'tx') throw new Error('expected tx, got ' + v);
  };
  send(tcpSpec(C1, 40001, '10.0.0.20', 80, SYN), 0); // -> .22 (newest first)
  send(tcpSpec('10.0.1.22', 80, C1, 40001, SYN | ACK, { payload: new Uint8Array(8) }), 1);
  send(tcpSpec(C1, 40001, '10.0.0.20', 80, ACK, { payload: new Uint8Array(100) }), 2);
  send(tcpSpec(C2, 40002, '10.0.0.20', 80, SYN), 3); // -> .21
  send(tcpSpec(C2, 40003, '10.0.0.90', 80, SYN), 4);
  send(tcpSpec(C2, 40003, '10.0.0.90', 80, ACK), 5);
  h.send(clientFrame(tcpSpec(C2, 40004, '10.0.0.90', 81, SYN)), 6); // dropped: counted nowhere
  return h;
}

const SYN_LEN = len(tcpSpec(C1, 40001, '10.0.0.20', 80, SYN));
const SYNACK_LEN = len(tcpSpec('10.0.1.22', 80, C1, 40001, SYN | ACK, { payload: new Uint8Array(8) }));
const ACK100_LEN = len(tcpSpec(C1, 40001, '10.0.0.20', 80, ACK, { payload: new Uint8Array(100) }));

test('counters after a mixed sequence: per dest, per service, global', (t) => {
  const h = mixed();
  t.deepEqual([SYN_LEN, SYNACK_LEN, ACK100_LEN], [40, 48, 140]);
  t.deepEqual(statsOf(h.dest(NAT, '10.0.1.22:80').stats), [1, 2, 1, 180, 48]);
  t.deepEqual(statsOf(h.dest(NAT, '10.0.1.21:80').stats), [1, 1, 0, 40, 0]);
  t.deepEqual(statsOf(h.svc(NAT).stats), [2, 3, 1, 220, 48]);
  t.deepEqual(statsOf(h.dest(DR, '10.0.1.91:80').stats), [1, 2, 0, 80, 0]);
  t.deepEqual(statsOf(h.svc(DR).stats), [1, 2, 0, 80, 0]);
  t.deepEqual(statsOf(h.st.stats), [3, 5, 1, 300, 48]);
  const d22 = h.dest(NAT, '10.0.1.22:80');
  t.deepEqual([d22.activeConns, d22.inactConns], [1, 0]);
  t.is(h.st.conns.count, 3);
});

test('zeroStats: one service (and its dests) only, then everything', (t) => {
  const h = mixed();
  zeroStats(h.st, h.svc(NAT));
  t.deepEqual(statsOf(h.svc(NAT).stats), [0, 0, 0, 0, 0]);
  t.deepEqual(statsOf(h.dest(NAT, '10.0.1.22:80').stats), [0, 0, 0, 0, 0]);
  t.deepEqual(statsOf(h.svc(DR).stats), [1, 2, 0, 80, 0]);
  t.deepEqual(statsOf(h.st.stats), [3, 5, 1, 300, 48]);
  zeroStats(h.st, null);
  t.deepEqual(statsOf(h.svc(DR).stats), [0, 0, 0, 0, 0]);
  t.deepEqual(statsOf(h.dest(DR, '10.0.1.91:80').stats), [0, 0, 0, 0, 0]);
  t.deepEqual(statsOf(h.st.stats), [0, 0, 0, 0, 0]);
  // Conns are untouched; counting goes on from zero.
  t.is(h.st.conns.count, 3);
  h.send(clientFrame(tcpSpec(C2, 40003, '10.0.0.90', 80, ACK)), 10);
  t.deepEqual(statsOf(h.svc(DR).stats), [0, 1, 0, 40, 0]);
});

function rates(s: Stats): number[] {
  return [s.cps(), s.inPps(), s.outPps(), s.inBps(), s.outBps()];
}

test('the rate estimator: 10 new UDP flows in the first 2 s, 40 in the next, then silence', (t) => {
  const h = withEngine({ rules: RULES });
  const svc = h.svc('-u 10.0.0.80:54');
  const dg = (cport: number, now: number) => h.send(clientFrame(udpSpec(C1, cport, '10.0.0.80', 54)), now);
  t.is(len(udpSpec(C1, 1, '10.0.0.80', 54)), 32);
  for (let k = 0; k < 10; k++) dg(10000 + k, k); // the estimator's first period starts at t = 0
  h.engine.tick(1999);
  t.deepEqual(rates(svc.stats), [0, 0, 0, 0, 0]);
  // t = 2 s: conns rate 10 << 9 = 5120, avg 1280 -> (1280 + 511) >> 10 = 1;
  //          bytes rate 320 << 4 = 5120, avg 1280 -> (1280 + 15) >> 5 = 40.
  h.engine.tick(2000);
  t.deepEqual(rates(svc.stats), [1, 1, 0, 40, 0]);
  for (let k = 0; k < 40; k++) dg(20000 + k, 2000 + k);
  // t = 4 s: rate 40 << 9 = 20480, avg 1280 + (19200 >> 2) = 6080 -> 6591 >> 10 = 6;
  //          bytes rate 1280 << 4 = 20480, the same avg -> 6095 >> 5 = 190.
  h.engine.tick(4000);
  t.deepEqual(rates(svc.stats), [6, 6, 0, 190, 0]);
  // Silence: avg 6080 -> 4560 -> 3420 -> 2565 -> 1923 (floor of the negative quarter each time).
  const seq: number[][] = [];
  for (const now of [6000, 8000, 10000, 12000]) {
    h.engine.tick(now);
    seq.push(rates(svc.stats));
  }
  t.deepEqual(seq, [
    [4, 4, 0, 142, 0], // 4560: 5071 >> 10 = 4, 4575 >> 5 = 142
    [3, 3, 0, 107, 0], // 3420: 3931 >> 10 = 3, 3435 >> 5 = 107
    [3, 3, 0, 80, 0], // 2565: 3076 >> 10 = 3, 2580 >> 5 = 80
    [2, 2, 0, 60, 0], // 1923.75 -> 1923: 2434 >> 10 = 2, 1938 >> 5 = 60
  ]);
  // The dest and the global estimators saw the same traffic.
  t.deepEqual(rates(h.dest('-u 10.0.0.80:54', '10.0.1.81:54').stats), [2, 2, 0, 60, 0]);
  t.deepEqual(rates(h.st.stats), [2, 2, 0, 60, 0]);
  // -Z restarts the estimator too.
  zeroStats(h.st, null);
  t.deepEqual(rates(svc.stats), [0, 0, 0, 0, 0]);
});
