/**
 * NeighborRing: neighbours the engine saw answer the director (ARP replies, Neighbor
 * Advertisements), queued on the per-packet path without allocating and drained by the daemon
 * on the control path, which applies only those that are real servers' addresses.
 * Bounded: when full, the newest entries are dropped (the daemon asks again).
 */
export class NeighborRing {
  readonly capacity: number;
  count = 0;
  private head = 0;
  private readonly af: Uint8Array;
  private readonly words: Uint32Array;
  private readonly mac: Float64Array;

  constructor(capacity = 64) {
    this.capacity = capacity;
    this.af = new Uint8Array(capacity);
    this.words = new Uint32Array(capacity * 4);
    this.mac = new Float64Array(capacity);
  }

  /** HOT PATH. Queue (af, addr, mac); false when full. */
  push(af: 4 | 6, addr: Uint32Array, mac: number): boolean {
    if (this.count === this.capacity) return false;
    const i = (this.head + this.count) % this.capacity;
    this.af[i] = af;
    for (let w = 0; w < 4; w++) this.words[i * 4 + w] = addr[w]!;
    this.mac[i] = mac;
    this.count++;
    return true;
  }

  /** Control path. The oldest entry as [af, words, mac]; call only when count > 0. */
  shift(): [4 | 6, Uint32Array, number] {
    const i = this.head;
    const entry: [4 | 6, Uint32Array, number] = [
      this.af[i] === 6 ? 6 : 4,
      Uint32Array.of(
        this.words[i * 4]!,
        this.words[i * 4 + 1]!,
        this.words[i * 4 + 2]!,
        this.words[i * 4 + 3]!,
      ),
      this.mac[i]!,
    ];
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    return entry;
  }
}
