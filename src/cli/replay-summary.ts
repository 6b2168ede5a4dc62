/**
 * The text summary `uvs replay` prints: frames in/out, drops by reason, and per-service and
 * per-dest counters in the spirit of `ipvsadm -Ln --stats` (dests in kernel order).
 */
import type { ReplaySummary } from '../daemon/replay.js';

export function formatSummary(s: ReplaySummary): string {
  const lines: string[] = [];
  lines.push(
    `frames in ${s.framesIn}, out ${s.framesOut}, passed ${s.passed}, dropped ${s.dropped}; conns ${s.conns}`,
  );
  for (const [reason, n] of Object.entries(s.drops)) lines.push(`  drop ${reason.padEnd(18)} ${n}`);
  lines.push('Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes');
  lines.push('  -> RemoteAddress:Port              Forward Weight ActiveConn InActConn');
  for (const svc of s.services) {
    lines.push(
      `${svc.proto.toUpperCase().padEnd(4)} ${svc.addr.padEnd(30)} ${num(svc.conns)} ${num(svc.inPkts)} ${num(svc.outPkts)} ${num(svc.inBytes)} ${num(svc.outBytes)}  ${svc.sched}`,
    );
    for (const d of svc.dests) {
      lines.push(
        `  -> ${d.addr.padEnd(28)} ${num(d.conns)} ${num(d.inPkts)} ${num(d.outPkts)} ${num(d.inBytes)} ${num(d.outBytes)}  ${d.fwd} w${d.weight} ${d.activeConns}/${d.inactConns}/${d.persistConns}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

function num(n: number): string {
  return String(n).padStart(8);
}
