// The native addon loads, has the ABI this TypeScript expects, and its probes report what the
// kernel really offers (each probe is checked against an independent observation).
import test from 'ava';
import { existsSync, readdirSync } from 'node:fs';
import { loadNative, NATIVE_ABI_VERSION, PROBE_NAMES } from '../../src/io/native.js';

const isRoot = process.getuid?.() === 0;

test('addon loads with the expected ABI version', (t) => {
  const addon = loadNative();
  t.is(addon.abiVersion(), NATIVE_ABI_VERSION);
});

test('probe reports a number for every capability', (t) => {
  const result = loadNative().probe();
  t.deepEqual(Object.keys(result).sort(), [...PROBE_NAMES].sort());
  for (const name of PROBE_NAMES) {
    t.true(Number.isInteger(result[name]) && result[name] <= 0, name);
  }
});

test('probe: AF_PACKET and TPACKET_V3 follow privilege (CAP_NET_RAW)', (t) => {
  const r = loadNative().probe();
  if (isRoot) {
    t.is(r.afPacket, 0);
    t.is(r.tpacketV3, 0);
    t.is(r.ignoreOutgoing, 0);
    t.is(r.fanout, 0);
  } else {
    t.is(r.afPacket, -1); // EPERM
  }
});

test('probe: TUN matches the presence of /dev/net/tun', (t) => {
  const r = loadNative().probe();
  if (!existsSync('/dev/net/tun'))
    t.is(r.tun, -2); // ENOENT
  else if (isRoot) t.is(r.tun, 0);
  else t.pass();
});

test('probe does not leak file descriptors', (t) => {
  if (!existsSync('/proc/self/fd')) {
    t.pass();
    return;
  }
  const before = countFds();
  for (let i = 0; i < 200; i++) loadNative().probe();
  t.is(countFds(), before);
});

function countFds(): number {
  return readdirSync('/proc/self/fd').length;
}
