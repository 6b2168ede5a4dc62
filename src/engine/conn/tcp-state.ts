/**
 * The IPVS TCP state machine: states, transition tables, timeouts and the active/inactive rule.
 *
 * Follows net/netfilter/ipvs/ip_vs_proto_tcp.c: `tcp_states[]` (normal), `tcp_states_dos[]`
 * (secure_tcp), `tcp_timeouts[]`, `tcp_state_active_table[]`, `tcp_state_idx()` and
 * `set_tcp_state()`. Event precedence per segment: RST > SYN > FIN > ACK; a segment with none of
 * them moves the conn to CLOSE. Directions: INPUT (client -> real server), OUTPUT (replies, seen
 * only by NAT), INPUT_ONLY (used while the conn has NOOUTPUT, i.e. DR/TUN).
 * Must not: allocate or throw; every function here is on the per-packet path.
 */

export const TcpState = {
  None: 0,
  Established: 1,
  SynSent: 2,
  SynRecv: 3,
  FinWait: 4,
  TimeWait: 5,
  Close: 6,
  CloseWait: 7,
  LastAck: 8,
  Listen: 9,
  SynAck: 10,
} as const;
export type TcpStateCode = (typeof TcpState)[keyof typeof TcpState];
export const TCP_STATE_COUNT = 11;

/** Names as /proc/net/ip_vs_conn and `ipvsadm -Lnc` print them (ip_vs_proto_tcp.c tcp_state_name_table). */
export const TCP_STATE_NAMES: readonly string[] = [
  'NONE',
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT',
  'TIME_WAIT',
  'CLOSE',
  'CLOSE_WAIT',
  'LAST_ACK',
  'LISTEN',
  'SYNACK',
];

export const Dir = { Input: 0, Output: 1, InputOnly: 2 } as const;
export type DirCode = (typeof Dir)[keyof typeof Dir];

/** Default timeouts in seconds, indexed by state (tcp_timeouts[]). */
export const TCP_DEFAULT_TIMEOUTS_S: readonly number[] = [2, 900, 120, 60, 120, 120, 10, 60, 30, 120, 120];
export const UDP_DEFAULT_TIMEOUT_S = 300;

/** States that count as active connections (tcp_state_active_table[]). */
const ACTIVE = new Uint8Array([0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1]);

export function tcpStateActive(state: number): boolean {
  return ACTIVE[state] === 1;
}

// Transition tables: [dir][event][state] flattened to dir*44 + event*11 + state.
// Events: 0 syn, 1 fin, 2 ack, 3 rst. Columns: NO ES SS SR FW TW CL CW LA LI SA.
const NO = 0,
  ES = 1,
  SS = 2,
  SR = 3,
  FW = 4,
  TW = 5,
  CL = 6,
  CW = 7,
  LA = 8,
  LI = 9,
  SA = 10;

// prettier-ignore
const NORMAL = new Uint8Array([
  // INPUT
  SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SR, // syn
  CL, CW, SS, TW, TW, TW, CL, CW, LA, LI, TW, // fin
  ES, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES, // ack
  CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, SR, // rst
  // OUTPUT
  SS, ES, SS, SR, SS, SS, SS, SS, SS, LI, SR,
  TW, FW, SS, TW, FW, TW, CL, TW, LA, LI, TW,
  ES, ES, SS, ES, FW, TW, CL, CW, LA, ES, ES,
  CL, CL, SS, CL, CL, TW, CL, CL, CL, CL, CL,
  // INPUT_ONLY
  SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SR,
  CL, FW, SS, TW, FW, TW, CL, CW, LA, LI, TW,
  ES, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES,
  CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, CL,
]);

// prettier-ignore
const SECURE = new Uint8Array([
  // INPUT
  SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SA,
  CL, CW, SS, TW, TW, TW, CL, CW, LA, LI, SA,
  ES, ES, SS, SR, FW, TW, CL, CW, CL, LI, SA,
  CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, CL,
  // OUTPUT
  SS, ES, SS, SA, SS, SS, SS, SS, SS, LI, SA,
  TW, FW, SS, TW, FW, TW, CL, TW, LA, LI, TW,
  ES, ES, SS, ES, FW, TW, CL, CW, LA, ES, ES,
  CL, CL, SS, CL, CL, TW, CL, CL, CL, CL, CL,
  // INPUT_ONLY
  SA, ES, ES, SR, SA, SA, SA, SA, SA, SA, SA,
  CL, FW, SS, TW, FW, TW, CL, CW, LA, LI, TW,
  ES, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES,
  CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, CL,
]);
void NO;

/** TCP flag bits as in the header's byte 13. */
export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_ACK = 0x10;

/** tcp_state_idx(): 3 rst, 0 syn, 1 fin, 2 ack, -1 none of them. */
export function tcpEvent(tcpFlags: number): number {
  if (tcpFlags & TCP_RST) return 3;
  if (tcpFlags & TCP_SYN) return 0;
  if (tcpFlags & TCP_FIN) return 1;
  if (tcpFlags & TCP_ACK) return 2;
  return -1;
}

/** The next state for a segment with `tcpFlags` seen in direction `dir` by a conn in `state`. */
export function tcpNextState(state: number, dir: DirCode, tcpFlags: number, secure: boolean): number {
  const ev = tcpEvent(tcpFlags);
  if (ev < 0) return TcpState.Close;
  return (secure ? SECURE : NORMAL)[dir * 44 + ev * 11 + state]!;
}
