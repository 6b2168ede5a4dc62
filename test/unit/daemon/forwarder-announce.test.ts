// A forwarder announces its VIPs: gratuitous ARP (IPv4) and unsolicited NA (IPv6) when a VIP
// appears, once more 5 s later, then not again; a VIP removed and added back is announced anew.
import test from 'ava';
import { Forwarder } from '../../../src/daemon/forwarder.js';
import { MemoryLink } from '../../../src/io/memory-link.js';
import { parseRulesFile } from '../../../src/control/rules-file.js';
import type { RuleSet } from '../../../src/control/model.js';
import { buildGratuitousArp, buildUnsolicitedNa } from '../../../src/engine/announce.js';

const MAC = 0x0200000000fe;
const rules = (text: string): RuleSet => {
  const r = parseRulesFile(text);
  if (!r.ok) throw r.error;
  return r.ruleset;
};
const BOTH = rules('-A -t 10.0.0.10:80 -s rr\n-A -u 10.0.0.10:53 -s rr\n-A -t [fd00::a]:80 -s rr\n');
const garp = (vip: number) => {
  const b = new Uint8Array(42);
  buildGratuitousArp(b, 0, MAC, vip);
  return b;
};
const na = (vip: Uint32Array) => {
  const b = new Uint8Array(86);
  buildUnsolicitedNa(b, 0, MAC, vip);
  return b;
};
const tick = () => new Promise((r) => setTimeout(r, 150));

test('VIPs are announced when they appear, once more after 5 s, and anew after a remove and re-add', async (t) => {
  let now = 0;
  const link = new MemoryLink();
  const fwd = new Forwarder(
    {
      localMac: MAC,
      localIp4: 0x0a0000fe,
      localIp6: null,
      mtu: 1500,
      seed: 1,
      capacity: 64,
      neighbors: [],
      rules: BOTH,
      timeouts: null,
    },
    [link],
    () => now,
  );
  fwd.start();
  try {
    const first = link.collect();
    t.deepEqual(
      first,
      [garp(0x0a00000a), na(Uint32Array.of(0xfd000000, 0, 0, 0xa))],
      'one per VIP, not per service',
    );
    now = 4999;
    await tick();
    t.deepEqual(link.collect(), []);
    now = 5000;
    await tick();
    t.is(link.collect().length, 2, 'the repeat');
    now = 20_000;
    await tick();
    t.deepEqual(link.collect(), [], 'then quiet');
    const v4only = rules('-A -t 10.0.0.10:80 -s rr\n');
    fwd.plane.sync(BOTH, v4only);
    await tick();
    fwd.plane.sync(v4only, BOTH);
    await tick();
    t.deepEqual(link.collect(), [na(Uint32Array.of(0xfd000000, 0, 0, 0xa))], 'the returning VIP only');
  } finally {
    await fwd.stop();
  }
});
