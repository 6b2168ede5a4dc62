// The TCP state machine against the kernel's tables (ip_vs_proto_tcp.c) and the transitions the
// recorded kernel cases show (shared/kernel-cases dr-rr-3, nat-wrr-3, lc-dr).
import test from 'ava';
import {
  Dir,
  TCP_ACK,
  TCP_FIN,
  TCP_RST,
  TCP_STATE_NAMES,
  TCP_SYN,
  TcpState,
  tcpEvent,
  tcpNextState,
  tcpStateActive,
} from '../../../../src/engine/conn/tcp-state.js';

const S = TcpState;
const next = (state: number, dir: 0 | 1 | 2, flags: number, secure = false) =>
  tcpNextState(state, dir, flags, secure);

test('event precedence is RST > SYN > FIN > ACK, none -> -1', (t) => {
  t.is(tcpEvent(TCP_RST | TCP_SYN | TCP_FIN | TCP_ACK), 3);
  t.is(tcpEvent(TCP_SYN | TCP_ACK), 0);
  t.is(tcpEvent(TCP_FIN | TCP_ACK), 1);
  t.is(tcpEvent(TCP_ACK), 2);
  t.is(tcpEvent(0x08 /* PSH only */), -1);
});

test('a segment with none of SYN/FIN/ACK/RST moves any state to CLOSE', (t) => {
  for (let s = 0; s < 11; s++) t.is(next(s, Dir.Input, 0x08), S.Close);
});

test('dr-rr-3 (input only): SYN->SYN_RECV, ACK->ESTABLISHED, FIN after SYN->TIME_WAIT, RST keeps SYN_RECV, ACK+FIN->FIN_WAIT', (t) => {
  t.is(next(S.None, Dir.InputOnly, TCP_SYN), S.SynRecv);
  t.is(next(S.SynRecv, Dir.InputOnly, TCP_ACK), S.Established);
  t.is(next(S.SynRecv, Dir.InputOnly, TCP_FIN | TCP_ACK), S.TimeWait);
  t.is(next(S.SynRecv, Dir.InputOnly, TCP_RST), S.SynRecv);
  t.is(next(S.Established, Dir.InputOnly, TCP_FIN | TCP_ACK), S.FinWait);
  t.is(next(S.Established, Dir.InputOnly, TCP_ACK | 0x08), S.Established);
});

test('nat-wrr-3 (both directions): SYN-ACK from the server keeps SYN_RECV; the client ACK establishes', (t) => {
  t.is(next(S.None, Dir.Input, TCP_SYN), S.SynRecv);
  t.is(next(S.SynRecv, Dir.Output, TCP_SYN | TCP_ACK), S.SynRecv);
  t.is(next(S.SynRecv, Dir.Input, TCP_ACK), S.Established);
});

test('NAT close sequences: client FIN -> CLOSE_WAIT, server FIN -> FIN_WAIT, then LAST_ACK/TIME_WAIT paths', (t) => {
  t.is(next(S.Established, Dir.Input, TCP_FIN | TCP_ACK), S.CloseWait);
  t.is(next(S.Established, Dir.Output, TCP_FIN | TCP_ACK), S.FinWait);
  t.is(next(S.CloseWait, Dir.Output, TCP_FIN | TCP_ACK), S.TimeWait);
  t.is(next(S.FinWait, Dir.Input, TCP_FIN | TCP_ACK), S.TimeWait);
  t.is(next(S.LastAck, Dir.Input, TCP_ACK), S.Close);
  t.is(next(S.Established, Dir.Output, TCP_RST), S.Close);
  t.is(next(S.TimeWait, Dir.Output, TCP_RST), S.TimeWait);
});

test('input-only RST in SYNACK goes to CLOSE while the normal input table keeps SYN_RECV', (t) => {
  t.is(next(S.SynAck, Dir.InputOnly, TCP_RST), S.Close);
  t.is(next(S.SynAck, Dir.Input, TCP_RST), S.SynRecv);
});

test('secure_tcp: an input ACK in SYN_RECV stays SYN_RECV until the server answers', (t) => {
  t.is(next(S.SynRecv, Dir.Input, TCP_ACK, true), S.SynRecv);
  t.is(next(S.SynRecv, Dir.Output, TCP_SYN | TCP_ACK, true), S.SynAck);
  t.is(next(S.None, Dir.InputOnly, TCP_SYN, true), S.SynAck);
});

test('active states are ESTABLISHED, SYN_SENT, SYN_RECV and SYNACK', (t) => {
  const active = TCP_STATE_NAMES.filter((_, s) => tcpStateActive(s));
  t.deepEqual(active, ['ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'SYNACK']);
});
