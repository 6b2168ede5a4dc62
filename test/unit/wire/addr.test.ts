import test from 'ava';
import fc from 'fast-check';
import {
  formatIpv4Addr,
  formatIpv6Addr,
  formatMac,
  macFromNumber,
  macToNumber,
  parseIpv4Addr,
  parseIpv6Addr,
  parseMac,
  parseMacNum,
} from '../../../src/wire/index.js';

test('IPv4 dotted quad', (t) => {
  t.is(parseIpv4Addr('10.0.0.1'), 0x0a000001);
  t.is(parseIpv4Addr('255.255.255.255'), 0xffffffff);
  t.is(parseIpv4Addr('0.0.0.0'), 0);
  t.is(formatIpv4Addr(0xc0a80001), '192.168.0.1');
  t.is(formatIpv4Addr(0xffffffff), '255.255.255.255');
  for (const bad of [
    '',
    '1.2.3',
    '1.2.3.4.5',
    '256.0.0.1',
    '01.2.3.4',
    '1.2.3.-4',
    '1..2.3',
    ' 1.2.3.4',
    '1.2.3.4 ',
    'a.b.c.d',
    '1.2.3.0x4',
  ]) {
    t.is(parseIpv4Addr(bad), null, bad);
  }
});

const w = (text: string): number[] => [...parseIpv6Addr(text)!];

test('IPv6 parse', (t) => {
  t.deepEqual(w('fd00::fe'), [0xfd000000, 0, 0, 0xfe]);
  t.deepEqual(w('::'), [0, 0, 0, 0]);
  t.deepEqual(w('::1'), [0, 0, 0, 1]);
  t.deepEqual(w('1::'), [0x00010000, 0, 0, 0]);
  t.deepEqual(w('2001:DB8:0:0:1:0:0:1'), [0x20010db8, 0, 0x00010000, 1]);
  t.deepEqual(w('1:2:3:4:5:6:7::'), [0x00010002, 0x00030004, 0x00050006, 0x00070000]);
  t.deepEqual(w('::ffff:10.0.0.1'), [0, 0, 0xffff, 0x0a000001]);
  t.deepEqual(w('::10.0.0.1'), [0, 0, 0, 0x0a000001]);
  t.deepEqual(w('1:2:3:4:5:6:10.0.0.1'), [0x00010002, 0x00030004, 0x00050006, 0x0a000001]);
  for (const bad of [
    '',
    ':',
    ':::',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7:8::',
    '1::2::3',
    '12345::',
    'g::1',
    ':1::',
    '1::2:',
    'fe80::1%eth0',
    '::ffff:1.2.3',
    '::1.2.3.4:5',
    '1:2:3:4:5:6:7:1.2.3.4',
    '10.0.0.1',
  ]) {
    t.is(parseIpv6Addr(bad), null, bad);
  }
});

test('IPv6 format: RFC 5952 canonical text', (t) => {
  const f = (text: string): string => formatIpv6Addr(parseIpv6Addr(text)!);
  t.is(f('2001:0db8:0000:0000:0000:0000:0002:0001'), '2001:db8::2:1');
  t.is(f('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1'); // §4.2.2: one 0 group is not compressed
  t.is(f('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1'); // §4.2.3: first of equal runs
  t.is(f('2001:0:0:1:0:0:0:1'), '2001:0:0:1::1'); // longest run wins
  t.is(f('FD00::FE'), 'fd00::fe');
  t.is(f('::'), '::');
  t.is(f('::1'), '::1');
  t.is(f('1::'), '1::');
  t.is(f('::ffff:10.0.0.1'), '::ffff:10.0.0.1');
});

test('IPv6 text round trip (property)', (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 4, maxLength: 4 }),
      fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
      (words, zero) => {
        const a = new Uint32Array(words);
        // bias toward zero groups so "::" placement is exercised
        for (let i = 0; i < 8; i++)
          if (zero[i]) a[i >> 1] = (a[i >> 1]! & (i & 1 ? 0xffff0000 : 0xffff)) >>> 0;
        const text = formatIpv6Addr(a);
        const back = parseIpv6Addr(text);
        return back !== null && [...back].join() === [...a].join() && !/(^|:)0[0-9a-f]/.test(text);
      },
    ),
  );
  t.pass();
});

test('MAC text, bytes and numbers', (t) => {
  t.deepEqual([...parseMac('02:00:00:00:00:fe')!], [2, 0, 0, 0, 0, 0xfe]);
  t.deepEqual([...parseMac('AA-BB-CC-DD-EE-FF')!], [0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff]);
  for (const bad of [
    '',
    '02:00:00:00:00',
    '02:00:00:00:00:fe:01',
    '02:00-00:00:00:fe',
    '2:0:0:0:0:fe',
    'gg:00:00:00:00:00',
  ]) {
    t.is(parseMac(bad), null, bad);
  }
  t.is(parseMacNum('02:00:00:00:00:fe'), 0x0200000000fe);
  t.is(parseMacNum('nope'), null);
  t.is(formatMac(0xffffffffffff), 'ff:ff:ff:ff:ff:ff');
  t.is(formatMac(new Uint8Array([2, 0, 0, 0, 0, 1])), '02:00:00:00:00:01');
  t.is(macToNumber(macFromNumber(0x123456789abc)), 0x123456789abc);
});
