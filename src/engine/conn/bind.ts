/**
 * Binding a conn to its dest and unbinding it: the dest's connection counters and its OVERLOAD
 * flag, exactly as net/netfilter/ipvs/ip_vs_conn.c `ip_vs_bind_dest()` / `ip_vs_unbind_dest()`.
 * Templates count in persistConns; other conns in inactConns or activeConns by their INACTIVE
 * flag. OVERLOAD is set when active + inactive reaches the upper threshold and cleared by the
 * lower threshold (or 3/4 of the upper one when no lower is set, or always when neither is set).
 */
import { DEST_F_OVERLOAD, type Dest } from '../service/dest.js';
import { CONN_F_INACTIVE, CONN_F_TEMPLATE } from './flags.js';

export function bindDest(dest: Dest, connFlags: number): void {
  if (connFlags & CONN_F_TEMPLATE) dest.persistConns++;
  else if (connFlags & CONN_F_INACTIVE) dest.inactConns++;
  else dest.activeConns++;
  if (dest.uThreshold !== 0 && dest.activeConns + dest.inactConns >= dest.uThreshold) {
    dest.flags |= DEST_F_OVERLOAD;
  }
}

export function unbindDest(dest: Dest, connFlags: number): void {
  if (connFlags & CONN_F_TEMPLATE) dest.persistConns--;
  else if (connFlags & CONN_F_INACTIVE) dest.inactConns--;
  else dest.activeConns--;
  const total = dest.activeConns + dest.inactConns;
  if (dest.lThreshold !== 0) {
    if (total < dest.lThreshold) dest.flags &= ~DEST_F_OVERLOAD;
  } else if (dest.uThreshold !== 0) {
    if (total * 4 < dest.uThreshold * 3) dest.flags &= ~DEST_F_OVERLOAD;
  } else {
    dest.flags &= ~DEST_F_OVERLOAD;
  }
}

/** Move a bound conn between the active and inactive counters (set_tcp_state()). */
export function setConnActive(dest: Dest, active: boolean): void {
  if (active) {
    dest.inactConns--;
    dest.activeConns++;
  } else {
    dest.activeConns--;
    dest.inactConns++;
  }
}
