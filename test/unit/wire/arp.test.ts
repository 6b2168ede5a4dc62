import test from 'ava';
import { ArpOp, ArpView, emitArp, parseArp, WireError } from '../../../src/wire/index.js';
import { filled, hex, toHex } from '../../helpers/hex.js';

// Who has 10.0.0.30? Tell 10.0.0.1 (02:00:00:00:00:01).
const REQUEST = hex`
  00 01 08 00 06 04 00 01
  02 00 00 00 00 01  0a 00 00 01
  00 00 00 00 00 00  0a 00 00 1e`;
const REPR = { op: ArpOp.Request, sha: 0x020000000001, spa: 0x0a000001, tha: 0, tpa: 0x0a00001e };

test('deconstruct', (t) => {
  const v = new ArpView();
  t.is(v.wrap(REQUEST, 0, REQUEST.length), WireError.None);
  t.is(v.op(), 1);
  t.is(v.sha(), 0x020000000001);
  t.is(v.spa(), 0x0a000001);
  t.is(v.tha(), 0);
  t.is(v.tpa(), 0x0a00001e);
});

test('construct: answer in place', (t) => {
  const b = REQUEST.slice();
  const v = new ArpView();
  t.is(v.wrap(b, 0, b.length), WireError.None);
  v.setOp(ArpOp.Reply);
  v.setTha(v.sha());
  v.setTpa(v.spa());
  v.setSha(0x0200000000fe);
  v.setSpa(0x0a00001e);
  t.is(
    toHex(b),
    toHex(hex`00 01 08 00 06 04 00 02 02 00 00 00 00 fe 0a 00 00 1e 02 00 00 00 00 01 0a 00 00 01`),
  );
});

test('repr parse/emit round trip', (t) => {
  const v = new ArpView();
  t.is(v.wrap(REQUEST, 0, REQUEST.length), WireError.None);
  t.deepEqual(parseArp(v), REPR);
  const b = filled(30);
  t.is(emitArp(REPR, b, 1), 28);
  t.is(toHex(b), 'a5 ' + toHex(REQUEST) + ' a5');
});

test('malformed: truncated and non-Ethernet/IPv4', (t) => {
  const v = new ArpView();
  t.is(v.wrap(REQUEST, 0, 27), WireError.Truncated);
  for (const [i, val] of [
    [1, 6],
    [2, 0x86],
    [4, 8],
    [5, 16],
  ] as const) {
    const b = REQUEST.slice();
    b[i] = val;
    t.is(v.wrap(b, 0, b.length), WireError.Unsupported, 'byte ' + i);
  }
});
