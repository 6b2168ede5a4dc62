// Reload by diff (SIGHUP, control-socket changes): untouched services keep their conns, counters
// and scheduler position; changed services and dests are edited in place; new dests go to the
// head of the list as ipvsadm -a puts them; an error applies nothing.
import test from 'ava';
import { Engine } from '../../../src/engine/engine.js';
import { setNeighbor } from '../../../src/engine/engine-config.js';
import { FrameBatch } from '../../../src/wire/frame-batch.js';
import { buildFrame } from '../../../src/wire/index.js';
import { parseRulesFile } from '../../../src/control/rules-file.js';
import { loadRuleSet, planSync, syncRuleSet } from '../../../src/control/engine-apply.js';
import { UvsError } from '../../../src/control/errors.js';
import type { RuleSet } from '../../../src/control/model.js';

const MAC = 0x0200000000fe;
const rules = (text: string): RuleSet => {
  const r = parseRulesFile(text);
  if (!r.ok) throw r.error;
  return r.ruleset;
};
const A = rules(`-A -t 10.0.0.10:80 -s rr
-a -t 10.0.0.10:80 -r 10.0.1.1:80 -g -w 1
-a -t 10.0.0.10:80 -r 10.0.1.2:80 -g -w 1
-A -t 10.0.0.20:80 -s wlc
-a -t 10.0.0.20:80 -r 10.0.1.21:80 -m -w 1
`);

function setup() {
  const engine = new Engine({ localMac: MAC, localIp4: 0x0a0000fe, seed: 1 });
  loadRuleSet(engine.state, A, null);
  for (const last of [1, 2, 3, 21, 22])
    setNeighbor(engine.state, 4, Uint32Array.of(0x0a000100 + last, 0, 0, 0), 0x020000000000 + last);
  const rx = new FrameBatch(1);
  const tx = rx.txView();
  /** A SYN from 192.168.1.<c>:<port> to vip:80; returns the dest MAC's last byte, or -1. */
  const syn = (vip: number, c: number, port: number, now: number): number => {
    const f = buildFrame({
      eth: { src: 0x020000000000 + c, dst: MAC },
      ip: { v: 4, src: 0xc0a80100 + c, dst: vip, ttl: 64 },
      l4: { kind: 'tcp', srcPort: port, dstPort: 80, flags: 0x02, seq: 1 },
    });
    rx.put(0, f);
    rx.count = 1;
    return engine.processBatch(rx, now, tx) === 1 ? tx.data[tx.off[0]! + 5]! : -1;
  };
  return { engine, syn };
}

test('untouched services keep conns, counters and rr position across a reload', (t) => {
  const { engine, syn } = setup();
  const st = engine.state;
  t.is(syn(0x0a00000a, 101, 1000, 0), 2, 'rr: newest first');
  const svc = st.services.all[0]!;
  const conns = st.conns.count;
  const B = rules(`-A -t 10.0.0.10:80 -s rr
-a -t 10.0.0.10:80 -r 10.0.1.1:80 -g -w 1
-a -t 10.0.0.10:80 -r 10.0.1.2:80 -g -w 1
-A -t 10.0.0.20:80 -s wlc
-a -t 10.0.0.20:80 -r 10.0.1.21:80 -m -w 5
-a -t 10.0.0.20:80 -r 10.0.1.22:80 -m -w 1
`);
  const steps = planSync(A, B);
  t.deepEqual(
    steps.map((s) => s.kind),
    ['edit-dest', 'add-dest'],
  );
  syncRuleSet(st, A, B);
  t.is(st.services.all[0], svc, 'same service object');
  t.is(st.conns.count, conns, 'its conn survives');
  t.is(svc.stats.conns, 1);
  t.is(syn(0x0a00000a, 102, 1000, 1), 1, 'rr continues where it was');
  const svc2 = st.services.all[1]!;
  t.deepEqual(
    svc2.dests.map((d) => d.addr[0]! & 0xff),
    [22, 21],
    'new dest at the head',
  );
  t.is(svc2.dests[1]!.weight, 5);
});

test('removed services and dests go; re-adding a service starts fresh', (t) => {
  const { engine } = setup();
  const st = engine.state;
  const B = rules(`-A -t 10.0.0.10:80 -s rr
-a -t 10.0.0.10:80 -r 10.0.1.2:80 -g -w 1
`);
  syncRuleSet(st, A, B);
  t.is(st.services.all.length, 1);
  t.deepEqual(
    st.services.all[0]!.dests.map((d) => d.addr[0]! & 0xff),
    [2],
  );
  syncRuleSet(st, B, A);
  t.is(st.services.all.length, 2);
  t.deepEqual(
    st.services.all[0]!.dests.map((d) => d.addr[0]! & 0xff),
    [1, 2],
    '.1 re-added goes to the head',
  );
});

test('an unsupported change throws before anything is applied', (t) => {
  const { engine } = setup();
  const st = engine.state;
  const B = rules(`-A -t 10.0.0.10:80 -s rr
-A -f 5 -s rr
`);
  t.throws(() => syncRuleSet(st, A, B), { instanceOf: UvsError, message: /firewall-mark/ });
  t.is(st.services.all.length, 2, 'nothing deleted');
  t.is(st.services.all[0]!.dests.length, 2);
});
