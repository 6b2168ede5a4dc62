/**
 * Traffic counters and the kernel's rate estimator, per service, per dest and global.
 *
 * Counters follow ip_vs_core.c `ip_vs_in_stats()` / `ip_vs_out_stats()` / `ip_vs_conn_stats()`:
 * conns counts scheduled connections (not templates), in = client -> real server, out = real
 * server -> client, bytes are IP lengths. The estimator follows ip_vs_est.c: every 2 s
 * `rate = delta << 9` (pkts, conns) or `delta << 4` (bytes) and `avg += (rate - avg) >> 2`;
 * a rate is read as `(avg + 0x1FF) >> 10` or `(avg + 0xF) >> 5`. Counts are JS numbers: exact to
 * 2^53, which at 100 Gbit/s of bytes lasts over two years.
 * Must not: allocate on the per-packet path (the add* methods).
 */

export const EST_INTERVAL_MS = 2000;

export class Stats {
  conns = 0;
  inPkts = 0;
  outPkts = 0;
  inBytes = 0;
  outBytes = 0;
  // Estimator state (scaled averages as the kernel keeps them).
  private lastConns = 0;
  private lastInPkts = 0;
  private lastOutPkts = 0;
  private lastInBytes = 0;
  private lastOutBytes = 0;
  private cpsAvg = 0;
  private inPpsAvg = 0;
  private outPpsAvg = 0;
  private inBpsAvg = 0;
  private outBpsAvg = 0;

  addIn(bytes: number): void {
    this.inPkts++;
    this.inBytes += bytes;
  }

  addOut(bytes: number): void {
    this.outPkts++;
    this.outBytes += bytes;
  }

  /** One 2-second estimator step (ip_vs_est.c estimation_timer / ip_vs_chain_estimation). */
  estimate(): void {
    this.cpsAvg = step(this.cpsAvg, (this.conns - this.lastConns) * 512);
    this.inPpsAvg = step(this.inPpsAvg, (this.inPkts - this.lastInPkts) * 512);
    this.outPpsAvg = step(this.outPpsAvg, (this.outPkts - this.lastOutPkts) * 512);
    this.inBpsAvg = step(this.inBpsAvg, (this.inBytes - this.lastInBytes) * 16);
    this.outBpsAvg = step(this.outBpsAvg, (this.outBytes - this.lastOutBytes) * 16);
    this.lastConns = this.conns;
    this.lastInPkts = this.inPkts;
    this.lastOutPkts = this.outPkts;
    this.lastInBytes = this.inBytes;
    this.lastOutBytes = this.outBytes;
  }

  cps(): number {
    return Math.floor((this.cpsAvg + 0x1ff) / 1024);
  }
  inPps(): number {
    return Math.floor((this.inPpsAvg + 0x1ff) / 1024);
  }
  outPps(): number {
    return Math.floor((this.outPpsAvg + 0x1ff) / 1024);
  }
  inBps(): number {
    return Math.floor((this.inBpsAvg + 0xf) / 32);
  }
  outBps(): number {
    return Math.floor((this.outBpsAvg + 0xf) / 32);
  }

  /** `ipvsadm -Z`: counters and the estimator restart from zero. */
  zero(): void {
    this.conns = this.inPkts = this.outPkts = this.inBytes = this.outBytes = 0;
    this.lastConns = this.lastInPkts = this.lastOutPkts = this.lastInBytes = this.lastOutBytes = 0;
    this.cpsAvg = this.inPpsAvg = this.outPpsAvg = this.inBpsAvg = this.outBpsAvg = 0;
  }
}

/** avg += (rate - avg) >> 2, with the arithmetic (flooring) shift of a signed 64-bit value. */
function step(avg: number, rate: number): number {
  return avg + Math.floor((rate - avg) / 4);
}
