// The connection table: both-direction lookups, templates, exact expiry, the wheel, capacity,
// IPv6, and the dest counters/OVERLOAD flag kept as the kernel's bind/unbind do.
import test from 'ava';
import { ConnTable, TEMPLATE_EXPIRE_LATER_MS } from '../../../../src/engine/conn/conn-table.js';
import { CONN_F_INACTIVE, CONN_F_NOOUTPUT, CONN_F_TEMPLATE } from '../../../../src/engine/conn/flags.js';
import { TcpState } from '../../../../src/engine/conn/tcp-state.js';
import { DEST_F_OVERLOAD, Dest, Fwd } from '../../../../src/engine/service/dest.js';

const TCP = 6;
const v4 = (a: number, b: number, c: number, d: number) =>
  Uint32Array.of(((a << 24) | (b << 16) | (c << 8) | d) >>> 0, 0, 0, 0);
const VIP = v4(10, 0, 0, 10);
const C1 = v4(192, 168, 1, 101);
const C2 = v4(192, 168, 1, 102);

function setup(capacity = 16) {
  const dests: (Dest | null)[] = [];
  const mk = (addr: Uint32Array, port: number, fwd: 0 | 1 | 2) => {
    const d = new Dest(dests.length, 0, 4, addr, port, fwd, 1);
    dests.push(d);
    return d;
  };
  const table = new ConnTable({ capacity, seed: 1234 }, dests);
  return { table, dests, mk };
}

test('a DR conn is found inbound only; counters follow the INACTIVE flag', (t) => {
  const { table, mk } = setup();
  const d = mk(v4(10, 0, 1, 1), 80, Fwd.Dr);
  const i = table.create(
    4,
    TCP,
    C1,
    40001,
    VIP,
    80,
    d,
    Fwd.Dr,
    CONN_F_NOOUTPUT | CONN_F_INACTIVE,
    TcpState.None,
    3000,
    -1,
  );
  t.true(i >= 0);
  t.is(table.lookupIn(4, TCP, C1, 40001, VIP, 80, 0), i);
  t.is(table.lookupIn(4, TCP, C1, 40002, VIP, 80, 0), -1);
  t.is(table.lookupIn(4, TCP, C2, 40001, VIP, 80, 0), -1);
  t.is(table.lookupIn(4, 17, C1, 40001, VIP, 80, 0), -1);
  t.is(table.lookupOut(4, TCP, d.addr, 80, C1, 40001, 0), -1, 'DR conns are not on the reply chain');
  t.is(d.inactConns, 1);
  t.is(d.activeConns, 0);
  t.is(table.dport(i), 80);
});

test('a NAT conn is found from the reply direction with one lookup', (t) => {
  const { table, mk } = setup();
  const d = mk(v4(10, 0, 1, 21), 8080, Fwd.Nat);
  const i = table.create(4, TCP, C1, 40001, VIP, 80, d, Fwd.Nat, 0, TcpState.None, 3000, -1);
  t.is(table.lookupOut(4, TCP, d.addr, 8080, C1, 40001, 0), i);
  t.is(table.lookupOut(4, TCP, d.addr, 80, C1, 40001, 0), -1, 'reply from the wrong port');
  t.is(table.lookupOut(4, TCP, d.addr, 8080, C2, 40001, 0), -1);
  t.is(d.activeConns, 1);
  table.remove(i);
  t.is(table.lookupOut(4, TCP, d.addr, 8080, C1, 40001, 0), -1);
  t.is(table.lookupIn(4, TCP, C1, 40001, VIP, 80, 0), -1);
  t.is(d.activeConns, 0);
  t.is(table.count, 0);
});

test('a dest without a port takes the virtual port (dport = dest.port || vport)', (t) => {
  const { table, mk } = setup();
  const d = mk(v4(10, 0, 1, 21), 0, Fwd.Nat);
  const i = table.create(4, TCP, C1, 40001, VIP, 443, d, Fwd.Nat, 0, TcpState.None, 3000, -1);
  t.is(table.dport(i), 443);
  t.is(table.lookupOut(4, TCP, d.addr, 443, C1, 40001, 0), i);
});

test('expiry is exact: a lookup one ms before finds the conn, at the time it is gone and unbound', (t) => {
  const { table, mk } = setup();
  const d = mk(v4(10, 0, 1, 1), 80, Fwd.Dr);
  table.create(4, TCP, C1, 40001, VIP, 80, d, Fwd.Dr, CONN_F_INACTIVE, TcpState.SynRecv, 60_000, -1);
  t.true(table.lookupIn(4, TCP, C1, 40001, VIP, 80, 59_999) >= 0);
  t.is(table.lookupIn(4, TCP, C1, 40001, VIP, 80, 60_000), -1);
  t.is(table.count, 0);
  t.is(d.inactConns, 0);
});

test('the wheel sweep expires conns whose time is up and keeps the others', (t) => {
  const { table, mk } = setup();
  const d = mk(v4(10, 0, 1, 1), 80, Fwd.Dr);
  const a = table.create(4, TCP, C1, 1, VIP, 80, d, Fwd.Dr, CONN_F_INACTIVE, 0, 10_000, -1);
  table.create(4, TCP, C1, 2, VIP, 80, d, Fwd.Dr, CONN_F_INACTIVE, 0, 20_000, -1);
  table.sweep(0);
  table.setExpires(a, 5_000); // shortened (e.g. RST -> CLOSE): must move earlier on the wheel
  table.sweep(5_000);
  t.is(table.count, 1);
  t.is(d.inactConns, 1);
  table.sweep(19_999);
  t.is(table.count, 1);
  table.sweep(20_000);
  t.is(table.count, 0);
});

test('the sweep handles gaps longer than one lap of the wheel', (t) => {
  const { table, mk } = setup();
  const d = mk(v4(10, 0, 1, 1), 80, Fwd.Dr);
  table.sweep(0);
  table.create(4, TCP, C1, 1, VIP, 80, d, Fwd.Dr, CONN_F_INACTIVE, 0, 900_000, -1);
  table.create(4, TCP, C1, 2, VIP, 80, d, Fwd.Dr, CONN_F_INACTIVE, 0, 5_000_000, -1);
  table.sweep(3_600_000);
  t.is(table.count, 1, 'the 15-min conn is gone, the longer one stays');
  table.sweep(5_000_000);
  t.is(table.count, 0);
});

test('a full table refuses new conns and keeps the existing ones', (t) => {
  const { table, mk } = setup(4);
  const d = mk(v4(10, 0, 1, 1), 80, Fwd.Dr);
  for (let p = 1; p <= 4; p++)
    t.true(table.create(4, TCP, C1, p, VIP, 80, d, Fwd.Dr, CONN_F_INACTIVE, 0, 9e9, -1) >= 0);
  t.is(table.create(4, TCP, C1, 5, VIP, 80, d, Fwd.Dr, CONN_F_INACTIVE, 0, 9e9, -1), -1);
  for (let p = 1; p <= 4; p++) t.true(table.lookupIn(4, TCP, C1, p, VIP, 80, 0) >= 0);
  t.is(d.inactConns, 4);
});

test('templates: found only by the template lookup, counted as persistConns, re-armed while they control conns', (t) => {
  const { table, mk } = setup();
  const d = mk(v4(10, 0, 1, 63), 80, Fwd.Dr);
  const tpl = table.create(4, TCP, C1, 0, VIP, 80, d, Fwd.Dr, CONN_F_TEMPLATE, 0, 60_000, -1);
  const c = table.create(4, TCP, C1, 40001, VIP, 80, d, Fwd.Dr, CONN_F_INACTIVE, TcpState.None, 900_000, tpl);
  t.is(d.persistConns, 1);
  t.is(d.inactConns, 1);
  t.is(table.control[tpl], 1, 'template controls one conn');
  t.is(table.lookupIn(4, TCP, C1, 0, VIP, 80, 0), -1, 'templates are invisible to the conn lookup');
  t.is(table.lookupTemplate(4, TCP, C1, VIP, 80, 0), tpl);
  // At 60 s the template still controls the conn: re-armed for 60 s more.
  t.is(table.lookupTemplate(4, TCP, C1, VIP, 80, 60_000), tpl);
  t.is(table.expires[tpl], 60_000 + TEMPLATE_EXPIRE_LATER_MS);
  table.remove(c);
  t.is(table.control[tpl], 0);
  t.is(table.lookupTemplate(4, TCP, C1, VIP, 80, 120_000), -1);
  t.is(d.persistConns, 0);
});

test('IPv6 conns use the side store and free it on removal', (t) => {
  const dests: Dest[] = [];
  const d = new Dest(0, 0, 6, Uint32Array.of(0xfd000000, 0, 0, 0x11), 80, Fwd.Nat, 1);
  dests.push(d);
  const table = new ConnTable({ capacity: 8, v6Capacity: 1, seed: 7 }, dests);
  const c = Uint32Array.of(0xfd000000, 0, 0, 0x65);
  const v = Uint32Array.of(0xfd000000, 0, 0, 0x0a);
  const i = table.create(6, TCP, c, 5000, v, 80, d, Fwd.Nat, 0, 0, 9e9, -1);
  t.true(i >= 0);
  t.is(table.lookupIn(6, TCP, c, 5000, v, 80, 0), i);
  t.is(table.lookupIn(6, TCP, Uint32Array.of(0xfd000000, 0, 0, 0x66), 5000, v, 80, 0), -1);
  t.is(table.lookupOut(6, TCP, d.addr, 80, c, 5000, 0), i);
  t.is(table.create(6, TCP, c, 5001, v, 80, d, Fwd.Nat, 0, 0, 9e9, -1), -1, 'v6 store full');
  const out = new Uint32Array(4);
  table.readCaddr(i, out);
  t.deepEqual([...out], [...c]);
  table.remove(i);
  t.is(table.v6Count, 0);
  t.true(table.create(6, TCP, c, 5001, v, 80, d, Fwd.Nat, 0, 0, 9e9, -1) >= 0);
});

test('upper threshold sets OVERLOAD at binding; unbinding below 3/4 of it clears it', (t) => {
  const { table, mk } = setup();
  const d = mk(v4(10, 0, 1, 1), 80, Fwd.Dr);
  d.uThreshold = 4;
  const idx: number[] = [];
  for (let p = 1; p <= 4; p++) idx.push(table.create(4, TCP, C1, p, VIP, 80, d, Fwd.Dr, 0, 0, 9e9, -1));
  t.true((d.flags & DEST_F_OVERLOAD) !== 0);
  table.remove(idx[0]!);
  t.true((d.flags & DEST_F_OVERLOAD) !== 0, '3 * 4 < 4 * 3 is false: still overloaded');
  table.remove(idx[1]!);
  t.is(d.flags & DEST_F_OVERLOAD, 0, '2 * 4 < 12: cleared');
});

test('many conns in a small bucket array: every one is found and removable', (t) => {
  const { table, mk } = setup(2048);
  const d = mk(v4(10, 0, 1, 21), 80, Fwd.Nat);
  const idx: number[] = [];
  for (let p = 0; p < 2048; p++)
    idx.push(table.create(4, TCP, C1, 1024 + p, VIP, 80, d, Fwd.Nat, 0, 0, 9e9, -1));
  for (let p = 0; p < 2048; p++) {
    t.is(table.lookupIn(4, TCP, C1, 1024 + p, VIP, 80, 0), idx[p]!);
    t.is(table.lookupOut(4, TCP, d.addr, 80, C1, 1024 + p, 0), idx[p]!);
  }
  for (let p = 0; p < 2048; p += 2) table.remove(idx[p]!);
  for (let p = 0; p < 2048; p++) {
    t.is(table.lookupIn(4, TCP, C1, 1024 + p, VIP, 80, 0), p % 2 === 0 ? -1 : idx[p]!);
  }
  t.is(d.activeConns, 1024);
});
