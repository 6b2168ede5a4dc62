// TCP states through the engine: port reuse (a SYN meeting a TIME_WAIT or CLOSE conn is
// rescheduled in place), state timeouts exact to the millisecond, `--set` timeouts, UDP timeout.
import test from 'ava';
import { getTimeouts, setTimeouts } from '../../../src/engine/engine-config.js';
import { TCP_STATE_NAMES } from '../../../src/engine/conn/tcp-state.js';
import {
  ACK,
  clientFrame,
  directorFrame,
  FIN,
  findConn,
  ip4,
  macFor,
  RST,
  SYN,
  tcpSpec,
  toHost,
  udpSpec,
  withEngine,
  type EngineHarness,
} from '../../helpers/engine-harness.js';

const VIP = '10.0.0.90';
const C = '192.168.9.101';
const SVC = '-t 10.0.0.90:80';
const RR2 = `
-A -t 10.0.0.90:80 -s rr
-a -t 10.0.0.90:80 -r 10.0.1.91:80 -g -w 1
-a -t 10.0.0.90:80 -r 10.0.1.92:80 -g -w 1
-A -u 10.0.0.90:53 -s rr
-a -u 10.0.0.90:53 -r 10.0.1.91:53 -g -w 1
`;
const NAT = `
-A -t 10.0.0.20:80 -s rr
-a -t 10.0.0.20:80 -r 10.0.1.21:8080 -m -w 1
`;

const seg = (h: EngineHarness, cport: number, flags: number, now: number) =>
  h.send(clientFrame(tcpSpec(C, cport, VIP, 80, flags, { seq: 1001, ack: 1 })), now);

function stateOf(h: EngineHarness, cport: number, vip = VIP, vport = 80): string {
  const i = findConn(h.st, 4, 6, C, cport, vip, vport);
  return i < 0 ? 'gone' : TCP_STATE_NAMES[h.st.conns.state[i]!]!;
}

test('port reuse: a SYN meeting a TIME_WAIT conn is rescheduled in place (to the next rr dest)', (t) => {
  const h = withEngine({ rules: RR2 });
  t.is(toHost(seg(h, 40001, SYN, 0).out), 92);
  seg(h, 40001, FIN, 1); // SYN_RECV + FIN -> TIME_WAIT
  t.is(stateOf(h, 40001), 'TIME_WAIT');
  const r = seg(h, 40001, SYN, 2);
  t.is(r.drop, null);
  t.is(toHost(r.out), 91);
  t.is(stateOf(h, 40001), 'SYN_RECV');
  t.is(h.st.conns.count, 1);
  t.is(h.svc(SVC).stats.conns, 2);
  const d92 = h.dest(SVC, '10.0.1.92:80');
  t.deepEqual([d92.activeConns, d92.inactConns], [0, 0]);
});

test('port reuse: a SYN meeting a CLOSE conn is rescheduled in place', (t) => {
  const h = withEngine({ rules: RR2 });
  seg(h, 40001, SYN, 0);
  seg(h, 40001, ACK, 1);
  seg(h, 40001, RST, 2);
  t.is(stateOf(h, 40001), 'CLOSE');
  const r = seg(h, 40001, SYN, 3);
  t.deepEqual([r.verdict, r.drop, toHost(r.out)], ['tx', null, 91]);
  t.is(h.svc(SVC).stats.conns, 2);
});

test('a SYN meeting an ESTABLISHED conn is not rescheduled: same dest, same conn', (t) => {
  const h = withEngine({ rules: RR2 });
  seg(h, 40001, SYN, 0);
  seg(h, 40001, ACK, 1);
  const r = seg(h, 40001, SYN, 2);
  t.is(toHost(r.out), 92);
  t.is(stateOf(h, 40001), 'ESTABLISHED');
  t.is(h.svc(SVC).stats.conns, 1);
});

test('a SYN meeting a FIN_WAIT conn is not rescheduled (conn_reuse_mode 1)', (t) => {
  const h = withEngine({ rules: RR2 });
  seg(h, 40001, SYN, 0);
  seg(h, 40001, ACK, 1);
  seg(h, 40001, FIN, 2);
  t.is(stateOf(h, 40001), 'FIN_WAIT');
  t.is(toHost(seg(h, 40001, SYN, 3).out), 92);
  t.is(h.svc(SVC).stats.conns, 1);
});

test('a persistence-controlled conn in TIME_WAIT is reused, not rescheduled', (t) => {
  const h = withEngine({
    rules: `
-A -t 10.0.0.90:80 -s rr -p 60
-a -t 10.0.0.90:80 -r 10.0.1.91:80 -g -w 1
-a -t 10.0.0.90:80 -r 10.0.1.92:80 -g -w 1
`,
  });
  seg(h, 40001, SYN, 0);
  seg(h, 40001, FIN, 1);
  t.is(stateOf(h, 40001), 'TIME_WAIT');
  t.is(toHost(seg(h, 40001, SYN, 2).out), 92);
  t.is(stateOf(h, 40001), 'SYN_RECV');
  t.is(h.svc(SVC).stats.conns, 1);
});

// [state, segments (flags at t = 0, 1, 2...), timeout in ms]
const TIMEOUTS: [string, number[], number][] = [
  ['SYN_RECV', [SYN], 60_000],
  ['ESTABLISHED', [SYN, ACK], 900_000],
  ['CLOSE', [SYN, ACK, RST], 10_000],
  ['FIN_WAIT', [SYN, ACK, FIN], 120_000],
  ['TIME_WAIT', [SYN, FIN], 120_000],
];

function reach(h: EngineHarness, flags: number[]): number {
  flags.forEach((f, k) => seg(h, 40001, f, k));
  return flags.length - 1;
}

for (const [state, flags, ms] of TIMEOUTS) {
  test(`${state} times out after exactly ${ms / 1000} s`, (t) => {
    const before = withEngine({ rules: RR2 });
    const t0 = reach(before, flags);
    t.is(stateOf(before, 40001), state);
    const r1 = seg(before, 40001, ACK, t0 + ms - 1);
    t.is(r1.verdict, 'tx');
    t.is(toHost(r1.out), 92);

    const at = withEngine({ rules: RR2 });
    reach(at, flags);
    t.deepEqual(seg(at, 40001, ACK, t0 + ms), { out: null, verdict: 'drop', drop: 'no_conn' });
    t.is(at.st.conns.count, 0);
    const d = at.dest(SVC, '10.0.1.92:80');
    t.deepEqual([d.activeConns, d.inactConns], [0, 0]);
  });
}

test('NAT: client FIN on ESTABLISHED -> CLOSE_WAIT (60 s); the reply direction finds nothing after', (t) => {
  const setup = () => {
    const h = withEngine({ rules: NAT });
    const c = (flags: number, now: number) =>
      h.send(clientFrame(tcpSpec(C, 40001, '10.0.0.20', 80, flags, { seq: 1001, ack: 1 })), now);
    c(SYN, 0);
    h.send(clientFrame(tcpSpec('10.0.1.21', 8080, C, 40001, SYN | ACK)), 1);
    c(ACK, 2);
    c(FIN | ACK, 3);
    return h;
  };
  const reply = tcpSpec('10.0.1.21', 8080, C, 40001, ACK, { seq: 5, ack: 1002 });
  const a = setup();
  t.is(stateOf(a, 40001, '10.0.0.20'), 'CLOSE_WAIT');
  const r = a.send(clientFrame(reply), 3 + 60_000 - 1);
  t.deepEqual(
    r.out,
    directorFrame(tcpSpec('10.0.0.20', 80, C, 40001, ACK, { seq: 5, ack: 1002, ttl: 63 }), macFor(ip4(C))),
  );
  const b = setup();
  t.deepEqual(b.send(clientFrame(reply), 3 + 60_000), { out: null, verdict: 'pass', drop: null });
});

test('UDP: the conn lives 300 s after the last datagram', (t) => {
  const dg = clientFrame(udpSpec(C, 5001, VIP, 53));
  const h = withEngine({ rules: RR2 });
  h.send(dg, 0);
  h.send(dg, 299_999);
  t.is(h.svc('-u 10.0.0.90:53').stats.conns, 1);
  h.send(dg, 299_999 + 300_000);
  t.is(h.svc('-u 10.0.0.90:53').stats.conns, 2);
  t.is(h.st.conns.count, 1);
});

test('--set changes ESTABLISHED, FIN_WAIT and UDP only; 0 keeps a value', (t) => {
  const h = withEngine({ rules: RR2 });
  setTimeouts(h.st, 30, 20, 5);
  setTimeouts(h.st, 0, 0, 0);
  t.deepEqual(getTimeouts(h.st), { tcp: 30, tcpFin: 20, udp: 5 });
  // ESTABLISHED: 30 s
  reach(h, [SYN, ACK]);
  t.is(seg(h, 40001, ACK, 1 + 29_999).verdict, 'tx');
  t.deepEqual(seg(h, 40001, ACK, 1 + 29_999 + 30_000), { out: null, verdict: 'drop', drop: 'no_conn' });
  // FIN_WAIT: 20 s
  const f = withEngine({ rules: RR2 });
  setTimeouts(f.st, 30, 20, 5);
  reach(f, [SYN, ACK, FIN]);
  t.is(seg(f, 40001, ACK, 2 + 19_999).verdict, 'tx');
  t.is(seg(f, 40001, ACK, 2 + 19_999 + 20_000).drop, 'no_conn');
  // SYN_RECV is untouched: 60 s
  const s = withEngine({ rules: RR2 });
  setTimeouts(s.st, 30, 20, 5);
  reach(s, [SYN]);
  t.is(seg(s, 40001, ACK, 59_999).verdict, 'tx');
});

test('--set in the rules text: UDP 5 s', (t) => {
  const h = withEngine({ rules: RR2 + '--set 0 0 5\n' });
  t.deepEqual(getTimeouts(h.st), { tcp: 900, tcpFin: 120, udp: 5 });
  const dg = clientFrame(udpSpec(C, 5001, VIP, 53));
  h.send(dg, 0);
  h.send(dg, 4_999);
  t.is(h.svc('-u 10.0.0.90:53').stats.conns, 1);
  h.send(dg, 4_999 + 5_000);
  t.is(h.svc('-u 10.0.0.90:53').stats.conns, 2);
});
