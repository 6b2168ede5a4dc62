// ARP requests and IPv6 Neighbor Solicitations for VIPs answered in place (exact bytes, valid
// checksum); anything else of the kind passed to the kernel.
import test from 'ava';
import { buildArpFrame, buildFrame, type PacketSpec } from '../../../src/wire/builder.js';
import { csumAdd, csumFold, pseudoSum6 } from '../../../src/wire/checksum.js';
import { directorFrame, ip4, ip6, LOCAL_MAC, withEngine } from '../../helpers/engine-harness.js';

const RULES = `
-A -t 10.0.0.90:80 -s rr
-a -t 10.0.0.90:80 -r 10.0.1.91:80 -g -w 1
-A -t [fd00::90]:80 -s rr
-a -t [fd00::90]:80 -r [fd00::a:91]:80 -g -w 1
`;
const ASKER_MAC = 0x020000000001;
const ASKER = ip4('10.0.0.1');
const BCAST = 0xffffffffffff;

function arpRequest(tpa: number, op = 1): Uint8Array {
  return buildArpFrame({ src: ASKER_MAC, dst: BCAST }, { op, sha: ASKER_MAC, spa: ASKER, tha: 0, tpa }, true);
}

test('an ARP request for a VIP is answered in place with our MAC (padding kept)', (t) => {
  const h = withEngine({ rules: RULES });
  const r = h.send(arpRequest(ip4('10.0.0.90')), 0);
  t.is(r.verdict, 'tx');
  t.deepEqual(
    r.out,
    buildArpFrame(
      { src: LOCAL_MAC, dst: ASKER_MAC },
      { op: 2, sha: LOCAL_MAC, spa: ip4('10.0.0.90'), tha: ASKER_MAC, tpa: ASKER },
      true,
    ),
  );
  t.is(r.out!.length, 60);
});

test('ARP for a non-VIP, an ARP reply, or with answering off: passed', (t) => {
  const h = withEngine({ rules: RULES });
  const pass = { out: null, verdict: 'pass', drop: null };
  t.deepEqual(h.send(arpRequest(ip4('10.0.0.91')), 0), pass);
  t.deepEqual(h.send(arpRequest(ip4('10.0.0.254')), 0), pass);
  t.deepEqual(h.send(arpRequest(ip4('10.0.0.90'), 2), 0), pass);
  const off = withEngine({ rules: RULES, answerNeighbor: false });
  t.deepEqual(off.send(arpRequest(ip4('10.0.0.90')), 0), pass);
});

const SOLICITOR = ip6('2001:db8::65');
const SOL_MAC = 0x020000000065;

function ns(target: Uint32Array, src = SOLICITOR, hopLimit = 255): Uint8Array {
  const snm = Uint32Array.of(0xff020000, 0, 1, 0xff000000 | (target[3]! & 0xffffff));
  const unspecified = src.every((w) => w === 0);
  const spec: PacketSpec = {
    ip: { v: 6, src, dst: snm, hopLimit },
    l4: {
      kind: 'icmp6',
      type: 135,
      code: 0,
      target,
      ...(unspecified ? {} : { llAddr: SOL_MAC }),
    },
  };
  return buildFrame({ ...spec, eth: { src: SOL_MAC, dst: 0x3333ff000000 + (target[3]! & 0xffffff) } });
}

test('a Neighbor Solicitation for a VIP is answered with a solicited, override NA (exact bytes)', (t) => {
  const h = withEngine({ rules: RULES });
  const vip = ip6('fd00::90');
  const r = h.send(ns(vip), 0);
  t.is(r.verdict, 'tx');
  const na = directorFrame(
    {
      ip: { v: 6, src: vip, dst: SOLICITOR, hopLimit: 255 },
      l4: { kind: 'icmp6', type: 136, code: 0, rest: 0x60000000, target: vip, llAddr: LOCAL_MAC },
    },
    SOL_MAC,
  );
  t.deepEqual(r.out, na);
  t.is(r.out!.length, 86);
  // The checksum verifies on its own (independent of the builder).
  const o = r.out!;
  t.is(csumFold(csumAdd(o, 54, 32, pseudoSum6(o, 22, 38, 58, 32))), 0xffff);
});

test('a DAD Neighbor Solicitation (from ::) for a VIP is answered to all-nodes without S', (t) => {
  const h = withEngine({ rules: RULES });
  const vip = ip6('fd00::90');
  const r = h.send(ns(vip, new Uint32Array(4)), 0);
  const allNodes = Uint32Array.of(0xff020000, 0, 0, 1);
  t.deepEqual(
    r.out,
    directorFrame(
      {
        ip: { v: 6, src: vip, dst: allNodes, hopLimit: 255 },
        l4: { kind: 'icmp6', type: 136, code: 0, rest: 0x20000000, target: vip, llAddr: LOCAL_MAC },
      },
      0x333300000001,
    ),
  );
});

test('NS for another address, or with a hop limit other than 255: passed', (t) => {
  const h = withEngine({ rules: RULES });
  const pass = { out: null, verdict: 'pass', drop: null };
  t.deepEqual(h.send(ns(ip6('fd00::91')), 0), pass);
  t.deepEqual(h.send(ns(ip6('fd00::fe')), 0), pass);
  t.deepEqual(h.send(ns(ip6('fd00::90'), SOLICITOR, 64), 0), pass);
});
