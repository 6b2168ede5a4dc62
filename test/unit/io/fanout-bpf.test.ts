// The symmetric fanout program (src/io/fanout-bpf.ts) run by a classic BPF interpreter on sample
// packets: a NAT conn's request and reply give the same value (the client's), ICMP errors to a
// VIP follow their quoted packet, everything else goes by source; large rule sets still resolve
// every jump, and an oversized one is refused.
import test from 'ava';
import fc from 'fast-check';
import { buildPacket, type PacketSpec } from '../../../src/wire/builder.js';
import { fanoutProgram, MAX_FANOUT_INSNS, type FanoutSpec } from '../../../src/io/fanout-bpf.js';
import { ip4, ip6 } from '../../helpers/engine-harness.js';
import { mixOf, runCbpf } from '../../helpers/cbpf.js';

const IP = 0x0800;
const IP6 = 0x86dd;
const w4 = (a: string): number[] => [ip4(a), 0, 0, 0];
const w6 = (a: string): number[] => Array.from(ip6(a));

const SPEC: FanoutSpec = {
  vips: [
    { af: 4, addr: w4('10.0.0.90') },
    { af: 6, addr: w6('fd00::90') },
  ],
  natDests: [
    { af: 4, addr: w4('10.0.1.91'), port: 8080 },
    { af: 4, addr: w4('10.0.1.92'), port: 0 },
    { af: 6, addr: w6('fd00::a:91'), port: 8080 },
  ],
};
const prog = fanoutProgram(SPEC);

function tcp4(src: string, sport: number, dst: string, dport: number, frag = 0): Uint8Array {
  return buildPacket({
    ip: { v: 4, src: ip4(src), dst: ip4(dst), fragOff: frag },
    l4: { kind: 'tcp', srcPort: sport, dstPort: dport, flags: 0x10 },
  });
}
function l4v6(kind: 'tcp' | 'udp', src: string, sport: number, dst: string, dport: number): Uint8Array {
  return buildPacket({
    ip: { v: 6, src: ip6(src), dst: ip6(dst) },
    l4: { kind, srcPort: sport, dstPort: dport },
  });
}
function icmpAbout(outer: PacketSpec['ip'], quoted: Uint8Array, v6: boolean): Uint8Array {
  return buildPacket({
    ip: outer,
    l4: v6
      ? { kind: 'icmp6', type: 2, code: 0, rest: 1280 }
      : { kind: 'icmp4', type: 3, code: 4, rest: 1400 },
    payload: quoted.subarray(0, v6 ? 48 : 28),
  });
}

test('IPv4 NAT: request and reply give the client value', (t) => {
  const c = mixOf(w4('192.168.9.101'));
  t.is(runCbpf(prog, tcp4('192.168.9.101', 40000, '10.0.0.90', 80), IP), c);
  t.is(runCbpf(prog, tcp4('10.0.1.91', 8080, '192.168.9.101', 40000), IP), c);
  // A dest with port 0 (fwmark / port-0 service): any source port is a reply.
  t.is(runCbpf(prog, tcp4('10.0.1.92', 12345, '192.168.9.101', 40000), IP), c);
  // Not the service port: goes by source like any other packet.
  t.is(runCbpf(prog, tcp4('10.0.1.91', 22, '192.168.9.101', 40000), IP), mixOf(w4('10.0.1.91')));
  // A non-first fragment has no ports: by source.
  t.is(runCbpf(prog, tcp4('10.0.1.91', 8080, '192.168.9.101', 40000, 185), IP), mixOf(w4('10.0.1.91')));
  // UDP reply from a NAT dest.
  const udp = buildPacket({
    ip: { v: 4, src: ip4('10.0.1.91'), dst: ip4('192.168.9.101') },
    l4: { kind: 'udp', srcPort: 8080, dstPort: 5353 },
  });
  t.is(runCbpf(prog, udp, IP), c);
});

test('IPv4 ICMP: an error to a VIP follows the quoted reply; ICMP from a NAT dest goes by destination', (t) => {
  const c = mixOf(w4('192.168.9.101'));
  const reply = tcp4('10.0.0.90', 80, '192.168.9.101', 40000);
  t.is(runCbpf(prog, icmpAbout({ v: 4, src: ip4('10.5.5.5'), dst: ip4('10.0.0.90') }, reply, false), IP), c);
  const fromRs = icmpAbout({ v: 4, src: ip4('10.0.1.91'), dst: ip4('192.168.9.101') }, reply, false);
  t.is(runCbpf(prog, fromRs, IP), c);
  const echo = buildPacket({
    ip: { v: 4, src: ip4('192.168.9.101'), dst: ip4('10.0.0.90') },
    l4: { kind: 'icmp4', type: 8, code: 0 },
  });
  t.is(runCbpf(prog, echo, IP), c, 'echo request to a VIP: by source');
});

test('IPv6 NAT and ICMPv6 packet too big to a VIP give the client value', (t) => {
  const c = mixOf(w6('2001:db8::65'));
  t.is(runCbpf(prog, l4v6('tcp', '2001:db8::65', 40000, 'fd00::90', 80), IP6), c);
  t.is(runCbpf(prog, l4v6('tcp', 'fd00::a:91', 8080, '2001:db8::65', 40000), IP6), c);
  t.is(runCbpf(prog, l4v6('udp', 'fd00::a:91', 8080, '2001:db8::65', 40000), IP6), c);
  t.is(runCbpf(prog, l4v6('tcp', 'fd00::a:91', 22, '2001:db8::65', 40000), IP6), mixOf(w6('fd00::a:91')));
  const reply = l4v6('tcp', 'fd00::90', 80, '2001:db8::65', 40000);
  const ptb = icmpAbout({ v: 6, src: ip6('fd00::5'), dst: ip6('fd00::90') }, reply, true);
  t.is(runCbpf(prog, ptb, IP6), c);
});

test('not IP (ARP): 0, the first socket; truncated packets end the program with 0', (t) => {
  t.is(runCbpf(prog, new Uint8Array(28), 0x0806), 0);
  t.is(runCbpf(prog, tcp4('10.0.1.91', 8080, '192.168.9.101', 40000).subarray(0, 21), IP), 0);
});

test('property: for any client and port, request and reply land on the same socket for 1..8 sockets', (t) => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0x01000000, max: 0xdfffffff }),
      fc.integer({ min: 1, max: 65535 }),
      (caddr, cport) => {
        const cl = [(caddr >>> 24) & 255, (caddr >>> 16) & 255, (caddr >>> 8) & 255, caddr & 255].join('.');
        const q = runCbpf(prog, tcp4(cl, cport, '10.0.0.90', 80), IP);
        const r = runCbpf(prog, tcp4('10.0.1.91', 8080, cl, cport), IP);
        for (let n = 1; n <= 8; n++) if (q % n !== r % n) return false;
        return q === mixOf([caddr >>> 0]);
      },
    ),
    { numRuns: 500, seed: 11 },
  );
  t.pass();
});

test('large rule sets: 1300 NAT (addr, port) pairs resolve every jump; a late one still matches', (t) => {
  const natDests: FanoutSpec['natDests'][number][] = [];
  for (let i = 0; i < 13; i++)
    for (let p = 0; p < 100; p++) natDests.push({ af: 4, addr: w4(`10.1.${i}.1`), port: 1000 + p });
  natDests.push({ af: 4, addr: w4('10.1.0.1'), port: 2000 }); // a second group for the same address
  const big = fanoutProgram({ vips: SPEC.vips, natDests });
  t.true(big.length <= MAX_FANOUT_INSNS, String(big.length));
  const c = mixOf(w4('192.168.9.101'));
  t.is(runCbpf(big, tcp4('10.1.12.1', 1099, '192.168.9.101', 40000), IP), c);
  t.is(runCbpf(big, tcp4('10.1.0.1', 2000, '192.168.9.101', 40000), IP), c);
  t.is(runCbpf(big, tcp4('10.1.12.1', 1100, '192.168.9.101', 40000), IP), mixOf(w4('10.1.12.1')));
  const tooBig = natDests.concat(natDests.map((d) => ({ ...d, port: d.port + 5000 })));
  t.throws(() => fanoutProgram({ vips: [], natDests: tooBig }), { instanceOf: RangeError });
});
