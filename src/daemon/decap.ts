/**
 * `uvs decap`: the real-server side of LVS-TUN on a host without the `ipip` module. A raw
 * IPPROTO_IPIP socket receives every IPIP packet addressed to this host (outer header included);
 * each inner IPv4 packet addressed to one of the given VIPs is written into a TUN device, so the
 * local stack receives it as if it had arrived on an interface, and answers the client directly
 * (the VIP must be a local address, usually on `lo`, as for any LVS-TUN real server).
 *
 * Setup it does itself: creates the TUN device, brings it up, and turns reverse-path filtering
 * off on it (the inner packet's source, the client, is not routed via the TUN device, so rp_filter
 * would drop it; the effective value is the maximum of `all` and the device's, so `all` is set
 * to 0 too, and logged). Counts what it did; prints the counts as JSON when it stops.
 * Not handled: IPv6 outer headers (6in6 or 4in6), which need a raw IPv6 socket.
 */
import { spawnSync } from 'node:child_process';
import { RawIpLink } from '../io/raw-ip-socket.js';
import { TunLink } from '../io/tun-link.js';
import { FrameBatch } from '../wire/frame-batch.js';
import { parseIpv4Addr } from '../wire/addr.js';
import { Ipv4View, rd32 } from '../wire/index.js';
import { createLogger } from './log.js';

export interface DecapOptions {
  vips: string[];
  tun: string;
}

export interface DecapCounts {
  received: number;
  decapsulated: number;
  notVip: number;
  malformed: number;
  tunBusy: number;
}

/** Pure: which frames of `rx` to hand to the TUN device, written into `tx` (sharing rx's bytes). */
export function decapBatch(
  rx: FrameBatch,
  tx: FrameBatch,
  vips: Set<number>,
  counts: DecapCounts,
  outer = new Ipv4View(),
  inner = new Ipv4View(),
): void {
  let n = 0;
  for (let i = 0; i < rx.count; i++) {
    counts.received++;
    const off = rx.off[i]!;
    const end = off + rx.len[i]!;
    if (outer.wrap(rx.data, off, end) !== 0 || outer.proto() !== 4 || outer.isFragment()) {
      counts.malformed++;
      continue;
    }
    const io = outer.l4Off();
    if (inner.wrap(rx.data, io, outer.l4End()) !== 0 || !inner.csumOk()) {
      counts.malformed++;
      continue;
    }
    if (vips.size > 0 && !vips.has(rd32(rx.data, io + 16))) {
      counts.notVip++;
      continue;
    }
    tx.off[n] = io;
    tx.len[n] = inner.totalLen();
    n++;
  }
  tx.count = n;
}

/** Runs until SIGTERM/SIGINT; resolves with the counts. */
export async function runDecap(opts: DecapOptions): Promise<DecapCounts> {
  const log = createLogger('uvs-decap');
  const vips = new Set<number>();
  for (const v of opts.vips) {
    const a = parseIpv4Addr(v);
    if (a === null) throw new Error(`--vip: not an IPv4 address: ${v}`);
    vips.add(a);
  }
  const tun = TunLink.open({ name: opts.tun });
  const sysctl = (k: string, v: string): void => {
    const r = spawnSync('sysctl', ['-qw', `${k}=${v}`], { encoding: 'utf8' });
    if (r.status !== 0) log.warn({ key: k, err: r.stderr.trim() }, 'sysctl failed');
  };
  const up = spawnSync('ip', ['link', 'set', tun.name, 'up'], { encoding: 'utf8' });
  if (up.status !== 0) throw new Error(`cannot bring ${tun.name} up: ${up.stderr.trim()}`);
  sysctl(`net.ipv4.conf.${tun.name}.rp_filter`, '0');
  sysctl('net.ipv4.conf.all.rp_filter', '0');
  const raw = RawIpLink.ipipReceiver();
  const rx = new FrameBatch(64, 2048, 0);
  const tx = rx.txView();
  const counts: DecapCounts = { received: 0, decapsulated: 0, notVip: 0, malformed: 0, tunBusy: 0 };
  const outer = new Ipv4View();
  const inner = new Ipv4View();
  raw.onReadable(() => {
    for (let k = 0; k < 64; k++) {
      if (raw.recv(rx) <= 0) return;
      decapBatch(rx, tx, vips, counts, outer, inner);
      if (tx.count === 0) continue;
      const sent = tun.send(tx);
      if (sent > 0) counts.decapsulated += sent;
      if (sent < tx.count) counts.tunBusy += tx.count - Math.max(sent, 0);
    }
  });
  log.info({ tun: tun.name, vips: opts.vips }, 'decapsulating IPIP into the TUN device');
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  raw.onReadable(null);
  await raw.close();
  await tun.close();
  log.info(counts, 'stopped');
  return counts;
}
