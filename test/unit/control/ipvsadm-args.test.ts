// ipvsadm 1.31 command lines that parse: the man page examples, popt details, defaults and the
// order-dependent behaviours ipvsadm has.
import test from 'ava';
import { parseIpvsadmArgs } from '../../../src/control/ipvsadm-args.js';
import type { ParsedCommand, ParseOptions } from '../../../src/control/ipvsadm-args.js';
import { defaultDest, defaultService } from '../../../src/control/model.js';
import type { DestSpec, ServiceKey, ServiceSpec } from '../../../src/control/model.js';

function ok(argv: string[], opts?: ParseOptions): ParsedCommand {
  const r = parseIpvsadmArgs(argv, opts);
  if (r.kind === 'error') throw new Error(`${argv.join(' ')}: ${r.stderr}`);
  return r;
}
const key = (proto: 'tcp' | 'udp', vaddr: string, vport: number, af: 4 | 6 = 4): ServiceKey => ({
  af,
  proto,
  vaddr,
  vport,
  fwmark: 0,
});
const svc = (k: ServiceKey, over: Partial<ServiceSpec> = {}): ServiceSpec => ({
  ...defaultService(k),
  ...over,
});
const dest = (af: 4 | 6, daddr: string, dport: number, over: Partial<DestSpec> = {}): DestSpec => ({
  ...defaultDest(af, daddr, dport),
  ...over,
});
const argv = (line: string): string[] => line.split(/\s+/).filter((w) => w !== '' && w !== 'ipvsadm');

test('man page examples (ipvsadm.md 1.1)', (t) => {
  const v = key('tcp', '207.175.44.110', 80);
  t.deepEqual(ok(argv('ipvsadm -A -t 207.175.44.110:80 -s rr')), {
    kind: 'add-service',
    svc: svc(v, { sched: 'rr' }),
  });
  t.deepEqual(ok(argv('ipvsadm -a -t 207.175.44.110:80 -r 192.168.10.1:80 -m')), {
    kind: 'add-dest',
    svc: v,
    dest: dest(4, '192.168.10.1', 80, { fwd: 'nat' }),
  });
  const f = { af: 4, proto: 'tcp', vaddr: '0.0.0.0', vport: 0, fwmark: 1 } as const;
  t.deepEqual(ok(argv('ipvsadm -A -f 1  -s rr')), { kind: 'add-service', svc: svc(f, { sched: 'rr' }) });
  t.deepEqual(ok(argv('ipvsadm -a -f 1 -r 192.168.10.1:0 -m')), {
    kind: 'add-dest',
    svc: f,
    dest: dest(4, '192.168.10.1', 0, { fwd: 'nat' }),
  });
  t.deepEqual(ok(argv('ipvsadm -a -t 10.0.0.1:80 -r 192.168.11.1:80 -i --tun-type gre --tun-csum')), {
    kind: 'add-dest',
    svc: key('tcp', '10.0.0.1', 80),
    dest: dest(4, '192.168.11.1', 80, { fwd: 'tun', tunType: 'gre', tunCsum: 'csum' }),
  });
  const v6 = key('tcp', '2001:db8::80', 80, 6);
  t.deepEqual(ok(argv('ipvsadm -A -t [2001:db8::80]:80 -s rr')), {
    kind: 'add-service',
    svc: svc(v6, { sched: 'rr' }),
  });
  t.deepEqual(ok(argv('ipvsadm -a -t [2001:db8::80]:80 -r [2001:db8::a0a0]:80 -m')), {
    kind: 'add-dest',
    svc: v6,
    dest: dest(6, '2001:db8::a0a0', 80, { fwd: 'nat' }),
  });
  t.deepEqual(ok(argv('-a -t 207.175.44.110:80 -r 192.168.10.5:80 -i --tun-type gue --tun-port 6079')), {
    kind: 'add-dest',
    svc: v,
    dest: dest(4, '192.168.10.5', 80, { fwd: 'tun', tunType: 'gue', tunPort: 6079 }),
  });
});

test('no arguments lists the table like -L without -n', (t) => {
  const r = ok([]);
  if (r.kind !== 'list') return t.fail();
  t.is(r.target, 'all');
  t.false(r.list.numeric);
});

test('short options cluster and long options take = or the next word', (t) => {
  const a = ok(['-Lnc']);
  if (a.kind !== 'list') return t.fail();
  t.deepEqual([a.target, a.list.numeric], ['connections', true]);
  const b = ok(['--list', '--numeric', '--stats', '--exact', '--tcp-service=10.0.0.1:80']);
  if (b.kind !== 'list') return t.fail();
  t.deepEqual(
    [b.target, b.svc, b.list.style, b.list.exact],
    ['service', key('tcp', '10.0.0.1', 80), 'stats', true],
  );
  const c = ok(['-At10.0.0.1:80', '-srr']);
  t.deepEqual(c, { kind: 'add-service', svc: svc(key('tcp', '10.0.0.1', 80), { sched: 'rr' }) });
  t.is(ok(['-l']).kind, 'list');
  t.is(ok(['-L', '--numeric=ignored']).kind, 'list');
});

test('list styles follow ipvsadm precedence, --json is accepted with -L', (t) => {
  const style = (...a: string[]) => {
    const r = ok(['-L', ...a]);
    return r.kind === 'list' ? r.list.style : '';
  };
  t.is(style('--rate', '--stats'), 'stats');
  t.is(style('--thresholds', '--rate'), 'rate');
  t.is(style('--persistent-conn', '--thresholds'), 'thresholds');
  t.is(style('--tun-info', '--persistent-conn'), 'persistent-conn');
  t.is(style('--tun-info'), 'tun-info');
  t.is(style('--sort'), 'plain');
  const j = ok(['-Ln', '--json']);
  t.true(j.kind === 'list' && j.list.json);
  const tmo = ok(['-L', '--timeout']);
  t.true(tmo.kind === 'list' && tmo.target === 'timeout');
  const dmn = ok(['-L', '--daemon']);
  t.true(dmn.kind === 'list' && dmn.target === 'daemon');
});

test('-p takes the next word unless it starts with "-" (popt optional value)', (t) => {
  const timeout = (...a: string[]) => {
    const r = ok(['-A', '-t', '1.2.3.4:80', ...a]);
    return r.kind === 'add-service' ? [r.svc.flags.persistent, r.svc.timeout, r.svc.sched] : [];
  };
  t.deepEqual(timeout('-p'), [true, 360, 'wlc']);
  t.deepEqual(timeout('-p', '-s', 'rr'), [true, 360, 'rr']);
  t.deepEqual(timeout('-p', '60'), [true, 60, 'wlc']);
  t.deepEqual(timeout('-p60'), [true, 60, 'wlc']);
  t.deepEqual(timeout('-p=60'), [true, 60, 'wlc']);
  t.deepEqual(timeout('--persistent=2678400'), [true, 2678400, 'wlc']);
  t.deepEqual(timeout('--persistent', '60'), [true, 60, 'wlc']);
});

test('port 0 is fine with -p; fwmark and UDP allow -o', (t) => {
  const a = ok(['-A', '-t', '10.0.0.1', '-p']);
  t.true(a.kind === 'add-service' && a.svc.vport === 0);
  const b = ok(['-A', '-u', '10.0.0.1:53', '-o']);
  t.true(b.kind === 'add-service' && b.svc.flags.onePacket && b.svc.proto === 'udp');
  const c = ok(['-A', '-f', '7', '-o']);
  t.true(c.kind === 'add-service' && c.svc.flags.onePacket && c.svc.fwmark === 7);
});

test('-e and -E send every field: omitted options revert to defaults', (t) => {
  t.deepEqual(ok(['-e', '-t', '1.2.3.4:80', '-r', '5.6.7.8:80', '-w', '5']), {
    kind: 'edit-dest',
    svc: key('tcp', '1.2.3.4', 80),
    dest: dest(4, '5.6.7.8', 80, { weight: 5, fwd: 'dr' }),
  });
  t.deepEqual(ok(['-E', '-t', '1.2.3.4:80']), { kind: 'edit-service', svc: svc(key('tcp', '1.2.3.4', 80)) });
});

test('DR and TUN dests take the service port; NAT keeps its own; -r without port copies it', (t) => {
  const port = (...a: string[]) => {
    const r = ok(['-a', '-t', '1.2.3.4:80', ...a]);
    return r.kind === 'add-dest' ? r.dest.dport : -1;
  };
  t.is(port('-r', '5.6.7.8:8080'), 80);
  t.is(port('-r', '5.6.7.8:8080', '-i'), 80);
  t.is(port('-r', '5.6.7.8:8080', '-m'), 8080);
  t.is(port('-r', '5.6.7.8', '-m'), 80);
  const f = ok(['-a', '-f', '3', '-r', '5.6.7.8:8080']);
  t.true(f.kind === 'add-dest' && f.dest.dport === 8080, 'fwmark services keep the dest port');
  const d = ok(['-d', '-t', '1.2.3.4:80', '-r', '5.6.7.8:8080']);
  t.true(d.kind === 'delete-dest' && d.dest.dport === 8080, '-d does not force the port');
});

test('option order matters as in ipvsadm: -r before -t, -M before -t [v6]', (t) => {
  const a = ok(['-a', '-r', '5.6.7.8', '-t', '1.2.3.4:80', '-m']);
  t.true(a.kind === 'add-dest' && a.dest.dport === 0);
  const b = ok(['-A', '-M', '64', '-t', '[::1]:80', '-p']);
  t.true(b.kind === 'add-service' && b.svc.netmask === 128);
  const c = ok(['-A', '-t', '[::1]:80', '-p', '-M', '64']);
  t.true(c.kind === 'add-service' && c.svc.netmask === 64);
  const d = ok(['-A', '-t', '1.2.3.4:80', '-p', '-M', '255.255.255.0']);
  t.true(d.kind === 'add-service' && d.svc.netmask === 0xffffff00);
  const e = ok(['-A', '-f', '1', '-6', '-p']);
  t.true(e.kind === 'add-service' && e.svc.af === 6 && e.svc.vaddr === '::' && e.svc.netmask === 128);
});

test('addresses: inet_aton forms, bare IPv6, canonical text', (t) => {
  const vaddr = (s: string) => {
    const r = ok(['-A', '-t', s, '-p']);
    return r.kind === 'add-service' ? [r.svc.af, r.svc.vaddr, r.svc.vport] : [];
  };
  t.deepEqual(vaddr('10.1:80'), [4, '10.0.0.1', 80]);
  t.deepEqual(vaddr('0x0a000001:80'), [4, '10.0.0.1', 80]);
  t.deepEqual(vaddr('010.0.0.1:80'), [4, '8.0.0.1', 80]);
  t.deepEqual(vaddr('1.2.3.4:+80'), [4, '1.2.3.4', 80]);
  t.deepEqual(vaddr('[2001:DB8:0:0:0:0:0:80]:443'), [6, '2001:db8::80', 443]);
  t.deepEqual(vaddr('fd00::10:80'), [6, 'fd00::10:80', 0], 'a bare IPv6 literal has no port');
  t.deepEqual(vaddr('[1.2.3.4]:80'), [4, '1.2.3.4', 0], 'ipvsadm drops the port of a bracketed IPv4');
});

test('names go through the resolver', (t) => {
  const resolver = {
    host: (n: string) => (n === 'web' ? '10.0.0.5' : undefined),
    service: (n: string, p: string) => (n === 'http' && p === 'tcp' ? 80 : undefined),
  };
  t.deepEqual(ok(['-A', '-t', 'web:http'], { resolver }), {
    kind: 'add-service',
    svc: svc(key('tcp', '10.0.0.5', 80)),
  });
  const m = ok(['-A', '-t', '1.2.3.4:80', '-p', '-M', 'web'], { resolver });
  t.true(m.kind === 'add-service' && m.svc.netmask === 0x0a000005);
});

test('scheduler flags: names per scheduler, bits shared', (t) => {
  const flags = (...a: string[]) => {
    const r = ok(['-A', '-t', '1.2.3.4:80', ...a]);
    return r.kind === 'add-service' ? r.svc.flags.schedFlags : -1;
  };
  t.is(flags('-s', 'sh', '-b', 'sh-fallback,sh-port'), 3);
  t.is(flags('-b', 'sh-port', '-s', 'sh'), 2, 'the check uses the final -s');
  t.is(flags('-s', 'mh', '-b', 'mh-port'), 2);
  t.is(flags('-b', 'flag-1,,flag-3'), 5);
  t.is(flags('-b', ''), 0);
  const r = ok(['-A', '-t', '1.2.3.4:80', '-s', 'averyveryverylongname']);
  t.true(r.kind === 'add-service' && r.svc.sched === 'averyveryverylo', 'truncated to 15 like strncpy');
});

test('other commands', (t) => {
  t.deepEqual(ok(['-C']), { kind: 'clear' });
  t.deepEqual(ok(['-R']), { kind: 'restore' });
  t.deepEqual(ok(['-S', '-n']), { kind: 'save', numeric: true });
  t.deepEqual(ok(['-S']), { kind: 'save', numeric: false });
  t.deepEqual(ok(['-Z']), { kind: 'zero', svc: null });
  t.deepEqual(ok(['-Z', '-u', '1.2.3.4:53']), { kind: 'zero', svc: key('udp', '1.2.3.4', 53) });
  t.deepEqual(ok(['-D', '-t', '1.2.3.4:80']), { kind: 'delete-service', svc: key('tcp', '1.2.3.4', 80) });
  t.deepEqual(ok(['--set', '900', '120', '300']), {
    kind: 'set-timeouts',
    timeouts: { tcp: 900, tcpFin: 120, udp: 300 },
  });
  t.deepEqual(ok(['-h', 'junk', '--bogus']), { kind: 'help' });
  t.deepEqual(ok(['--help']), { kind: 'help' });
  t.deepEqual(ok(['-v']), { kind: 'version' });
  t.deepEqual(ok(['--start-daemon', 'master', '--mcast-interface', 'eth1', '--syncid', '5']), {
    kind: 'start-daemon',
    daemon: {
      state: 'master',
      mcastIfn: 'eth1',
      syncid: 5,
      syncMaxlen: 0,
      mcastGroup: '',
      mcastPort: 0,
      mcastTtl: 0,
    },
  });
  t.deepEqual(ok(['--start-daemon=backup', '--mcast-group', '224.0.0.81', '--mcast-port', '8848']), {
    kind: 'start-daemon',
    daemon: {
      state: 'backup',
      mcastIfn: 'eth0',
      syncid: 0,
      syncMaxlen: 0,
      mcastGroup: '224.0.0.81',
      mcastPort: 8848,
      mcastTtl: 0,
    },
  });
  t.deepEqual(ok(['--stop-daemon', 'backup']), { kind: 'stop-daemon', state: 'backup', syncid: 0 });
  t.deepEqual(ok(['-a', '-t', '1.2.3.4:80', '-r', '5.6.7.8', '-x', '100', '-y', '10', '-w', '0']), {
    kind: 'add-dest',
    svc: key('tcp', '1.2.3.4', 80),
    dest: dest(4, '5.6.7.8', 80, { weight: 0, uThreshold: 100, lThreshold: 10 }),
  });
  t.is(parseIpvsadmArgs(['--sctp-service', '1.2.3.4:9', '-D']).kind, 'error');
  const sctp = ok(['-D', '--sctp-service', '1.2.3.4:9']);
  t.true(sctp.kind === 'delete-service' && sctp.svc.proto === 'sctp');
});
