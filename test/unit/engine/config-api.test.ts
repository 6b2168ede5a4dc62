// The engine's configuration methods: error codes, list order, dest retirement and id reuse,
// scheduler changes, --set and per-service timeouts, neighbours, zeroing.
import test from 'ava';
import { Engine } from '../../../src/engine/engine.js';
import {
  addDest,
  addService,
  clearAll,
  ConfigErr,
  delDest,
  delService,
  editDest,
  editService,
  getTimeouts,
  setNeighbor,
  setServiceTimeouts,
  setTimeouts,
  zeroStats,
  type DestParams,
  type ServiceParams,
} from '../../../src/engine/engine-config.js';
import { TcpState } from '../../../src/engine/conn/tcp-state.js';
import { DEST_F_AVAILABLE, DEST_F_OVERLOAD, Fwd } from '../../../src/engine/service/dest.js';

const ip = (s: string) =>
  Uint32Array.of(s.split('.').reduce((a, o) => a * 256 + Number(o), 0) >>> 0, 0, 0, 0);
const svcParams = (over: Partial<ServiceParams> = {}): ServiceParams => ({
  af: 4,
  proto: 6,
  vaddr: ip('10.0.0.10'),
  vport: 80,
  sched: 'rr',
  flags: 0,
  persistSec: 0,
  netmask: Uint32Array.of(0xffffffff, 0, 0, 0),
  ...over,
});
const destParams = (addr: string, over: Partial<DestParams> = {}): DestParams => ({
  af: 4,
  addr: ip(addr),
  port: 80,
  fwd: Fwd.Dr,
  weight: 1,
  uThreshold: 0,
  lThreshold: 0,
  ...over,
});

function engine() {
  return new Engine({ localMac: 0x0200000000fe, localIp4: 0x0a0000fe, seed: 1 }).state;
}

test('services: duplicate refused, unknown scheduler refused, family mismatch for dests refused', (t) => {
  const st = engine();
  const id = addService(st, svcParams());
  t.true(id >= 0);
  t.is(addService(st, svcParams()), ConfigErr.ServiceExists);
  t.is(addService(st, svcParams({ vport: 81, sched: 'nope' })), ConfigErr.BadScheduler);
  t.true(addService(st, svcParams({ proto: 17 })) >= 0, 'same address and port, other protocol');
  const svc = st.svcs[id]!;
  t.is(addDest(st, svc, { ...destParams('10.0.1.1'), af: 6 }), ConfigErr.FamilyMismatch);
  t.is(addDest(st, svc, destParams('10.0.1.1', { uThreshold: 5, lThreshold: 9 })), ConfigErr.BadThreshold);
});

test('dests: newest first, duplicates refused, removal keeps a dest alive until its conns are gone', (t) => {
  const st = engine();
  const svc = st.svcs[addService(st, svcParams())]!;
  const a = addDest(st, svc, destParams('10.0.1.1'));
  const b = addDest(st, svc, destParams('10.0.1.2'));
  t.is(addDest(st, svc, destParams('10.0.1.2')), ConfigErr.DestExists);
  t.deepEqual(
    svc.dests.map((d) => d.id),
    [b, a],
  );
  const db = st.dests[b]!;
  db.activeConns = 1; // a conn still refers to it
  delDest(st, svc, db);
  t.is(db.flags & DEST_F_AVAILABLE, 0);
  t.is(st.dests[b], db, 'still in the pool while referenced');
  const c = addDest(st, svc, destParams('10.0.1.3'));
  t.not(c, b, 'its id is not reused yet');
  db.activeConns = 0;
  const d = addDest(st, svc, destParams('10.0.1.4'));
  t.is(d, b, 'reclaimed once nothing refers to it');
});

test('editDest: weight 0 keeps lastWeight; a larger upper threshold clears OVERLOAD', (t) => {
  const st = engine();
  const svc = st.svcs[addService(st, svcParams())]!;
  const d = st.dests[addDest(st, svc, destParams('10.0.1.1', { weight: 5, uThreshold: 2 }))]!;
  d.flags |= DEST_F_OVERLOAD;
  t.is(editDest(svc, d, destParams('10.0.1.1', { weight: 0, uThreshold: 2 })), 0);
  t.is(d.weight, 0);
  t.is(d.lastWeight, 5);
  t.not(d.flags & DEST_F_OVERLOAD, 0, 'same threshold: flag stays');
  editDest(svc, d, destParams('10.0.1.1', { weight: 3, uThreshold: 10, fwd: Fwd.Nat }));
  t.is(d.flags & DEST_F_OVERLOAD, 0);
  t.is(d.fwd, Fwd.Nat);
  t.is(d.lastWeight, 3);
});

test('editService switches the scheduler and keeps the dests', (t) => {
  const st = engine();
  const svc = st.svcs[addService(st, svcParams())]!;
  addDest(st, svc, destParams('10.0.1.1'));
  t.is(editService(st, svc, svcParams({ sched: 'bogus' })), ConfigErr.BadScheduler);
  t.is(editService(st, svc, svcParams({ sched: 'wlc', flags: 0x1, persistSec: 60 })), 0);
  t.is(svc.schedName, 'wlc');
  t.is(svc.persistMs, 60_000);
  t.is(svc.dests.length, 1);
});

test('delService and clearAll remove services from lookups', (t) => {
  const st = engine();
  const id = addService(st, svcParams());
  addService(st, svcParams({ vport: 443 }));
  delService(st, st.svcs[id]!);
  t.is(st.services.find(4, 6, ip('10.0.0.10'), 80), null);
  t.not(st.services.find(4, 6, ip('10.0.0.10'), 443), null);
  clearAll(st);
  t.is(st.services.all.length, 0);
  t.false(st.services.isVip(4, ip('10.0.0.10')));
});

test('--set changes ESTABLISHED, FIN_WAIT and UDP only; 0 keeps a value', (t) => {
  const st = engine();
  t.deepEqual(getTimeouts(st), { tcp: 900, tcpFin: 120, udp: 300 });
  setTimeouts(st, 600, 0, 30);
  t.deepEqual(getTimeouts(st), { tcp: 600, tcpFin: 120, udp: 30 });
  t.is(st.tcpTimeoutsMs[TcpState.SynRecv], 60_000);
});

test('per-service timeouts override the engine table and follow later --set changes', (t) => {
  const st = engine();
  const svc = st.svcs[addService(st, svcParams())]!;
  setServiceTimeouts(st, svc, 30, 0, 5);
  t.is(svc.tcpTimeoutsMs![TcpState.Established], 30_000);
  t.is(svc.tcpTimeoutsMs![TcpState.FinWait], 120_000);
  t.is(svc.udpTimeoutMs, 5000);
  setTimeouts(st, 0, 60, 0);
  t.is(svc.tcpTimeoutsMs![TcpState.FinWait], 60_000, 'non-overridden state follows --set');
  t.is(svc.tcpTimeoutsMs![TcpState.Established], 30_000, 'override kept');
  setServiceTimeouts(st, svc, 0, 0, 0);
  t.is(svc.tcpTimeoutsMs, null);
});

test('neighbours resolve dests added before and after', (t) => {
  const st = engine();
  const svc = st.svcs[addService(st, svcParams())]!;
  const a = st.dests[addDest(st, svc, destParams('10.0.1.1'))]!;
  t.is(a.mac, -1);
  setNeighbor(st, 4, ip('10.0.1.1'), 0x020000000001);
  t.is(a.mac, 0x020000000001);
  setNeighbor(st, 4, ip('10.0.1.2'), 0x020000000002);
  const b = st.dests[addDest(st, svc, destParams('10.0.1.2'))]!;
  t.is(b.mac, 0x020000000002);
});

test('zeroStats clears one service or everything', (t) => {
  const st = engine();
  const s1 = st.svcs[addService(st, svcParams())]!;
  const s2 = st.svcs[addService(st, svcParams({ vport: 81 }))]!;
  s1.stats.addIn(100);
  s2.stats.addIn(200);
  st.stats.addIn(300);
  zeroStats(st, s1);
  t.is(s1.stats.inBytes, 0);
  t.is(s2.stats.inBytes, 200);
  t.is(st.stats.inBytes, 300);
  zeroStats(st, null);
  t.is(s2.stats.inBytes, 0);
  t.is(st.stats.inBytes, 0);
});
