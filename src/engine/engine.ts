/**
 * Engine: the data plane. `processBatch(rx, now, tx)` gives every received frame a verdict and
 * fills `tx` with what the director transmits; `tick(now)` runs the timers (conn expiry, the 2-s
 * rate estimator, scheduler maintenance). Configuration changes go through engine-config.ts.
 *
 * The frame path (ARCHITECTURE §2): Ethernet -> ARP for a VIP (answered) | IPv4 | IPv6 (Neighbor
 * Solicitations for a VIP answered) -> validation (hostile-inputs rows 1-9, 21, 23) -> TCP/UDP
 * (ingress.ts) or ICMP (icmp-related.ts) -> forwarder. Everything not ours is passed: the kernel
 * sees it anyway on an AF_PACKET tap, and uvsd's guard only drops what uvs takes.
 * Offloads (partial checksums, GSO super-frames): offload.ts decides; processBatch carries the
 * per-frame metadata from rx to ctx and from ctx to tx.
 * Must not: allocate, throw, await or read a clock per frame.
 */
import { copyBytes } from '../wire/index.js';
import type { FrameBatch } from '../wire/frame-batch.js';
import { handleIcmp4, handleIcmp6 } from './icmp-related.js';
import { handleFromServer, handleToVip } from './ingress.js';
import { arpReplyInPlace, naReplyInPlace } from './local-reply.js';
import { completePartial, isPartial } from './offload.js';
import { PacketCtx } from './packet-ctx.js';
import { EngineState, type EngineOptions } from './state.js';
import { EST_INTERVAL_MS } from './stats.js';
import { Drop, Verdict } from './verdict.js';

export type { EngineOptions };

const ETH_P_IP = 0x0800;
const ETH_P_ARP = 0x0806;
const ETH_P_IPV6 = 0x86dd;
const TCP = 6;
const UDP = 17;
const ICMP = 1;
const ICMPV6 = 58;
/** At most this many 2-s estimator steps are caught up after a long gap (the average is 0 by then). */
const MAX_EST_CATCHUP = 64;
const SCHED_EXPIRE_MS = 1000;

export class Engine {
  readonly state: EngineState;
  private readonly ctx = new PacketCtx();
  private nextEstimate = -1;
  private nextSchedExpire = -1;

  constructor(opts: EngineOptions) {
    this.state = new EngineState(opts);
  }

  /**
   * HOT PATH. Process rx.count frames; tx receives the frames to transmit, with tx.src[j] the rx
   * index each came from. When tx shares rx's bytes (rx.txView()) frames are forwarded in place;
   * otherwise each is copied into tx's slot. Returns the number of frames to transmit.
   * The timers due by `now` run first, as the kernel's would have fired before these frames came
   * (a template whose conns expired meanwhile must be gone when its client's next SYN arrives).
   */
  processBatch(rx: FrameBatch, now: number, tx: FrameBatch): number {
    const st = this.state;
    const ctx = this.ctx;
    const shared = tx.data === rx.data;
    this.tick(now);
    let n = 0;
    for (let i = 0; i < rx.count; i++) {
      const floor = i * rx.slotSize;
      ctx.reset(rx.data, rx.off[i]!, rx.len[i]!, floor, floor + rx.slotSize, rx.meta[i]!);
      ctx.gsoType = rx.gsoType[i]!;
      ctx.gsoSize = rx.gsoSize[i]!;
      if (this.processFrame(now) !== Verdict.Tx || n >= tx.capacity) continue;
      if (shared) {
        tx.off[n] = ctx.outOff;
      } else {
        const o = n * tx.slotSize + tx.headroom;
        if (ctx.outLen > tx.slotSize - tx.headroom) continue;
        copyBytes(tx.data, o, rx.data, ctx.outOff, ctx.outLen);
        tx.off[n] = o;
      }
      tx.len[n] = ctx.outLen;
      tx.meta[n] = ctx.outMeta;
      tx.csumStart[n] = ctx.outMeta === 0 ? 0 : ctx.outCsumStart;
      tx.csumOff[n] = ctx.outMeta === 0 ? 0 : ctx.outCsumOff;
      tx.gsoType[n] = ctx.outGsoType;
      tx.gsoSize[n] = ctx.outGsoSize;
      tx.src[n] = i;
      n++;
    }
    tx.count = n;
    st.rxFrames += rx.count;
    st.txFrames += n;
    return n;
  }

  /** Timers: conn expiry, the rate estimator every 2 s, scheduler cache expiry every second. */
  tick(now: number): void {
    const st = this.state;
    st.conns.sweep(now);
    if (this.nextEstimate < 0) this.nextEstimate = now + EST_INTERVAL_MS;
    let steps = 0;
    while (now >= this.nextEstimate) {
      if (steps < MAX_EST_CATCHUP) this.estimate();
      steps++;
      this.nextEstimate += EST_INTERVAL_MS;
    }
    if (this.nextSchedExpire < 0) this.nextSchedExpire = now + SCHED_EXPIRE_MS;
    if (now >= this.nextSchedExpire) {
      for (const svc of st.services.all) svc.sched.expire(now);
      this.nextSchedExpire = now + SCHED_EXPIRE_MS;
    }
  }

  private estimate(): void {
    const st = this.state;
    st.stats.estimate();
    for (const svc of st.services.all) {
      svc.stats.estimate();
      for (const d of svc.dests) d.stats.estimate();
    }
  }

  /** HOT PATH. One frame: the verdict; ctx.outOff/outLen locate the output when it is Tx. */
  private processFrame(now: number): number {
    const st = this.state;
    const ctx = this.ctx;
    const eth = ctx.eth;
    if (eth.wrap(ctx.bytes, ctx.off, ctx.off + ctx.len) !== 0) return st.drop(Drop.Runt);
    if (eth.src() === st.localMac) return st.drop(Drop.OwnFrame);
    ctx.l3off = eth.l3Off();
    const type = eth.ethertype();
    if (type === ETH_P_IP) return this.ipv4(now);
    if (type === ETH_P_IPV6) return this.ipv6(now);
    if (type === ETH_P_ARP) return this.arp();
    return this.pass();
  }

  private pass(): number {
    this.state.passed++;
    return Verdict.Pass;
  }

  private arp(): number {
    const st = this.state;
    const ctx = this.ctx;
    const arp = ctx.arp;
    if (arp.wrap(ctx.bytes, ctx.l3off, ctx.off + ctx.len) !== 0) return this.pass();
    if (arp.op() === 2) {
      // An answer to the director's own request: queue it for the daemon's neighbour table.
      if (st.localIp4 !== 0 && arp.tpa() === st.localIp4) {
        const sender = ctx.scratchA;
        sender.fill(0);
        sender[0] = arp.spa();
        st.learned.push(4, sender, arp.sha());
      }
      return this.pass();
    }
    if (!st.answerNeighbor || arp.op() !== 1) return this.pass();
    const target = ctx.scratchA;
    target.fill(0);
    target[0] = arp.tpa();
    if (!st.services.isVip(4, target)) return this.pass();
    arpReplyInPlace(st, ctx);
    return Verdict.Tx;
  }

  private ipv4(now: number): number {
    const st = this.state;
    const ctx = this.ctx;
    const ip = ctx.ip4;
    if (ip.wrap(ctx.bytes, ctx.l3off, ctx.off + ctx.len) !== 0) return st.drop(Drop.BadIpHeader);
    if (!ip.csumOk()) return st.drop(Drop.BadIpChecksum);
    const f = ctx.flow;
    const src = ip.src();
    const dst = ip.dst();
    f.af = 4;
    f.proto = ip.proto();
    f.saddr[0] = src;
    f.daddr[0] = dst;
    f.saddr[1] = f.saddr[2] = f.saddr[3] = 0;
    f.daddr[1] = f.daddr[2] = f.daddr[3] = 0;
    f.saddrFold = src;
    f.daddrFold = dst;
    ctx.ipLen = ip.totalLen();
    ctx.l4off = ip.l4Off();
    ctx.l4end = ctx.l3off + ctx.ipLen;
    ctx.ttl = ip.ttl();
    const top = src >>> 24;
    if (top === 0 || top === 127 || top >= 224 || (st.localIp4 !== 0 && src === st.localIp4)) {
      return st.drop(Drop.Martian);
    }
    if (dst >>> 28 === 0xe || dst === 0xffffffff) return this.pass();
    const toVip = st.services.isVip(4, f.daddr);
    if (ip.isFragment()) return toVip ? st.drop(Drop.Fragment) : this.pass();
    return this.l4(now, toVip);
  }

  private ipv6(now: number): number {
    const st = this.state;
    const ctx = this.ctx;
    const ip = ctx.ip6;
    if (ip.wrap(ctx.bytes, ctx.l3off, ctx.off + ctx.len) !== 0) return st.drop(Drop.BadIpHeader);
    const f = ctx.flow;
    f.af = 6;
    f.proto = ip.upperProto();
    ip.copySrc(f.saddr);
    ip.copyDst(f.daddr);
    f.saddrFold = (f.saddr[0]! ^ f.saddr[1]! ^ f.saddr[2]! ^ f.saddr[3]!) >>> 0;
    f.daddrFold = (f.daddr[0]! ^ f.daddr[1]! ^ f.daddr[2]! ^ f.daddr[3]!) >>> 0;
    ctx.ipLen = 40 + ip.payloadLen();
    ctx.l4off = ip.l4Off();
    ctx.l4end = ctx.l3off + ctx.ipLen;
    ctx.ttl = ip.hopLimit();
    const s0 = f.saddr[0]!;
    const loopback = s0 === 0 && f.saddr[1] === 0 && f.saddr[2] === 0 && f.saddr[3] === 1;
    if (s0 >>> 24 === 0xff || loopback) return st.drop(Drop.Martian);
    if (f.proto === ICMPV6 && ctx.l4end - ctx.l4off >= 24 && ctx.bytes[ctx.l4off] === 135)
      return this.neighborSolicit();
    const toVip = st.services.isVip(6, f.daddr);
    if (ip.fragSeen()) return toVip ? st.drop(Drop.Fragment) : this.pass();
    return this.l4(now, toVip);
  }

  private neighborSolicit(): number {
    const st = this.state;
    const ctx = this.ctx;
    const icmp = ctx.icmp6;
    if (!st.answerNeighbor || icmp.wrap(ctx.bytes, ctx.l4off, ctx.l4end) !== 0 || !icmp.isNs())
      return this.pass();
    if (ctx.ttl !== 255 || !icmp.csumOk(ctx.ip6.pseudoSum())) return this.pass();
    const target = ctx.scratchA;
    icmp.copyTarget(target);
    if (!st.services.isVip(6, target)) return this.pass();
    return naReplyInPlace(st, ctx, target) ? Verdict.Tx : st.drop(Drop.NoRoom);
  }

  private l4(now: number, toVip: boolean): number {
    const st = this.state;
    const ctx = this.ctx;
    const f = ctx.flow;
    if (f.proto === TCP || f.proto === UDP) {
      const tcp = f.proto === TCP;
      const err = tcp
        ? ctx.tcp.wrap(ctx.bytes, ctx.l4off, ctx.l4end)
        : ctx.udp.wrap(ctx.bytes, ctx.l4off, ctx.l4end);
      if (err !== 0) return toVip ? st.drop(Drop.BadL4Header) : this.pass();
      if (tcp) {
        f.sport = ctx.tcp.srcPort();
        f.dport = ctx.tcp.dstPort();
        ctx.tcpFlags = ctx.tcp.flags();
      } else {
        f.sport = ctx.udp.srcPort();
        f.dport = ctx.udp.dstPort();
      }
      // Offloads (offload.ts): without a link that finishes them, complete before any rewrite.
      if (!st.offload && isPartial(ctx)) completePartial(ctx);
      return toVip ? handleToVip(st, ctx, now) : handleFromServer(st, ctx, now);
    }
    if (f.proto === ICMP && f.af === 4) return handleIcmp4(st, ctx, now, toVip);
    if (f.proto === ICMPV6 && f.af === 6) return handleIcmp6(st, ctx, now, toVip);
    return this.pass();
  }
}
