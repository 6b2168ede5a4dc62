/**
 * engine-harness: an Engine set up the way the kernel cases are (fixed seed, local MAC
 * 02:00:00:00:00:fe, local addresses 10.0.0.254 and fd00::fe, static neighbours, services from
 * ipvsadm-save text through the control plane's parser and loader) and a `send()` that runs one
 * frame through `processBatch` with a FrameBatch of one slot, returning the transmitted bytes and
 * what happened to the frame (its verdict and the drop counter it moved).
 *
 * Static neighbours: every dest in the rules gets MAC 02:00:00:00:00:<last byte of its address>
 * (the kernel cases' convention, see `macFor`); `neighbors: false` leaves them unresolved.
 * Frame helpers build client frames (from the client's conventional MAC to the director) and the
 * frames expected out of the director, with the wire builder (full checksums).
 * Test-only code: allocates freely.
 */
import { loadRuleSet } from '../../src/control/engine-apply.js';
import { parseRulesFile } from '../../src/control/rules-file.js';
import { setNeighbor } from '../../src/engine/engine-config.js';
import { Engine, type EngineOptions } from '../../src/engine/engine.js';
import type { Dest } from '../../src/engine/service/dest.js';
import type { Service } from '../../src/engine/service/service.js';
import type { EngineState } from '../../src/engine/state.js';
import { DROP_NAMES } from '../../src/engine/verdict.js';
import { buildFrame, type FrameSpec, type PacketSpec } from '../../src/wire/builder.js';
import { FrameBatch } from '../../src/wire/frame-batch.js';
import { parseIpv4Addr, parseIpv6Addr } from '../../src/wire/addr.js';

export const LOCAL_MAC = 0x0200000000fe;
export const LOCAL_IP4_TEXT = '10.0.0.254';
export const LOCAL_IP6_TEXT = 'fd00::fe';
export const SEED = 1;

/** An IPv4 address as a host-order number. */
export function ip4(text: string): number {
  const a = parseIpv4Addr(text);
  if (a === null) throw new Error('ip4: bad address ' + text);
  return a;
}

/** An IPv6 address as four host-order words. */
export function ip6(text: string): Uint32Array {
  const a = parseIpv6Addr(text);
  if (a === null) throw new Error('ip6: bad address ' + text);
  return a;
}

/** Four-word form of an IPv4 address (the engine's address words). */
export function words4(text: string): Uint32Array {
  return Uint32Array.of(ip4(text), 0, 0, 0);
}

/** The conventional MAC of a host: 02:00:00:00:00:<last byte of its address>. */
export function macFor(addr: number | Uint32Array): number {
  const last = typeof addr === 'number' ? addr & 0xff : addr[3]! & 0xff;
  return 0x020000000000 + last;
}

export const LOCAL_IP4 = ip4(LOCAL_IP4_TEXT);
export const LOCAL_IP6 = ip6(LOCAL_IP6_TEXT);

export type VerdictName = 'tx' | 'pass' | 'drop';

export interface Sent {
  /** The transmitted frame (a copy), or null when nothing was transmitted. */
  out: Uint8Array | null;
  verdict: VerdictName;
  /** The drop counter this frame moved (DROP_NAMES), or null; set also when a reply was sent. */
  drop: string | null;
}

export interface EngineSetup extends Partial<EngineOptions> {
  /** ipvsadm-save text (`-A`, `-a`, `--set` lines; `#` comments allowed). */
  rules: string;
  /** Give every dest its conventional MAC (default true). */
  neighbors?: boolean;
  /** Slot size of the one-frame batch (default 2048) and its headroom (default 128). */
  slotSize?: number;
  headroom?: number;
}

export interface EngineHarness {
  engine: Engine;
  st: EngineState;
  /** Run one frame through processBatch at `nowMs`. */
  send(frame: Uint8Array, nowMs: number, meta?: number): Sent;
  /** The service `-t|-u addr:port` (e.g. '-t 10.0.0.90:80', '-u [fd00::10]:53'). */
  svc(key: string): Service;
  /** The dest 'addr:port' or '[addr6]:port' of a service. */
  dest(svcKey: string, destKey: string): Dest;
  /** Non-zero drop counters by name. */
  drops(): Record<string, number>;
}

function splitHostPort(text: string): { host: string; port: number; af: 4 | 6 } {
  const m = /^\[(.*)\]:(\d+)$/.exec(text) ?? /^([^:]*):(\d+)$/.exec(text);
  if (!m) throw new Error('bad addr:port ' + text);
  const host = m[1]!;
  return { host, port: Number(m[2]), af: host.includes(':') ? 6 : 4 };
}

function addrWordsOf(af: 4 | 6, host: string): Uint32Array {
  return af === 4 ? words4(host) : ip6(host);
}

/** An engine loaded with `setup.rules`, ready for send(). */
export function withEngine(setup: EngineSetup): EngineHarness {
  const opts: EngineOptions = {
    localMac: setup.localMac ?? LOCAL_MAC,
    localIp4: setup.localIp4 ?? LOCAL_IP4,
    localIp6: setup.localIp6 === undefined ? LOCAL_IP6 : setup.localIp6,
    seed: setup.seed ?? SEED,
  };
  for (const k of [
    'capacity',
    'v6Capacity',
    'mtu',
    'answerNeighbor',
    'expireNodestConn',
    'expireQuiescentTemplate',
    'secureTcp',
    'offload',
  ] as const) {
    if (setup[k] !== undefined) (opts as unknown as Record<string, unknown>)[k] = setup[k];
  }
  const engine = new Engine(opts);
  const st = engine.state;
  const parsed = parseRulesFile(setup.rules);
  if (!parsed.ok) throw parsed.error;
  loadRuleSet(st, parsed.ruleset, parsed.timeouts);
  if (setup.neighbors !== false) {
    for (const d of st.dests)
      if (d !== null) setNeighbor(st, d.af, d.addr, macFor(d.af === 4 ? d.addr[0]! : d.addr));
  }
  const rx = new FrameBatch(1, setup.slotSize ?? 2048, setup.headroom ?? 128);
  const tx = rx.txView();

  const send = (frame: Uint8Array, nowMs: number, meta = 0): Sent => {
    const dropsBefore = Array.from(st.drops);
    const passedBefore = st.passed;
    if (!rx.put(0, frame, meta)) throw new Error('send: frame does not fit the slot');
    rx.count = 1;
    const n = engine.processBatch(rx, nowMs, tx);
    let drop: string | null = null;
    for (let r = 0; r < dropsBefore.length; r++) {
      if (st.drops[r]! !== dropsBefore[r]!) {
        if (drop !== null) throw new Error('send: two drop counters moved for one frame');
        if (st.drops[r]! !== dropsBefore[r]! + 1)
          throw new Error('send: a drop counter moved by more than 1');
        drop = DROP_NAMES[r]!;
      }
    }
    if (n > 0) {
      const o = tx.off[0] ?? 0;
      const out = Uint8Array.from(tx.data.subarray(o, o + (tx.len[0] ?? 0)));
      return { out, verdict: 'tx', drop };
    }
    return { out: null, verdict: st.passed !== passedBefore ? 'pass' : 'drop', drop };
  };

  const svc = (key: string): Service => {
    const [flag, ap] = key.trim().split(/\s+/);
    const proto = flag === '-t' ? 6 : flag === '-u' ? 17 : -1;
    const { host, port, af } = splitHostPort(ap ?? '');
    const vaddr = addrWordsOf(af, host);
    for (const s of st.services.all) {
      if (s.af === af && s.proto === proto && s.vport === port && s.vaddr.every((w, i) => w === vaddr[i]))
        return s;
    }
    throw new Error('no service ' + key);
  };

  const dest = (svcKey: string, destKey: string): Dest => {
    const s = svc(svcKey);
    const { host, port, af } = splitHostPort(destKey);
    const d = s.findDest(addrWordsOf(af, host), port);
    if (d === null) throw new Error('no dest ' + destKey + ' in ' + svcKey);
    return d;
  };

  const drops = (): Record<string, number> => {
    const r: Record<string, number> = {};
    DROP_NAMES.forEach((name, i) => {
      if (st.drops[i]! !== 0) r[name] = st.drops[i]!;
    });
    return r;
  };

  return { engine, st, send, svc, dest, drops };
}

/** A frame from `srcMac` (default: the conventional MAC of the source address) to the director. */
export function clientFrame(spec: PacketSpec, srcMac?: number, pad = false): Uint8Array {
  const full: FrameSpec = { ...spec, eth: { src: srcMac ?? macFor(spec.ip.src), dst: LOCAL_MAC }, pad };
  return buildFrame(full);
}

/** A frame from the director to `dstMac`. */
export function directorFrame(spec: PacketSpec, dstMac: number): Uint8Array {
  return buildFrame({ ...spec, eth: { src: LOCAL_MAC, dst: dstMac } });
}

/** The IP packet (after the 14-byte Ethernet header) of an untagged frame. */
export function ipOf(frame: Uint8Array): Uint8Array {
  return frame.subarray(14);
}

/** The per-counter view of a Stats for deepEqual. */
export function statsOf(s: {
  conns: number;
  inPkts: number;
  outPkts: number;
  inBytes: number;
  outBytes: number;
}): [number, number, number, number, number] {
  return [s.conns, s.inPkts, s.outPkts, s.inBytes, s.outBytes];
}

/** The index of the live conn for this client -> VIP tuple, or -1 (looks without expiring anything). */
export function findConn(
  st: EngineState,
  af: 4 | 6,
  proto: number,
  caddr: string,
  cport: number,
  vaddr: string,
  vport: number,
): number {
  const c = af === 4 ? words4(caddr) : ip6(caddr);
  const v = af === 4 ? words4(vaddr) : ip6(vaddr);
  return st.conns.lookupIn(af, proto, c, cport, v, vport, -Infinity);
}

export interface SegOpts {
  ttl?: number;
  id?: number;
  df?: boolean;
  seq?: number;
  ack?: number;
  payload?: Uint8Array;
}

/** A TCP segment spec (IPv4 when the addresses are dotted, else IPv6). */
export function tcpSpec(
  src: string,
  sport: number,
  dst: string,
  dport: number,
  flags: number,
  o: SegOpts = {},
): PacketSpec {
  return {
    ip: ipSpec(src, dst, o),
    l4: { kind: 'tcp', srcPort: sport, dstPort: dport, flags, seq: o.seq ?? 1000, ack: o.ack ?? 0 },
    ...(o.payload ? { payload: o.payload } : {}),
  };
}

/** A UDP datagram spec. */
export function udpSpec(src: string, sport: number, dst: string, dport: number, o: SegOpts = {}): PacketSpec {
  return {
    ip: ipSpec(src, dst, o),
    l4: { kind: 'udp', srcPort: sport, dstPort: dport },
    payload: o.payload ?? Uint8Array.of(1, 2, 3, 4),
  };
}

function ipSpec(src: string, dst: string, o: SegOpts): PacketSpec['ip'] {
  if (src.includes(':')) return { v: 6, src: ip6(src), dst: ip6(dst), hopLimit: o.ttl ?? 64 };
  return { v: 4, src: ip4(src), dst: ip4(dst), ttl: o.ttl ?? 64, id: o.id ?? 0, df: o.df ?? true };
}

/** The last byte of an output frame's destination MAC: which host it went to. */
export function toHost(out: Uint8Array | null): number {
  return out === null ? -1 : out[5]!;
}

export const SYN = 0x02;
export const ACK = 0x10;
export const FIN = 0x01;
export const RST = 0x04;
export const PSH = 0x08;
