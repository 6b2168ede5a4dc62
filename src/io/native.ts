/**
 * Loads and types the native addon (native/, built by node-gyp into build/Release).
 *
 * Owns: the only `require` of the .node file. Checks at load time that every function the
 * typed interface promises exists, so a stale or partial build fails here with a clear error
 * instead of deep in the data path. The ABI is documented in native/README.md.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { join, dirname } from 'node:path';

/** The ABI version this TypeScript expects; native/src/addon.cc kAbiVersion must match. */
export const NATIVE_ABI_VERSION = 3;

/** Probe results: 0 when the capability works, else -errno from the failing call. */
export interface NativeProbe {
  afPacket: number;
  tpacketV3: number;
  fanout: number;
  ignoreOutgoing: number;
  tun: number;
  rawIpip: number;
}

/** afpacketOpen options (native/README.md); omitted fields take the addon's defaults. */
export interface NativeAfPacketOptions {
  ifname: string;
  netns?: string;
  blockSize?: number;
  blockCount?: number;
  frameSize?: number;
  retireTovMs?: number;
  fanoutGroup?: number;
  fanoutMode?: number;
  ignoreOutgoing?: boolean;
  qdiscBypass?: boolean;
  /** PACKET_VNET_HDR: GSO super-frames and partial checksums in, offloads out (native/README.md). */
  vnetHdr?: boolean;
  /** Classic BPF, four words per instruction: code, jt, jf, k. */
  filter?: Uint32Array;
  /** The fanout group's classic BPF program (fanoutMode 6, PACKET_FANOUT_CBPF), same encoding. */
  fanoutProgram?: Uint32Array;
}

export interface NativeTunOptions {
  name?: string;
  netns?: string;
}

export interface NativeRawIpOptions {
  /** 4 (IPPROTO_IPIP, receive) or 255 (IPPROTO_RAW, send with the caller's IPv4 header). */
  protocol: number;
  ifname?: string;
  netns?: string;
}

export interface NativeLinkInfo {
  name: string;
  ifindex: number;
  mtu: number;
  mac: number[];
}

/** Index of each counter in the Float64Array filled by stats(). */
export const STATS_FIELDS = [
  'kernelPackets',
  'kernelDrops',
  'freezeQueue',
  'rxFrames',
  'rxOversize',
  'rxTruncated',
  'txFrames',
  'txRejected',
  'txBusy',
  'rxGso',
  'txGso',
] as const;
export type NativeStatsField = (typeof STATS_FIELDS)[number];

/** meta bit the addon sets on received frames (same value as wire's META_CSUM_PARTIAL). */
export const NATIVE_META_CSUM_PARTIAL = 0x1;

export interface NativeAddon {
  abiVersion(): number;
  probe(): NativeProbe;
  afpacketOpen(opts: NativeAfPacketOptions): number;
  tunOpen(opts: NativeTunOptions): number;
  rawIpOpen(opts: NativeRawIpOptions): number;
  recvBatch(
    handle: number,
    data: Uint8Array,
    off: Int32Array,
    len: Int32Array,
    meta: Uint32Array,
    csumStart: Uint16Array,
    csumOff: Uint16Array,
    gsoType: Uint8Array,
    gsoSize: Uint16Array,
    slotSize: number,
    headroom: number,
    max: number,
  ): number;
  sendBatch(
    handle: number,
    data: Uint8Array,
    off: Int32Array,
    len: Int32Array,
    meta: Uint32Array,
    csumStart: Uint16Array,
    csumOff: Uint16Array,
    gsoType: Uint8Array,
    gsoSize: Uint16Array,
    count: number,
  ): number;
  /** Replaces the PACKET_FANOUT_CBPF group's program: 0 or -errno. */
  fanoutProgram(handle: number, filter: Uint32Array): number;
  wait(handle: number, timeoutMs: number): number;
  pollStart(handle: number, cb: (status: number) => void): number;
  pollStop(handle: number): number;
  stats(handle: number, out: Float64Array): number;
  linkInfo(handle: number): NativeLinkInfo | number;
  fd(handle: number): number;
  close(handle: number): number;
  lastError(): string;
}

const FUNCTIONS = [
  'abiVersion',
  'probe',
  'afpacketOpen',
  'tunOpen',
  'rawIpOpen',
  'recvBatch',
  'sendBatch',
  'wait',
  'pollStart',
  'pollStop',
  'stats',
  'linkInfo',
  'fd',
  'close',
  'lastError',
  'fanoutProgram',
] as const satisfies readonly (keyof NativeAddon)[];

let cached: NativeAddon | null = null;

/** Path of the built addon: <project>/build/Release/uvs_native.node. */
export function nativeAddonPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // src/io (tsx) and dist/src/io (compiled) are two and three levels below the project root.
  const root = here.includes(`${join('dist', 'src')}`)
    ? join(here, '..', '..', '..')
    : join(here, '..', '..');
  return join(root, 'build', 'Release', 'uvs_native.node');
}

export function loadNative(): NativeAddon {
  if (cached) return cached;
  const path = nativeAddonPath();
  const require = createRequire(import.meta.url);
  let mod: unknown;
  try {
    mod = require(path);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(`cannot load the uvs native addon at ${path} (run \`npm install\` to build it): ${why}`);
  }
  for (const fn of FUNCTIONS) {
    if (typeof (mod as Record<string, unknown>)[fn] !== 'function') {
      throw new Error(
        `the uvs native addon at ${path} has no function ${fn}(): rebuild it with \`npm install\``,
      );
    }
  }
  const addon = mod as NativeAddon;
  const abi = addon.abiVersion();
  if (abi !== NATIVE_ABI_VERSION) {
    throw new Error(
      `the uvs native addon at ${path} has ABI ${abi}, expected ${NATIVE_ABI_VERSION}: rebuild it`,
    );
  }
  cached = addon;
  return addon;
}

/** Names of the probes, for reports. */
export const PROBE_NAMES: readonly (keyof NativeProbe)[] = [
  'afPacket',
  'tpacketV3',
  'fanout',
  'ignoreOutgoing',
  'tun',
  'rawIpip',
];
