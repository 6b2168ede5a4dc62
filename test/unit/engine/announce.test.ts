// Gratuitous ARP and unsolicited NA frames, byte for byte (RFC 5227 §3, RFC 4861 §7.2.6).
import test from 'ava';
import {
  buildArpRequest,
  buildGratuitousArp,
  buildUnsolicitedNa,
  GARP_LEN,
  UNSOLICITED_NA_LEN,
} from '../../../src/engine/announce.js';
import { NeighborRing } from '../../../src/engine/neighbor-ring.js';
import { Engine } from '../../../src/engine/engine.js';
import { FrameBatch } from '../../../src/wire/frame-batch.js';
import { buildArpFrame } from '../../../src/wire/index.js';
import { Icmpv6View, Ipv6View } from '../../../src/wire/index.js';
import { hex } from '../../helpers/hex.js';

test('gratuitous ARP for 10.0.0.10 from 02:00:00:00:00:fe', (t) => {
  const b = new Uint8Array(64).fill(0xa5);
  t.is(buildGratuitousArp(b, 0, 0x0200000000fe, 0x0a00000a), GARP_LEN);
  t.deepEqual(
    b.subarray(0, GARP_LEN),
    hex`ffffffffffff 0200000000fe 0806
        0001 0800 06 04 0001 0200000000fe 0a00000a 000000000000 0a00000a`,
  );
});

test('unsolicited NA for fd00::a: all-nodes, hop limit 255, override, TLL option, valid checksum', (t) => {
  const b = new Uint8Array(100).fill(0xa5);
  const vip = Uint32Array.of(0xfd000000, 0, 0, 0xa);
  t.is(buildUnsolicitedNa(b, 0, 0x0200000000fe, vip), UNSOLICITED_NA_LEN);
  t.deepEqual(b.subarray(0, 14), hex`333300000001 0200000000fe 86dd`);
  const ip6 = new Ipv6View();
  t.is(ip6.wrap(b, 14, UNSOLICITED_NA_LEN), 0);
  t.is(ip6.hopLimit(), 255);
  t.is(ip6.dstWord(0), 0xff020000);
  t.is(ip6.dstWord(3), 1);
  const na = new Icmpv6View();
  t.is(na.wrap(b, ip6.l4Off(), ip6.l4End()), 0);
  t.true(na.isNa());
  t.true(na.naOverride());
  t.false(na.naSolicited());
  t.true(na.targetEquals(vip));
  t.is(na.llAddr(), 0x0200000000fe);
  t.true(na.csumOk(ip6.pseudoSum()));
});

test('ARP request from the director for a real server', (t) => {
  const b = new Uint8Array(64).fill(0xa5);
  t.is(buildArpRequest(b, 0, 0x0200000000fe, 0x0a0000fe, 0x0a000101), GARP_LEN);
  t.deepEqual(
    b.subarray(0, GARP_LEN),
    hex`ffffffffffff 0200000000fe 0806
        0001 0800 06 04 0001 0200000000fe 0a0000fe 000000000000 0a000101`,
  );
});

test('NeighborRing keeps order, is bounded, and returns copies', (t) => {
  const r = new NeighborRing(2);
  t.true(r.push(4, Uint32Array.of(1, 0, 0, 0), 0x11));
  t.true(r.push(6, Uint32Array.of(2, 3, 4, 5), 0x22));
  t.false(r.push(4, Uint32Array.of(9, 0, 0, 0), 0x33), 'full');
  t.deepEqual(r.shift(), [4, Uint32Array.of(1, 0, 0, 0), 0x11]);
  t.true(r.push(4, Uint32Array.of(7, 0, 0, 0), 0x44));
  t.deepEqual(r.shift(), [6, Uint32Array.of(2, 3, 4, 5), 0x22]);
  t.deepEqual(r.shift(), [4, Uint32Array.of(7, 0, 0, 0), 0x44]);
  t.is(r.count, 0);
});

test('the engine queues ARP replies addressed to the director, and only those', (t) => {
  const engine = new Engine({ localMac: 0x0200000000fe, localIp4: 0x0a0000fe, seed: 1 });
  const rx = new FrameBatch(1);
  const tx = rx.txView();
  const reply = (tpa: number) =>
    buildArpFrame(
      { src: 0x020000000001, dst: 0x0200000000fe },
      { op: 2, sha: 0x020000000001, spa: 0x0a000101, tha: 0x0200000000fe, tpa },
    );
  rx.put(0, reply(0x0a0000fe));
  rx.count = 1;
  t.is(engine.processBatch(rx, 0, tx), 0, 'passed to the kernel too, nothing sent');
  rx.put(0, reply(0x0a0000fd));
  engine.processBatch(rx, 1, tx);
  t.is(engine.state.learned.count, 1);
  t.deepEqual(engine.state.learned.shift(), [4, Uint32Array.of(0x0a000101, 0, 0, 0), 0x020000000001]);
});
