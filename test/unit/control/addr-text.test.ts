// Address text as glibc parses and prints it (inet_aton, inet_pton, inet_ntop).
import test from 'ava';
import {
  addrWords,
  canonicalAddr,
  formatIpv6,
  inetAton,
  inetPton4,
  inetPton6,
} from '../../../src/control/addr-text.js';

test('inet_aton accepts the classic forms', (t) => {
  t.is(inetAton('1.2.3.4'), 0x01020304);
  t.is(inetAton('10.1'), 0x0a000001);
  t.is(inetAton('10.1.2'), 0x0a010002);
  t.is(inetAton('167772161'), 0x0a000001);
  t.is(inetAton('0x0A.0.0.1'), 0x0a000001);
  t.is(inetAton('012.0.0.1'), 0x0a000001);
  t.is(inetAton('1.2.3.4 trailing'), 0x01020304);
  t.is(inetAton('255.255.255.255'), 0xffffffff);
});

test('inet_aton rejects', (t) => {
  for (const s of [
    '',
    '1.2.3.4.5',
    '256.1.1.1',
    '1.2.3.256',
    '08.1.1.1',
    '1..2',
    'a.b.c.d',
    '1.2.3.4x',
    '4294967296',
    '10.16777216',
    '-1.2.3.4',
    ' 1.2.3.4',
  ]) {
    t.is(inetAton(s), null, s);
  }
});

test('inet_pton AF_INET is strict', (t) => {
  t.is(inetPton4('1.2.3.4'), 0x01020304);
  for (const s of ['1.2.3', '01.2.3.4', '1.2.3.4 ', '0x1.2.3.4', '256.0.0.0']) t.is(inetPton4(s), null, s);
});

test('inet_pton AF_INET6 and glibc inet_ntop', (t) => {
  const cases: [string, string][] = [
    ['::', '::'],
    ['::1', '::1'],
    ['fd00::10', 'fd00::10'],
    ['FD00:0:0:0:0:0:0:A', 'fd00::a'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['1:0:2:3:4:5:6:7', '1:0:2:3:4:5:6:7'],
    ['::ffff:10.0.0.1', '::ffff:10.0.0.1'],
    ['::10.0.0.1', '::10.0.0.1'],
    ['::2', '::2'],
    ['1::', '1::'],
  ];
  for (const [input, out] of cases) t.is(canonicalAddr(6, input), out, input);
  for (const s of [
    '',
    ':',
    '1:::2',
    '1::2::3',
    '12345::',
    'g::',
    '1:2:3:4:5:6:7:8:9',
    '::1.2.3',
    '[::1]',
    'fe80::1%eth0',
  ]) {
    t.is(inetPton6(s), null, s);
  }
  t.is(formatIpv6([0, 0, 0, 0, 0, 0, 0, 0]), '::');
});

test('addrWords gives big-endian 32-bit words', (t) => {
  t.deepEqual(addrWords(4, '10.0.0.1'), [0x0a000001, 0, 0, 0]);
  t.deepEqual(addrWords(6, 'fd00::a:1'), [0xfd000000, 0, 0, 0x000a0001]);
});
