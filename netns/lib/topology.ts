/**
 * Named topologies for real-traffic tests and the demo: one bridged LAN (a bridge inside a switch
 * namespace), clients, one director and N real servers, each in its own namespace with one veth
 * `e0` on the LAN. Real servers are set up for the forwarding method under test and run an HTTP
 * server and a UDP echo that answer with their identity (`rs1`, `rs2`, ...).
 *
 * Per-mode real-server settings follow the LVS HOWTOs and the kernel's ipvs.sh selftest:
 * DR and TUN: the VIP on `lo`, arp_ignore=1 and arp_announce=2 (the real server neither answers
 * nor announces the VIP), rp_filter 0; TUN also runs `uvs decap --vip VIP` (the real-server side
 * of IPIP without the ipip module); NAT: the route to the clients goes via the director.
 * Client veths keep the kernel's default offloads (partial checksums, TSO) unless
 * `clientOffloads: false`, which turns them off with ethtool on both ends.
 * Must not: address anything outside its own namespaces. Invariants: `teardown()` is idempotent
 * and also runs on process exit and on SIGINT/SIGTERM/SIGHUP (see ns.ts); building sweeps the
 * namespaces of dead runs first; IPv6 is off in every namespace unless `ipv6: true`.
 */
import {
  findTool,
  nsAdd,
  nsDel,
  nsExec,
  nsIp,
  nsSpawn,
  nsSysctl,
  projectRoot,
  runPrefix,
  sweepDeadRuns,
  type SpawnedProcess,
} from './ns.js';
import { join } from 'node:path';

export type FwdMode = 'dr' | 'tun' | 'nat';

export interface TopologySpec {
  /** Names this kind of run: namespaces are `uvsn-<tag>-<pid>-<role>`. a-z0-9, 1-10 chars. */
  tag: string;
  mode: FwdMode;
  /** Real servers (default 3): rs1 = .11, rs2 = .12, ... */
  realServers?: number;
  /** Clients (default 1): cl1 = .1, cl2 = .2, ... */
  clients?: number;
  /** First three octets of the LAN /24 (default '10.77.0'); director .254, VIP .100. */
  lan?: string;
  vport?: number;
  udpPort?: number;
  /** false turns tx checksum offload, TSO and GSO off on the client veths (needs ethtool). */
  clientOffloads?: boolean;
  /** Keep IPv6 on in every namespace (default off: no router solicitations or MLD on the LAN). */
  ipv6?: boolean;
  /** Folder for the services' logs (default: output kept in memory only). */
  logDir?: string;
}

export interface Host {
  /** Role name: cl1, dir, rs1, ... */
  role: string;
  ns: string;
  addr: string;
  ifname: string;
}

export interface Topology {
  readonly spec: Readonly<TopologySpec>;
  readonly mode: FwdMode;
  readonly prefix: string;
  readonly vip: string;
  readonly vport: number;
  readonly udpPort: number;
  readonly lanCidr: string;
  readonly switchNs: string;
  readonly director: Host;
  readonly clients: readonly Host[];
  readonly realServers: readonly Host[];
  /** Processes the topology started (servers, decap), by role. */
  readonly services: readonly SpawnedProcess[];
  /** Runs a command inside a namespace and returns its stdout (throws on failure). */
  exec(ns: string, cmd: string, ...args: string[]): string;
  /** Starts a process inside a namespace; it is killed at teardown at the latest. */
  spawn(
    ns: string,
    name: string,
    argv: readonly string[],
    opts?: { logFile?: string; env?: NodeJS.ProcessEnv },
  ): SpawnedProcess;
  /** Kills every process started here and removes every namespace; safe to call twice. */
  teardown(): void;
}

/** The real-server program: HTTP and UDP echo, both answering with the server's name. */
function serverScript(name: string, port: number, udpPort: number, ipv6: boolean): string {
  const n = JSON.stringify(name);
  return [
    `const http=require('http'),dgram=require('dgram');let up=0;`,
    `const ok=()=>{if(++up===2)process.stdout.write('up\\n')};`,
    `http.createServer((q,s)=>{q.resume();s.setHeader('connection','close');s.end(${n}+'\\n')})`,
    `.listen(${port},${ipv6 ? "'::'" : "'0.0.0.0'"},ok);`,
    `const u=dgram.createSocket(${ipv6 ? "{type:'udp6',ipv6Only:false}" : "'udp4'"});`,
    `u.on('message',(m,r)=>u.send(Buffer.concat([Buffer.from(${n}+' '),m]),r.port,r.address));`,
    `u.bind(${udpPort},ok);`,
  ].join('');
}

/** buildTopology creates the namespaces, links and services of `spec`; torn down on any failure. */
export async function buildTopology(spec: TopologySpec): Promise<Topology> {
  const prefix = runPrefix(spec.tag);
  const lan = spec.lan ?? '10.77.0';
  const nRs = spec.realServers ?? 3;
  const nCl = spec.clients ?? 1;
  if (nRs < 1 || nRs > 80 || nCl < 1 || nCl > 10) throw new Error('1-80 real servers and 1-10 clients');
  const vport = spec.vport ?? 80;
  const udpPort = spec.udpPort ?? 7;
  const ipv6 = spec.ipv6 === true;
  const vip = `${lan}.100`;
  const ethtool = spec.clientOffloads === false ? findTool('ethtool') : null;
  if (spec.clientOffloads === false && ethtool === null)
    throw new Error('clientOffloads: false needs ethtool (apt-get install ethtool)');

  const host = (role: string, addr: string): Host => ({ role, ns: prefix + role, addr, ifname: 'e0' });
  const switchNs = `${prefix}sw`;
  const director = host('dir', `${lan}.254`);
  const clients = Array.from({ length: nCl }, (_, i) => host(`cl${i + 1}`, `${lan}.${i + 1}`));
  const realServers = Array.from({ length: nRs }, (_, i) => host(`rs${i + 1}`, `${lan}.${11 + i}`));
  const services: SpawnedProcess[] = [];
  const made: string[] = [];
  let down = false;

  const topo: Topology = {
    spec,
    mode: spec.mode,
    prefix,
    vip,
    vport,
    udpPort,
    lanCidr: `${lan}.0/24`,
    switchNs,
    director,
    clients,
    realServers,
    services,
    exec: nsExec,
    spawn(ns, name, argv, opts = {}) {
      const p = nsSpawn(ns, name, argv, opts);
      services.push(p);
      return p;
    },
    teardown() {
      if (down) return;
      down = true;
      for (const p of services) p.child.kill('SIGKILL');
      for (const ns of made.splice(0).reverse()) nsDel(ns);
    },
  };

  const addNs = (ns: string): void => {
    made.push(ns);
    nsAdd(ns);
    if (!ipv6) nsSysctl(ns, 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1');
  };

  try {
    sweepDeadRuns();
    addNs(switchNs);
    nsIp(switchNs, 'link', 'add', 'br0', 'type', 'bridge');
    nsIp(switchNs, 'link', 'set', 'br0', 'up');
    for (const h of [director, ...clients, ...realServers]) {
      addNs(h.ns);
      const port = `p-${h.role}`;
      nsIp(h.ns, 'link', 'add', h.ifname, 'type', 'veth', 'peer', 'name', port, 'netns', switchNs);
      nsIp(switchNs, 'link', 'set', port, 'master', 'br0');
      nsIp(switchNs, 'link', 'set', port, 'up');
      nsIp(h.ns, 'addr', 'add', `${h.addr}/24`, 'dev', h.ifname);
      if (ethtool !== null && h.role.startsWith('cl')) {
        for (const [ns, dev] of [
          [h.ns, h.ifname],
          [switchNs, port],
        ] as const)
          nsExec(ns, ethtool, '-K', dev, 'tx', 'off', 'tso', 'off', 'gso', 'off');
      }
      nsIp(h.ns, 'link', 'set', h.ifname, 'up');
    }
    const root = projectRoot();
    for (const rs of realServers) {
      if (spec.mode === 'nat') {
        for (const cl of clients) nsIp(rs.ns, 'route', 'add', `${cl.addr}/32`, 'via', director.addr);
      } else {
        nsIp(rs.ns, 'addr', 'add', `${vip}/32`, 'dev', 'lo');
        nsSysctl(
          rs.ns,
          'net.ipv4.conf.all.arp_ignore=1',
          'net.ipv4.conf.all.arp_announce=2',
          'net.ipv4.conf.all.rp_filter=0',
          'net.ipv4.conf.default.rp_filter=0',
          `net.ipv4.conf.${rs.ifname}.rp_filter=0`,
        );
      }
      const log = (what: string): { logFile?: string } =>
        spec.logDir === undefined ? {} : { logFile: join(spec.logDir, `${rs.role}-${what}.log`) };
      topo.spawn(
        rs.ns,
        rs.role,
        [process.execPath, '-e', serverScript(rs.role, vport, udpPort, ipv6)],
        log('server'),
      );
      if (spec.mode === 'tun')
        topo.spawn(
          rs.ns,
          `${rs.role} decap`,
          [process.execPath, join(root, 'bin', 'uvs'), 'decap', '--vip', vip],
          log('decap'),
        );
    }
    await Promise.all(
      services.map((p) =>
        p.waitFor(p.name.endsWith('decap') ? 'decapsulating IPIP' : 'up', 10_000).catch((err: Error) => {
          throw new Error(`${err.message}\n${p.output()}`);
        }),
      ),
    );
  } catch (err) {
    topo.teardown();
    throw err;
  }
  return topo;
}

/** withTopology builds `spec`, runs `fn` with it, and tears it down whatever happens. */
export async function withTopology<T>(spec: TopologySpec, fn: (topo: Topology) => Promise<T>): Promise<T> {
  const topo = await buildTopology(spec);
  try {
    return await fn(topo);
  } finally {
    topo.teardown();
  }
}
