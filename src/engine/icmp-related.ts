/**
 * ICMP and ICMPv6 errors related to a connection: a client's (or a router's) error about a packet
 * the service sent goes to the conn's real server; a NAT real server's error about a client's
 * packet goes back to the client, un-NATed.
 *
 * Kernel parity (ip_vs_core.c `ip_vs_in_icmp()`, `ip_vs_out_icmp()`, `ip_vs_nat_icmp()`): only
 * destination unreachable, source quench and time exceeded (ICMPv6: every error type) are
 * related; the quoted header is looked up with its tuple reversed; the ICMP checksum is verified
 * first. DR/TUN forward the error unchanged (but for the TTL); NAT rewrites the outer address,
 * the quoted address and port, recomputes the quoted IP header checksum (IPv4) and the ICMP
 * checksum, and leaves the quoted L4 checksum alone. Bogus or truncated quotes are dropped and
 * counted (hostile-inputs rows 14-15).
 * Must not: allocate or throw.
 */
import { csumAdd, csumFinish, rd16, rd32, wr16, wr32 } from '../wire/index.js';
import type { PacketCtx } from './packet-ctx.js';
import { Fwd } from './service/dest.js';
import type { EngineState } from './state.js';
import { Drop, Verdict } from './verdict.js';
import { forwardDr } from './xmit/dr.js';
import { forwardTun, tunOverhead } from './xmit/tun.js';

const TCP = 6;
const UDP = 17;

/** HOT PATH. An ICMPv4 message; `toVip` when its outer destination is a VIP. */
export function handleIcmp4(st: EngineState, ctx: PacketCtx, now: number, toVip: boolean): number {
  const icmp = ctx.icmp4;
  if (icmp.wrap(ctx.bytes, ctx.l4off, ctx.l4end) !== 0) return toVip ? st.drop(Drop.BadL4Header) : pass(st);
  const type = icmp.type();
  if (type !== 3 && type !== 4 && type !== 11) return pass(st); // echo and others: the kernel's
  if (!icmp.csumOk()) return st.drop(Drop.IcmpBadQuote);
  const b = ctx.bytes;
  const q = icmp.quoteOff();
  const avail = ctx.l4end - q;
  if (avail < 20) return st.drop(Drop.IcmpBadQuote);
  const vihl = b[q]!;
  const qhl = (vihl & 0x0f) * 4;
  if (vihl >>> 4 !== 4 || qhl < 20 || avail < qhl + 8) return st.drop(Drop.IcmpBadQuote);
  if ((rd16(b, q + 6) & 0x1fff) !== 0) return st.drop(Drop.IcmpBadQuote); // non-first fragment: no ports
  const qproto = b[q + 9]!;
  if (qproto !== TCP && qproto !== UDP) return toVip ? st.drop(Drop.IcmpNoConn) : pass(st);
  const a = ctx.scratchA;
  const c = ctx.scratchB;
  a.fill(0);
  c.fill(0);
  const qsport = rd16(b, q + qhl);
  const qdport = rd16(b, q + qhl + 2);
  const conns = st.conns;
  if (toVip) {
    // The quote is a packet the service sent: VIP:vport -> client:cport.
    a[0] = rd32(b, q + 12);
    c[0] = rd32(b, q + 16);
    const i = conns.lookupIn(4, qproto, c, qdport, a, qsport, now);
    const v = toRealServer(st, ctx, i);
    if (v !== NAT_REWRITE) return v;
    const d = st.dests[conns.dest[i]!]!;
    const daddr = d.addr[0]!;
    ctx.ip4.rewriteDst(daddr);
    ctx.ip4.decTtl();
    wr32(b, q + 12, daddr);
    wr16(b, q + qhl, conns.dport(i));
    fixQuotedIpv4(b, q, qhl);
    icmp.fillCsum();
    ctx.eth.setDst(d.mac);
    ctx.eth.setSrc(st.localMac);
    ctx.outOff = ctx.off;
    ctx.outLen = ctx.l3off + ctx.ipLen - ctx.off;
    return Verdict.Tx;
  }
  // From a NAT real server: the quote is client:cport -> daddr:dport.
  a[0] = rd32(b, q + 16);
  c[0] = rd32(b, q + 12);
  const i = conns.lookupOut(4, qproto, a, qdport, c, qsport, now);
  if (i < 0) return pass(st);
  if (ctx.ttl <= 1) return st.drop(Drop.TtlExceeded);
  const d = st.dests[conns.dest[i]!]!;
  const svc = st.svcs[d.svcId]!;
  d.stats.addOut(ctx.ipLen);
  svc.stats.addOut(ctx.ipLen);
  st.stats.addOut(ctx.ipLen);
  const vaddr = conns.vaddrWord(i, 0);
  ctx.ip4.rewriteSrc(vaddr);
  ctx.ip4.decTtl();
  wr32(b, q + 16, vaddr);
  wr16(b, q + qhl + 2, conns.vport[i]!);
  fixQuotedIpv4(b, q, qhl);
  icmp.fillCsum();
  ctx.eth.setDst(conns.macHi[i]! * 0x10000 + conns.macLo[i]!);
  ctx.eth.setSrc(st.localMac);
  ctx.outOff = ctx.off;
  ctx.outLen = ctx.l3off + ctx.ipLen - ctx.off;
  return Verdict.Tx;
}

/** HOT PATH. An ICMPv6 message (not ND, which the engine handles before). */
export function handleIcmp6(st: EngineState, ctx: PacketCtx, now: number, toVip: boolean): number {
  const icmp = ctx.icmp6;
  if (icmp.wrap(ctx.bytes, ctx.l4off, ctx.l4end) !== 0) return toVip ? st.drop(Drop.BadL4Header) : pass(st);
  const type = icmp.type();
  if (type < 1 || type > 4) return pass(st); // informational: echo, ND, MLD
  if (!icmp.csumOk(ctx.ip6.pseudoSum())) return st.drop(Drop.IcmpBadQuote);
  const b = ctx.bytes;
  const q = ctx.l4off + 8;
  if (ctx.l4end - q < 48 || b[q]! >>> 4 !== 6) return st.drop(Drop.IcmpBadQuote);
  const qproto = b[q + 6]!;
  if (qproto !== TCP && qproto !== UDP) return toVip ? st.drop(Drop.IcmpNoConn) : pass(st);
  const a = ctx.scratchA;
  const c = ctx.scratchB;
  const qsport = rd16(b, q + 40);
  const qdport = rd16(b, q + 42);
  const conns = st.conns;
  if (toVip) {
    readWords(b, q + 8, a);
    readWords(b, q + 24, c);
    const i = conns.lookupIn(6, qproto, c, qdport, a, qsport, now);
    const v = toRealServer(st, ctx, i);
    if (v !== NAT_REWRITE) return v;
    const d = st.dests[conns.dest[i]!]!;
    ctx.ip6.setDst(d.addr);
    ctx.ip6.decHopLimit();
    writeWords(b, q + 8, d.addr);
    wr16(b, q + 40, conns.dport(i));
    icmp.fillCsum(ctx.ip6.pseudoSum());
    ctx.eth.setDst(d.mac);
    ctx.eth.setSrc(st.localMac);
    ctx.outOff = ctx.off;
    ctx.outLen = ctx.l3off + ctx.ipLen - ctx.off;
    return Verdict.Tx;
  }
  readWords(b, q + 24, a);
  readWords(b, q + 8, c);
  const i = conns.lookupOut(6, qproto, a, qdport, c, qsport, now);
  if (i < 0) return pass(st);
  if (ctx.ttl <= 1) return st.drop(Drop.TtlExceeded);
  const d = st.dests[conns.dest[i]!]!;
  const svc = st.svcs[d.svcId]!;
  d.stats.addOut(ctx.ipLen);
  svc.stats.addOut(ctx.ipLen);
  st.stats.addOut(ctx.ipLen);
  conns.readVaddr(i, a);
  ctx.ip6.setSrc(a);
  ctx.ip6.decHopLimit();
  writeWords(b, q + 24, a);
  wr16(b, q + 42, conns.vport[i]!);
  icmp.fillCsum(ctx.ip6.pseudoSum());
  ctx.eth.setDst(conns.macHi[i]! * 0x10000 + conns.macLo[i]!);
  ctx.eth.setSrc(st.localMac);
  ctx.outOff = ctx.off;
  ctx.outLen = ctx.l3off + ctx.ipLen - ctx.off;
  return Verdict.Tx;
}

/** toRealServer's answer when the conn is NAT: the caller rewrites the error itself. */
const NAT_REWRITE = -1;

/**
 * An error from the client side about conn i (-1: none): counted as in traffic, then, after the
 * TTL, neighbour and MTU checks, forwarded unchanged for DR/TUN; NAT_REWRITE for NAT conns.
 */
function toRealServer(st: EngineState, ctx: PacketCtx, i: number): number {
  if (i < 0) return st.drop(Drop.IcmpNoConn);
  const conns = st.conns;
  const d = st.dests[conns.dest[i]!]!;
  const svc = st.svcs[d.svcId]!;
  d.stats.addIn(ctx.ipLen);
  svc.stats.addIn(ctx.ipLen);
  st.stats.addIn(ctx.ipLen);
  if (ctx.ttl <= 1) return st.drop(Drop.TtlExceeded);
  if (d.mac < 0) return st.drop(Drop.NoNeighbor);
  const fwd = conns.fwd[i]!;
  if (ctx.ipLen + (fwd === Fwd.Tun ? tunOverhead(d) : 0) > st.mtu) return st.drop(Drop.TooBig);
  if (fwd === Fwd.Dr) {
    forwardDr(st, ctx, d);
    return Verdict.Tx;
  }
  if (fwd === Fwd.Tun) return forwardTun(st, ctx, d) ? Verdict.Tx : st.drop(Drop.NoRoom);
  return NAT_REWRITE;
}

function pass(st: EngineState): number {
  st.passed++;
  return Verdict.Pass;
}

function fixQuotedIpv4(b: Uint8Array, q: number, qhl: number): void {
  wr16(b, q + 10, 0);
  wr16(b, q + 10, csumFinish(csumAdd(b, q, qhl, 0)));
}

function readWords(b: Uint8Array, o: number, out: Uint32Array): void {
  for (let w = 0; w < 4; w++) out[w] = rd32(b, o + 4 * w);
}

function writeWords(b: Uint8Array, o: number, w: Uint32Array): void {
  for (let i = 0; i < 4; i++) wr32(b, o + 4 * i, w[i]!);
}
