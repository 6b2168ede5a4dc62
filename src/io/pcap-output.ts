/**
 * CaptureOutput: the buffered byte sink under the pcap and pcapng writers.
 *
 * Owns: one reused output buffer and, for files, the file descriptor it flushes to with
 * writeSync; for memory output, a buffer that grows and is handed back by bytes().
 * Must not: know any capture format. Invariant: bytes leave in the order they were reserved;
 * `offset` is the total number of bytes produced so far.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

const DEFAULT_CHUNK = 1 << 20;

export class CaptureOutput {
  /** Output buffer; writers fill buf[pos ..] after reserve(). */
  buf: Uint8Array;
  /** DataView over buf (rebuilt when buf grows). */
  view: DataView;
  /** Next free byte in buf. */
  pos = 0;
  private flushed = 0;
  private readonly fd: number;
  private readonly ownsFd: boolean;
  private readonly memory: boolean;
  private closed = false;

  private constructor(fd: number, ownsFd: boolean, size: number) {
    this.fd = fd;
    this.ownsFd = ownsFd;
    this.memory = fd < 0;
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
  }

  /** Create (or truncate) a file and write to it. */
  static toFile(path: string, chunkSize = DEFAULT_CHUNK): CaptureOutput {
    return new CaptureOutput(openSync(path, 'w'), true, chunkSize);
  }

  /** Write to an already open descriptor (e.g. 1 for stdout); close() does not close it. */
  static toFd(fd: number, chunkSize = DEFAULT_CHUNK): CaptureOutput {
    return new CaptureOutput(fd, false, chunkSize);
  }

  /** Collect everything in memory; read it back with bytes(). */
  static toMemory(initialSize = 64 * 1024): CaptureOutput {
    return new CaptureOutput(-1, false, initialSize);
  }

  /** Total bytes produced so far (flushed + buffered). */
  get offset(): number {
    return this.flushed + this.pos;
  }

  /** Make room for n more bytes at buf[pos]. */
  reserve(n: number): void {
    if (this.closed) throw new Error('CaptureOutput: write after close');
    if (this.pos + n <= this.buf.length) return;
    if (!this.memory) {
      this.flush();
      if (n <= this.buf.length) return;
    }
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
    this.view = new DataView(grown.buffer);
  }

  /** Append len bytes of src from off. */
  writeBytes(src: Uint8Array, off: number, len: number): void {
    this.reserve(len);
    this.buf.set(off === 0 && len === src.length ? src : src.subarray(off, off + len), this.pos);
    this.pos += len;
  }

  /** Append n zero bytes (padding). */
  writeZeros(n: number): void {
    this.reserve(n);
    this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
  }

  /** Push buffered bytes to the descriptor (no-op for memory output). */
  flush(): void {
    if (this.memory || this.closed) return;
    let done = 0;
    while (done < this.pos) done += writeSync(this.fd, this.buf, done, this.pos - done);
    this.flushed += this.pos;
    this.pos = 0;
  }

  /** A copy of everything written (memory output only). */
  bytes(): Uint8Array {
    if (!this.memory) throw new Error('CaptureOutput.bytes(): not a memory output');
    return this.buf.slice(0, this.pos);
  }

  /** Flush and, for toFile(), close the descriptor. Idempotent. */
  close(): void {
    if (this.closed) return;
    try {
      this.flush();
    } finally {
      this.closed = true;
      if (this.ownsFd) closeSync(this.fd);
    }
  }
}
