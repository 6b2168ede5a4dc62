/**
 * CaptureSource: bounded-memory sequential byte input for the capture readers.
 *
 * Owns: one reused read buffer filled from a file descriptor in chunks (fs.readSync), or a
 * zero-copy window over a caller's Uint8Array. Must not: know any capture format or load a
 * whole file. Invariants: bytes buf[start, end) are the input at offsets [base + start,
 * base + end); ensure(n) may move or replace buf (compaction or growth), so views into buf are
 * valid only until the next ensure() or skip(); the buffer only grows to what a caller asks for.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const DEFAULT_CHUNK = 1 << 20;

export class CaptureSource {
  /** Buffered input; read through view (same bytes) with the format's byte order. */
  buf: Uint8Array;
  view: DataView;
  /** Index in buf of the current position. */
  start = 0;
  /** Index in buf past the last valid byte. */
  end = 0;
  /** Input offset of buf[0]. */
  private base = 0;
  private readonly fd: number;
  private readonly ownsFd: boolean;
  /** Known size of a regular file (grown by re-stat on demand); -1 when not seekable. */
  private size: number;
  private eof: boolean;
  private closed = false;

  private constructor(buf: Uint8Array, fd: number, ownsFd: boolean, size: number, end: number, eof: boolean) {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.fd = fd;
    this.ownsFd = ownsFd;
    this.size = size;
    this.end = end;
    this.eof = eof;
  }

  /** Open a file read-only; bytes are read chunkSize at a time into one reused buffer. */
  static open(path: string, chunkSize = DEFAULT_CHUNK): CaptureSource {
    const fd = openSync(path, 'r');
    try {
      return CaptureSource.fromFd(fd, chunkSize, true);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  /** Read from an open descriptor (a file, a pipe or stdin). close() closes it only if ownsFd. */
  static fromFd(fd: number, chunkSize = DEFAULT_CHUNK, ownsFd = false): CaptureSource {
    const st = fstatSync(fd);
    const size = st.isFile() ? st.size : -1;
    return new CaptureSource(new Uint8Array(chunkSize), fd, ownsFd, size, 0, false);
  }

  /** Read from memory without copying. */
  static fromBytes(bytes: Uint8Array): CaptureSource {
    return new CaptureSource(bytes, -1, false, bytes.length, bytes.length, true);
  }

  /** Input offset of the current position. */
  get offset(): number {
    return this.base + this.start;
  }

  /** Bytes buffered at the current position. */
  get available(): number {
    return this.end - this.start;
  }

  /** Make n bytes contiguous at buf[start]; false if the input ends first (available tells how many). */
  ensure(n: number): boolean {
    if (this.end - this.start >= n) return true;
    if (this.eof) return false;
    if (this.start + n > this.buf.length) this.compact(n);
    while (this.end - this.start < n) {
      const got = this.readInto(this.end, this.buf.length - this.end);
      if (got === 0) {
        this.eof = true;
        return false;
      }
      this.end += got;
    }
    return true;
  }

  /** Advance past n bytes that ensure() made available. */
  consume(n: number): void {
    this.start += n;
  }

  /** Advance n bytes without keeping them; false if the input ends first. */
  skip(n: number): boolean {
    const have = this.end - this.start;
    if (have >= n) {
      this.start += n;
      return true;
    }
    let left = n - have;
    this.base += this.end;
    this.start = 0;
    this.end = 0;
    if (this.eof) return false;
    if (this.size >= 0) {
      if (this.base + left > this.size) this.size = fstatSync(this.fd).size;
      if (this.base + left > this.size) {
        this.base = this.size;
        this.eof = true;
        return false;
      }
      this.base += left;
      return true;
    }
    while (left > 0) {
      const got = this.readInto(0, Math.min(left, this.buf.length));
      if (got === 0) {
        this.eof = true;
        return false;
      }
      this.base += got;
      left -= got;
    }
    return true;
  }

  /** Close the descriptor if this source opened it. Idempotent. */
  close(): void {
    if (this.ownsFd && !this.closed) {
      this.closed = true;
      closeSync(this.fd);
    }
  }

  /** Move the unread bytes to buf[0], growing buf if n bytes cannot fit. */
  private compact(n: number): void {
    const have = this.end - this.start;
    if (n > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < n) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.buf.subarray(this.start, this.end));
      this.buf = grown;
      this.view = new DataView(grown.buffer);
    } else {
      this.buf.copyWithin(0, this.start, this.end);
    }
    this.base += this.start;
    this.start = 0;
    this.end = have;
  }

  private readInto(at: number, len: number): number {
    const pos = this.size >= 0 ? this.base + at : null;
    return readSync(this.fd, this.buf, at, len, pos);
  }
}
