/**
 * A small classic BPF interpreter (Documentation/networking/filter.rst) for the instructions
 * src/io/fanout-bpf.ts emits, run the way the kernel runs a fanout program: `pkt` is the packet
 * from its network header on, `protocol` the Ethernet type the SKF_AD_PROTOCOL load returns; an
 * out-of-range load ends the program with 0. Test-only code.
 */
import type { BpfInsn } from '../../src/io/afpacket-link.js';
import { BPF, SKF_AD_PROTOCOL_K } from '../../src/io/fanout-bpf.js';

export function runCbpf(prog: readonly BpfInsn[], pkt: Uint8Array, protocol: number): number {
  let a = 0;
  let x = 0;
  const load = (off: number, size: number): number | null => {
    if (off < 0 || off + size > pkt.length) return null;
    let v = 0;
    for (let i = 0; i < size; i++) v = v * 256 + pkt[off + i]!;
    return v >>> 0;
  };
  for (let pc = 0, steps = 0; pc < prog.length && steps < 100_000; pc++, steps++) {
    const { code, jt, jf, k } = prog[pc]!;
    let v: number | null;
    switch (code) {
      case BPF.LD_W_ABS:
        if (k === SKF_AD_PROTOCOL_K) {
          a = protocol;
          continue;
        }
        if ((v = load(k, 4)) === null) return 0;
        a = v;
        break;
      case BPF.LD_H_ABS:
        if ((v = load(k, 2)) === null) return 0;
        a = v;
        break;
      case BPF.LD_B_ABS:
        if ((v = load(k, 1)) === null) return 0;
        a = v;
        break;
      case BPF.LD_W_IND:
        if ((v = load(x + k, 4)) === null) return 0;
        a = v;
        break;
      case BPF.LD_H_IND:
        if ((v = load(x + k, 2)) === null) return 0;
        a = v;
        break;
      case BPF.LD_B_IND:
        if ((v = load(x + k, 1)) === null) return 0;
        a = v;
        break;
      case BPF.LDX_B_MSH:
        if ((v = load(k, 1)) === null) return 0;
        x = (v & 0xf) * 4;
        break;
      case BPF.JA:
        pc += k;
        break;
      case BPF.JEQ_K:
        pc += a === k >>> 0 ? jt : jf;
        break;
      case BPF.JGT_K:
        pc += a > k >>> 0 ? jt : jf;
        break;
      case BPF.JSET_K:
        pc += (a & k) !== 0 ? jt : jf;
        break;
      case BPF.ALU_RSH_K:
        a = a >>> k;
        break;
      case BPF.ALU_XOR_X:
        a = (a ^ x) >>> 0;
        break;
      case BPF.TAX:
        x = a;
        break;
      case BPF.RET_A:
        return a >>> 0;
      case BPF.RET_K:
        return k >>> 0;
      default:
        throw new Error(`cbpf: opcode 0x${code.toString(16)} not interpreted`);
    }
  }
  throw new Error('cbpf: fell off the end');
}

/** The value the program returns for an address: v ^ (v >>> 16), IPv6 words xor-folded first. */
export function mixOf(words: readonly number[]): number {
  const v = words.reduce((acc, w) => (acc ^ w) >>> 0, 0);
  return (v ^ (v >>> 16)) >>> 0;
}
