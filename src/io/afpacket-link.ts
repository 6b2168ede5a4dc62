/**
 * AfPacketLink: an AF_PACKET socket bound to one interface with a TPACKET_V3 RX ring
 * (native/src/afpacket.cc), sending with sendmmsg from the FrameBatch itself.
 *
 * Defaults follow reference/performance.md Part A: 32 blocks of 256 KiB, block retire timeout
 * 1 ms (a lone frame waits at most ~1 ms), PACKET_IGNORE_OUTGOING (never see our own sends; also
 * set as the fanout group flag), PACKET_QDISC_BYPASS. Fanout (one socket per worker, hash mode)
 * keeps each flow on one socket; mode 'cbpf' lets a classic BPF program pick the socket
 * (fanout-bpf.ts builds uvsd's, symmetric for NAT), installed at open and replaced with
 * setFanoutProgram(). bpfFilter() builds the classic BPF program that lets only IPv4/IPv6/ARP
 * (optionally only given IPv4 destinations) into the ring.
 * Received frames carry META_CSUM_PARTIAL when the kernel says TP_STATUS_CSUMNOTREADY; VLAN tags
 * taken off by acceleration are written back into the frame.
 * Offloads (`vnetHdr: true`, PACKET_VNET_HDR): the link's `offload` is true; GSO super-frames
 * (veth TSO, GRO) arrive whole with gsoType/gsoSize, so the receive batch needs slots of
 * GSO_SLOT_SIZE; send passes each frame's partial checksum and GSO size to the kernel, which
 * finishes and segments on transmit. Without it, super-frames are skipped (rxOversize or
 * rxTruncated) and partial checksums must be completed before send.
 * Follows: Documentation/networking/packet_mmap.rst, Documentation/networking/filter.rst.
 */
import { NativeLink, openHandle } from './native-link.js';
import { LinkError } from './link.js';
import type { NativeAfPacketOptions } from './native.js';

export type FanoutMode = 'hash' | 'lb' | 'cpu' | 'rollover' | 'rnd' | 'qm' | 'cbpf';
const FANOUT_MODES: Record<FanoutMode, number> = {
  hash: 0,
  lb: 1,
  cpu: 2,
  rollover: 3,
  rnd: 4,
  qm: 5,
  cbpf: 6,
};

export interface BpfInsn {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

export interface AfPacketLinkOptions {
  ifname: string;
  /** Open the socket inside this network namespace (name under /run/netns, or a path). */
  netns?: string;
  blockSize?: number;
  blockCount?: number;
  retireTovMs?: number;
  /** mode 'cbpf': `program` picks the socket (its return value modulo the group size). */
  fanout?: { group: number; mode?: FanoutMode; program?: readonly BpfInsn[] };
  ignoreOutgoing?: boolean;
  qdiscBypass?: boolean;
  /** PACKET_VNET_HDR (see the header). Default false. */
  vnetHdr?: boolean;
  filter?: readonly BpfInsn[];
}

export class AfPacketLink extends NativeLink {
  private constructor(
    native: ReturnType<typeof openHandle>['native'],
    handle: number,
    ifname: string,
    offload: boolean,
  ) {
    super(native, handle, 'AF_PACKET', ifname, offload);
  }

  /**
   * Replaces the classic BPF program of this socket's 'cbpf' fanout group (shared by every
   * member). Throws LinkError when the kernel refuses it (not a cbpf group, invalid program).
   */
  setFanoutProgram(program: readonly BpfInsn[]): void {
    const rc = this.native.fanoutProgram(this.handle, encodeBpf(program));
    if (rc < 0) throw new LinkError('AF_PACKET', this.name, 'setsockopt(PACKET_FANOUT_DATA)', -rc);
  }

  /** Opens the socket; throws LinkError naming the interface, the failing step and the errno. */
  static open(opts: AfPacketLinkOptions): AfPacketLink {
    const o: NativeAfPacketOptions = { ifname: opts.ifname };
    if (opts.netns !== undefined) o.netns = opts.netns;
    if (opts.blockSize !== undefined) o.blockSize = opts.blockSize;
    if (opts.blockCount !== undefined) o.blockCount = opts.blockCount;
    if (opts.retireTovMs !== undefined) o.retireTovMs = opts.retireTovMs;
    if (opts.fanout !== undefined) {
      o.fanoutGroup = opts.fanout.group;
      o.fanoutMode = FANOUT_MODES[opts.fanout.mode ?? 'hash'];
      if (opts.fanout.program !== undefined) o.fanoutProgram = encodeBpf(opts.fanout.program);
    }
    if (opts.vnetHdr !== undefined) o.vnetHdr = opts.vnetHdr;
    if (opts.ignoreOutgoing !== undefined) o.ignoreOutgoing = opts.ignoreOutgoing;
    if (opts.qdiscBypass !== undefined) o.qdiscBypass = opts.qdiscBypass;
    if (opts.filter !== undefined) o.filter = encodeBpf(opts.filter);
    const { native, handle } = openHandle('AF_PACKET', opts.ifname, opts.netns ?? '', (n) =>
      n.afpacketOpen(o),
    );
    return new AfPacketLink(native, handle, opts.ifname, opts.vnetHdr === true);
  }
}

/** Four words per instruction (code, jt, jf, k), the layout afpacketOpen takes. */
export function encodeBpf(prog: readonly BpfInsn[]): Uint32Array {
  const out = new Uint32Array(prog.length * 4);
  prog.forEach((insn, i) => {
    out.set([insn.code, insn.jt, insn.jf, insn.k >>> 0], i * 4);
  });
  return out;
}

const LDH_ABS = 0x28; // BPF_LD | BPF_H | BPF_ABS
const LDW_ABS = 0x20; // BPF_LD | BPF_W | BPF_ABS
const JEQ_K = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
const RET_K = 0x06; // BPF_RET | BPF_K
const ACCEPT = 0x40000; // bytes kept: the whole frame
const ETH_P_IP = 0x0800;
const ETH_P_IPV6 = 0x86dd;
const ETH_P_ARP = 0x0806;
/** Jump offsets are 8 bits: the accept instruction must stay within 255 of every jeq. */
const MAX_FILTER_DST = 240;

/**
 * A classic BPF program accepting ARP, IPv6, and IPv4 (only to `ipv4Dst`, host-order uint32s,
 * when given). Untagged frames only: VLAN-accelerated tags are not in the filtered bytes.
 */
export function bpfFilter(opts: { ipv4Dst?: readonly number[] } = {}): BpfInsn[] {
  const dst = opts.ipv4Dst ?? [];
  if (dst.length > MAX_FILTER_DST)
    throw new RangeError(`bpfFilter: at most ${MAX_FILTER_DST} IPv4 destinations`);
  const ins = (code: number, jt: number, jf: number, k: number): BpfInsn => ({ code, jt, jf, k });
  const prog: BpfInsn[] = [ins(LDH_ABS, 0, 0, 12)];
  if (dst.length === 0) {
    // 1: ip? 2: ipv6? 3: arp? 4: drop 5: accept
    prog.push(ins(JEQ_K, 3, 0, ETH_P_IP), ins(JEQ_K, 2, 0, ETH_P_IPV6), ins(JEQ_K, 1, 0, ETH_P_ARP));
    prog.push(ins(RET_K, 0, 0, 0), ins(RET_K, 0, 0, ACCEPT));
    return prog;
  }
  // 1: ipv6? -> accept  2: arp? -> accept  3: ip? else drop  4: ld dst  5..: jeq each  then drop, accept
  const n = dst.length;
  const acceptAt = 5 + n + 1; // index of the accept instruction
  prog.push(ins(JEQ_K, acceptAt - 2, 0, ETH_P_IPV6));
  prog.push(ins(JEQ_K, acceptAt - 3, 0, ETH_P_ARP));
  prog.push(ins(JEQ_K, 0, acceptAt - 1 - 4, ETH_P_IP));
  prog.push(ins(LDW_ABS, 0, 0, 30));
  dst.forEach((addr, i) => {
    const here = 5 + i;
    prog.push(ins(JEQ_K, acceptAt - here - 1, 0, addr >>> 0));
  });
  prog.push(ins(RET_K, 0, 0, 0), ins(RET_K, 0, 0, ACCEPT));
  return prog;
}
