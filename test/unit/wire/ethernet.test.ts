import test from 'ava';
import { EthernetView, emitEthernet, parseEthernet, WireError } from '../../../src/wire/index.js';
import { filled, hex, toHex } from '../../helpers/hex.js';

const UNTAGGED = hex`
  02 00 00 00 00 fe   # dst
  02 00 00 00 00 01   # src
  08 00            # IPv4
  45`;
const TAGGED = hex`
  ff ff ff ff ff ff   # dst
  02 00 00 00 00 6e   # src
  81 00 a0 64         # 802.1Q, PCP 5, VID 100
  86 dd               # IPv6
  60`;

test('deconstruct untagged', (t) => {
  const v = new EthernetView();
  t.is(v.wrap(UNTAGGED, 0, UNTAGGED.length), WireError.None);
  t.is(v.dst(), 0x0200000000fe);
  t.is(v.src(), 0x020000000001);
  t.is(v.ethertype(), 0x0800);
  t.false(v.tagged());
  t.is(v.tci(), 0);
  t.is(v.headerLen(), 14);
  t.is(v.l3Off(), 14);
});

test('deconstruct 802.1Q tagged, at an offset', (t) => {
  const b = new Uint8Array(4 + TAGGED.length);
  b.set(TAGGED, 4);
  const v = new EthernetView();
  t.is(v.wrap(b, 4, b.length), WireError.None);
  t.is(v.dst(), 0xffffffffffff);
  t.is(v.src(), 0x02000000006e);
  t.true(v.tagged());
  t.is(v.tci(), 0xa064);
  t.is(v.vlanId(), 100);
  t.is(v.ethertype(), 0x86dd);
  t.is(v.headerLen(), 18);
  t.is(v.l3Off(), 4 + 18);
});

test('construct: setters write exactly the fields', (t) => {
  const b = filled(15);
  b.set(hex`00 00 00 00 00 00 00 00 00 00 00 00 08 00`, 0);
  const v = new EthernetView();
  t.is(v.wrap(b, 0, b.length), WireError.None);
  v.setDst(0x0200000000fe);
  v.setSrc(0x020000000001);
  v.setEthertype(0x0800);
  t.is(toHex(b), toHex(UNTAGGED).replace(/45$/, 'a5'));
  const b2 = filled(19);
  b2.set(hex`00 00 00 00 00 00 00 00 00 00 00 00 81 00 00 00 00 00`, 0);
  t.is(v.wrap(b2, 0, b2.length), WireError.None);
  v.setDst(0xffffffffffff);
  v.setSrc(0x02000000006e);
  v.setTci(0xa064);
  v.setEthertype(0x86dd);
  t.is(toHex(b2), toHex(TAGGED).replace(/60$/, 'a5'));
  const mac = new Uint8Array(6);
  v.copySrc(mac, 0);
  t.is(toHex(mac), '02 00 00 00 00 6e');
  v.copyDst(mac, 0);
  t.is(toHex(mac), 'ff ff ff ff ff ff');
});

test('repr parse/emit round trip', (t) => {
  const v = new EthernetView();
  for (const frame of [UNTAGGED, TAGGED]) {
    t.is(v.wrap(frame, 0, frame.length), WireError.None);
    const r = parseEthernet(v);
    const b = filled(frame.length);
    const n = emitEthernet(r, b, 0);
    t.is(n, v.headerLen());
    t.is(toHex(b, 0, n), toHex(frame, 0, n));
  }
  t.is(v.wrap(TAGGED, 0, TAGGED.length), WireError.None);
  t.deepEqual(parseEthernet(v), {
    dst: 0xffffffffffff,
    src: 0x02000000006e,
    ethertype: 0x86dd,
    vlan: 0xa064,
  });
});

test('malformed: runt frame and truncated tag', (t) => {
  const v = new EthernetView();
  t.is(v.wrap(UNTAGGED, 0, 13), WireError.Truncated);
  t.is(v.wrap(TAGGED, 0, 17), WireError.Truncated);
  t.is(v.wrap(TAGGED, 0, 18), WireError.None);
  t.is(v.wrap(UNTAGGED, 2, 15), WireError.Truncated);
});
