/**
 * The classic BPF program of uvsd's PACKET_FANOUT_CBPF group: it picks, for every received
 * frame, which worker's socket gets it (the kernel takes its return value modulo the number of
 * sockets, net/packet/af_packet.c fanout_demux_bpf()). It returns a value computed from the
 * CLIENT address in both directions of a conn, so a NAT conn's replies reach the worker that
 * created the conn:
 * - TCP/UDP from a NAT real server's (daddr, dport) (a reply): the IP destination;
 * - ICMP error to a VIP (about a reply we sent): the quoted packet's destination (the client);
 * - ICMP from a NAT real server's address: the IP destination;
 * - every other IP packet, requests to a VIP included: the IP source;
 * - anything not IPv4/IPv6 (ARP): 0, i.e. always the first socket.
 * A value is the address (IPv6: the xor of its four words), mixed as v ^ (v >>> 16).
 *
 * Offsets: the fanout program runs before the packet socket pushes the link header back
 * (packet_rcv_fanout() is called with skb->data at the network header for received frames), so
 * absolute loads are relative to the IP header, and the Ethernet type comes from the ancillary
 * load SKF_AD_PROTOCOL. IPv6 extension headers are not walked (such packets count as "other").
 * Non-first IPv4 fragments have no ports: "other".
 * Must not: import engine/control/daemon/cli (the caller converts its rules to a FanoutSpec).
 * Follows: Documentation/networking/filter.rst (classic BPF), packet(7) PACKET_FANOUT_DATA.
 */
import type { BpfInsn } from './afpacket-link.js';

export interface FanoutSpec {
  /** VIP addresses: four host-order words (IPv4 in word 0). */
  vips: readonly { af: 4 | 6; addr: readonly number[] }[];
  /** NAT real servers: replies come from (addr, port); port 0 means any port (fwmark services). */
  natDests: readonly { af: 4 | 6; addr: readonly number[]; port: number }[];
}

/** BPF_MAXINSNS: a longer program is refused by the kernel. */
export const MAX_FANOUT_INSNS = 4096;

// Opcodes (linux/bpf_common.h, linux/filter.h).
export const BPF = {
  LD_W_ABS: 0x20,
  LD_H_ABS: 0x28,
  LD_B_ABS: 0x30,
  LD_W_IND: 0x40,
  LD_H_IND: 0x48,
  LD_B_IND: 0x50,
  LDX_B_MSH: 0xb1,
  JA: 0x05,
  JEQ_K: 0x15,
  JGT_K: 0x25,
  JSET_K: 0x45,
  ALU_RSH_K: 0x74,
  ALU_XOR_X: 0xac,
  TAX: 0x07,
  RET_A: 0x16,
  RET_K: 0x06,
} as const;
/** SKF_AD_OFF + SKF_AD_PROTOCOL: loads the frame's Ethernet type (host order). */
export const SKF_AD_PROTOCOL_K = 0xfffff000;

const ETH_P_IP = 0x0800;
const ETH_P_IPV6 = 0x86dd;
const ICMP = 1;
const TCP = 6;
const UDP = 17;
const ICMPV6 = 58;
/** ICMPv4 error types that quote a packet: unreachable, source quench, redirect, time exceeded, parameter problem. */
const ICMP4_ERRORS = [3, 4, 5, 11, 12];
/** Ports per address group: keeps every conditional jump within its 8-bit offset. */
const PORTS_PER_GROUP = 100;

type Target = number | string; // a relative offset, or a label

interface Pending {
  code: number;
  jt: Target;
  jf: Target;
  k: number | string; // string: label, for ja
}

/** A tiny assembler: labels resolve to relative offsets; conditional ones must fit 8 bits. */
class Asm {
  readonly out: Pending[] = [];
  private readonly labels = new Map<string, number>();

  label(name: string): void {
    this.labels.set(name, this.out.length);
  }
  op(code: number, k: number): void {
    this.out.push({ code, jt: 0, jf: 0, k: k >>> 0 });
  }
  jeq(k: number, jt: Target, jf: Target): void {
    this.out.push({ code: BPF.JEQ_K, jt, jf, k: k >>> 0 });
  }
  jump(code: number, k: number, jt: Target, jf: Target): void {
    this.out.push({ code, jt, jf, k: k >>> 0 });
  }
  ja(label: string): void {
    this.out.push({ code: BPF.JA, jt: 0, jf: 0, k: label });
  }
  /** if A == k goto label (any distance): jeq k, 0, 1; ja label. */
  jeqFar(k: number, label: string): void {
    this.jeq(k, 0, 1);
    this.ja(label);
  }

  resolve(): BpfInsn[] {
    const rel = (t: Target, at: number, cond: boolean): number => {
      if (typeof t === 'number') return t;
      const to = this.labels.get(t);
      if (to === undefined) throw new Error(`fanout bpf: no label ${t}`);
      const d = to - at - 1;
      if (d < 0 || (cond && d > 255)) throw new Error(`fanout bpf: jump to ${t} out of range`);
      return d;
    };
    return this.out.map((p, at) => ({
      code: p.code,
      jt: rel(p.jt, at, true),
      jf: rel(p.jf, at, true),
      k: typeof p.k === 'string' ? rel(p.k, at, false) : p.k,
    }));
  }
}

/** Group NAT dests of one family by address: each address with its ports (empty: any port). */
function groups(spec: FanoutSpec, af: 4 | 6): { addr: readonly number[]; ports: number[] }[] {
  const byAddr = new Map<string, { addr: readonly number[]; ports: number[]; any: boolean }>();
  for (const d of spec.natDests) {
    if (d.af !== af) continue;
    const key = d.addr.slice(0, af === 4 ? 1 : 4).join(',');
    let g = byAddr.get(key);
    if (g === undefined) {
      g = { addr: d.addr, ports: [], any: false };
      byAddr.set(key, g);
    }
    if (d.port === 0) g.any = true;
    else if (!g.ports.includes(d.port)) g.ports.push(d.port);
  }
  const out: { addr: readonly number[]; ports: number[] }[] = [];
  for (const g of byAddr.values()) {
    if (g.any) {
      out.push({ addr: g.addr, ports: [] });
      continue;
    }
    for (let i = 0; i < g.ports.length; i += PORTS_PER_GROUP)
      out.push({ addr: g.addr, ports: g.ports.slice(i, i + PORTS_PER_GROUP) });
  }
  return out;
}

function uniqueAddrs(list: readonly { af: 4 | 6; addr: readonly number[] }[], af: 4 | 6): number[][] {
  const seen = new Map<string, number[]>();
  for (const v of list) {
    if (v.af !== af) continue;
    const words = Array.from(v.addr.slice(0, af === 4 ? 1 : 4), (w) => w >>> 0);
    seen.set(words.join(','), words);
  }
  return [...seen.values()];
}

/**
 * Compare the address at `off` (1 or 4 words) with `words`; on a match fall through into the
 * `body` instructions, else skip past them. `bodyLen` is the body's instruction count.
 */
function matchAddr(a: Asm, off: number, words: readonly number[], bodyLen: number, body: () => void): void {
  const n = words.length;
  for (let w = 0; w < n; w++) {
    a.op(BPF.LD_W_ABS, off + 4 * w);
    // Remaining after this jeq: the (n-1-w) further ld/jeq pairs, then the body.
    a.jeq(words[w]!, 0, 2 * (n - 1 - w) + bodyLen);
  }
  body();
}

/** Fold the 4 words at `off` into A (xor) and go to mix. */
function fold6(a: Asm, off: number): void {
  a.op(BPF.LD_W_ABS, off);
  for (let w = 1; w < 4; w++) {
    a.op(BPF.TAX, 0);
    a.op(BPF.LD_W_ABS, off + 4 * w);
    a.op(BPF.ALU_XOR_X, 0);
  }
  a.ja('mix');
}

/** The program for `spec`. Throws RangeError when it would exceed MAX_FANOUT_INSNS. */
export function fanoutProgram(spec: FanoutSpec): BpfInsn[] {
  const a = new Asm();
  a.op(BPF.LD_W_ABS, SKF_AD_PROTOCOL_K);
  a.jeqFar(ETH_P_IP, 'v4');
  a.jeqFar(ETH_P_IPV6, 'v6');
  a.op(BPF.RET_K, 0);

  // IPv4: offsets from the IP header; X = its length.
  const nat4 = groups(spec, 4);
  const vips4 = uniqueAddrs(spec.vips, 4);
  a.label('v4');
  a.op(BPF.LD_B_ABS, 9);
  a.jeqFar(ICMP, 'v4icmp');
  a.jeq(TCP, 1, 0);
  a.jeq(UDP, 0, 1);
  a.ja('v4ports');
  a.ja('v4src');
  a.label('v4ports');
  a.op(BPF.LD_H_ABS, 6);
  a.jump(BPF.JSET_K, 0x1fff, 0, 1);
  a.ja('v4src');
  a.op(BPF.LDX_B_MSH, 0);
  for (const g of nat4) {
    const bodyLen = g.ports.length === 0 ? 1 : 1 + 2 * g.ports.length;
    matchAddr(a, 12, [g.addr[0]! >>> 0], bodyLen, () => {
      if (g.ports.length === 0) {
        a.ja('v4dst');
        return;
      }
      a.op(BPF.LD_H_IND, 0);
      for (const p of g.ports) a.jeqFar(p, 'v4dst');
    });
  }
  a.ja('v4src');
  a.label('v4icmp');
  for (const v of vips4) matchAddr(a, 16, v, 1, () => a.ja('v4icmpvip'));
  for (const g of uniqueAddrs(spec.natDests, 4)) matchAddr(a, 12, g, 1, () => a.ja('v4dst'));
  a.ja('v4src');
  a.label('v4icmpvip');
  a.op(BPF.LDX_B_MSH, 0);
  a.op(BPF.LD_B_IND, 0);
  ICMP4_ERRORS.forEach((type, i) => a.jeq(type, ICMP4_ERRORS.length - i, 0));
  a.ja('v4src');
  a.op(BPF.LD_W_IND, 8 + 16); // the quoted IPv4 header's destination
  a.ja('mix');
  a.label('v4dst');
  a.op(BPF.LD_W_ABS, 16);
  a.ja('mix');
  a.label('v4src');
  a.op(BPF.LD_W_ABS, 12);
  a.ja('mix');

  // IPv6: fixed 40-byte header, no extension headers walked.
  const nat6 = groups(spec, 6);
  const vips6 = uniqueAddrs(spec.vips, 6);
  a.label('v6');
  a.op(BPF.LD_B_ABS, 6);
  a.jeqFar(ICMPV6, 'v6icmp');
  a.jeq(TCP, 1, 0);
  a.jeq(UDP, 0, 1);
  a.ja('v6ports');
  a.ja('v6src');
  a.label('v6ports');
  for (const g of nat6) {
    const bodyLen = g.ports.length === 0 ? 1 : 1 + 2 * g.ports.length;
    matchAddr(a, 8, g.addr.slice(0, 4), bodyLen, () => {
      if (g.ports.length === 0) {
        a.ja('v6dst');
        return;
      }
      a.op(BPF.LD_H_ABS, 40);
      for (const p of g.ports) a.jeqFar(p, 'v6dst');
    });
  }
  a.ja('v6src');
  a.label('v6icmp');
  for (const v of vips6) matchAddr(a, 24, v, 1, () => a.ja('v6icmpvip'));
  for (const g of uniqueAddrs(spec.natDests, 6)) matchAddr(a, 8, g, 1, () => a.ja('v6dst'));
  a.ja('v6src');
  a.label('v6icmpvip');
  a.op(BPF.LD_B_ABS, 40); // ICMPv6 errors are types 1..4
  a.jump(BPF.JGT_K, 4, 1, 0);
  a.jump(BPF.JGT_K, 0, 1, 0);
  a.ja('v6src');
  fold6(a, 40 + 8 + 24); // the quoted IPv6 header's destination
  a.label('v6dst');
  fold6(a, 24);
  a.label('v6src');
  fold6(a, 8);

  a.label('mix');
  a.op(BPF.TAX, 0);
  a.op(BPF.ALU_RSH_K, 16);
  a.op(BPF.ALU_XOR_X, 0);
  a.op(BPF.RET_A, 0);
  if (a.out.length > MAX_FANOUT_INSNS)
    throw new RangeError(
      `fanout program: ${a.out.length} instructions for ${spec.natDests.length} NAT dests and ` +
        `${spec.vips.length} VIPs exceeds ${MAX_FANOUT_INSNS}`,
    );
  return a.resolve();
}
