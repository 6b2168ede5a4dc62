/**
 * uvsd: the composition root. Reads the interface facts and the rules, installs the kernel
 * guard, starts the forwarding workers, serves the control socket, and handles signals:
 * SIGHUP reloads `--rules` by diff (untouched services lose nothing), SIGTERM/SIGINT stop
 * cleanly (workers, socket, guard removed). Logs JSON lines.
 */
import { readFileSync } from 'node:fs';
import { parseRulesFile } from '../control/rules-file.js';
import { canonicalAddr, addrWords } from '../control/addr-text.js';
import { serviceKey, type IpvsTimeouts, type RuleSet } from '../control/model.js';
import { ControlServer, socketPath } from '../io/control-socket.js';
import { installGuard, removeGuard, type GuardSpec } from '../io/nft-guard.js';
import { netdevInfo } from '../io/netdev.js';
import { parseMacNum } from '../wire/addr.js';
import { ControlApi } from './api.js';
import { createLogger } from './log.js';
import { WorkerDataPlane } from './worker-plane.js';

export interface DaemonOptions {
  ifaces: string[];
  rulesPath: string | null;
  socket: string | null;
  workers: number;
  guard: boolean;
  capacity: number;
  version: string;
}

const GUARD_TABLE = 'uvs';

function readRules(path: string | null): { rules: RuleSet; timeouts: IpvsTimeouts | null } {
  if (path === null) return { rules: { services: [] }, timeouts: null };
  const r = parseRulesFile(readFileSync(path, 'utf8'));
  if (!r.ok) throw r.error;
  return { rules: r.ruleset, timeouts: r.timeouts };
}

/** What the guard must cover for a rule set. */
function guardSpec(ifaces: string[], rules: RuleSet): GuardSpec {
  const spec: GuardSpec = { table: GUARD_TABLE, ifaces, services: [], natDests: [] };
  for (const r of rules.services) {
    const s = r.svc;
    if (s.fwmark !== 0 || (s.proto !== 'tcp' && s.proto !== 'udp')) continue;
    spec.services.push({ af: s.af, proto: s.proto, vaddr: s.vaddr, vport: s.vport });
    for (const d of r.dests) {
      if (d.fwd === 'nat')
        spec.natDests.push({ af: d.af, proto: s.proto, daddr: d.daddr, dport: d.dport || s.vport });
    }
  }
  return spec;
}

/** Runs until SIGTERM/SIGINT; resolves with the exit code. */
export async function runDaemon(opts: DaemonOptions): Promise<number> {
  const log = createLogger('uvsd');
  if (opts.ifaces.length !== 1) {
    log.error(
      { ifaces: opts.ifaces },
      'uvsd needs exactly one --iface (one-arm director); two-arm and --tun are not implemented yet',
    );
    return 2;
  }
  const iface = netdevInfo(opts.ifaces[0]!);
  const localMac = parseMacNum(iface.mac);
  if (localMac === null) throw new Error(`interface ${iface.name} has no Ethernet address`);
  let { rules, timeouts } = readRules(opts.rulesPath);
  const ip4 = iface.ipv4[0];
  const ip6 = iface.ipv6[0];
  log.info(
    { iface: iface.name, mac: iface.mac, mtu: iface.mtu, ipv4: ip4 ?? null, ipv6: ip6 ?? null },
    'interface',
  );

  if (opts.guard) {
    installGuard(guardSpec(opts.ifaces, rules));
    log.info(
      { table: `netdev ${GUARD_TABLE}`, services: rules.services.map((r) => serviceKey(r.svc)) },
      'kernel guard installed',
    );
  } else {
    log.warn(
      'running without the kernel guard (--no-guard): the kernel may answer or forward VIP traffic too',
    );
  }

  let plane: WorkerDataPlane;
  try {
    plane = await WorkerDataPlane.start(opts.workers, {
      ifaces: opts.ifaces,
      netns: '',
      fanoutGroup: process.pid & 0xffff,
      forwarder: {
        localMac,
        localIp4: ip4 === undefined ? 0 : addrWords(4, ip4)[0],
        localIp6: ip6 === undefined || canonicalAddr(6, ip6) === null ? null : addrWords(6, ip6),
        mtu: iface.mtu,
        seed: process.pid,
        capacity: opts.capacity,
        neighbors: [],
        rules: { services: [] },
        timeouts: null,
      },
    });
  } catch (err) {
    if (opts.guard) removeGuard(GUARD_TABLE);
    throw err;
  }
  const api = new ControlApi(plane, opts.version, (next) => {
    // Services added or removed over the control socket: the guard follows the table.
    if (!opts.guard) return;
    try {
      installGuard(guardSpec(opts.ifaces, next));
    } catch (err) {
      log.error({ err: err instanceof Error ? err.message : String(err) }, 'kernel guard update failed');
    }
  });
  await api.replaceRules(rules, timeouts);
  const path = socketPath(opts.socket ?? undefined);
  const server = await ControlServer.listen({ path, handler: (req) => api.handle(req) });
  log.info({ socket: path, workers: opts.workers, services: rules.services.length }, 'uvsd ready');

  return await new Promise<number>((resolve) => {
    const reload = (): void => {
      try {
        const next = readRules(opts.rulesPath);
        void api.replaceRules(next.rules, next.timeouts).then(
          () => {
            if (opts.guard) installGuard(guardSpec(opts.ifaces, next.rules));
            rules = next.rules;
            timeouts = next.timeouts;
            log.info({ services: rules.services.length }, 'rules reloaded');
          },
          (err: unknown) => log.error({ err: String(err) }, 'reload refused; the old rules stay'),
        );
      } catch (err) {
        log.error(
          { err: err instanceof Error ? err.message : String(err) },
          'reload refused; the old rules stay',
        );
      }
    };
    const stop = (signal: string): void => {
      log.info({ signal }, 'stopping');
      process.off('SIGHUP', reload);
      void (async () => {
        await server.close();
        await plane.stop();
        if (opts.guard) removeGuard(GUARD_TABLE);
        log.info('stopped; guard removed');
        resolve(0);
      })();
    };
    process.on('SIGHUP', reload);
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
