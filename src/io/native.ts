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
export const NATIVE_ABI_VERSION = 1;

/** Probe results: 0 when the capability works, else -errno from the failing call. */
export interface NativeProbe {
  afPacket: number;
  tpacketV3: number;
  fanout: number;
  ignoreOutgoing: number;
  tun: number;
  rawIpip: number;
}

export interface NativeAddon {
  abiVersion(): number;
  probe(): NativeProbe;
}

const FUNCTIONS = ['abiVersion', 'probe'] as const;

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
