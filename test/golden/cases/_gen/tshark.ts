/**
 * Checksum and malformation audit with tshark: every frame of a set of captures is decoded once
 * (IP, TCP and UDP checksum validation on; ICMP and ICMPv6 are always validated) and each frame
 * whose decode contains a "Bad" checksum status or a "Malformed" report is listed. All captures go
 * through one tshark run (frames concatenated into one temporary pcap) to keep the suite fast.
 * Two reports are not about our headers and are ignored, on purpose:
 * - "Malformed Packet: DNS" (mDNS, VXLAN, ...): application dissectors reading the synthetic
 *   payloads of UDP frames on well-known ports (kernel case udp-rr-ops's own input has them); only
 *   malformations of Ethernet, ARP, IP, IPv6, TCP, UDP, ICMP and ICMPv6 count;
 * - the TCP/UDP checksum of a packet quoted in an ICMP error when the quote is truncated (the
 *   576-byte rule): tshark checks it over the bytes it has, which cannot match.
 * tshark must be installed: its absence is an error that names the package.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaptureFrame } from '../../../../src/io/pcap.js';
import { writePcapFile } from '../../../../src/io/pcap.js';

export interface Flagged {
  /** 0-based frame index within its capture. */
  frame: number;
  /** The offending lines of tshark's decode. */
  lines: string[];
}

const NET_PROTOCOLS = new Set([
  'ETH',
  'Ethernet',
  'ARP',
  'IP',
  'IPv4',
  'IPv6',
  'TCP',
  'UDP',
  'ICMP',
  'ICMPv6',
]);

function num(text: string, re: RegExp): number | null {
  const m = re.exec(text);
  return m === null ? null : Number(m[1]);
}

/** An ICMP error whose quote holds fewer bytes than the quoted packet's own length field says. */
function truncatedQuote(text: string): boolean {
  if (!/^(Internet Control Message Protocol|Internet Control Message Protocol v6)/m.test(text)) return false;
  const outer4 = num(text, /^ {4}Total Length: (\d+)/m);
  const inner4 = num(text, /^ {8}Total Length: (\d+)/m);
  const outer6 = num(text, /^ {4}Payload Length: (\d+)/m);
  const inner6 = num(text, /^ {8}Payload Length: (\d+)/m);
  const quoted = outer4 !== null ? outer4 - 28 : outer6 !== null ? outer6 - 8 : null;
  const inner = inner4 ?? (inner6 !== null ? 40 + inner6 : null);
  return quoted !== null && inner !== null && quoted < inner;
}

/** The lines of one frame's decode that report a bad checksum or a malformed header. */
export function offendingLines(text: string): string[] {
  const out: string[] = [];
  const truncated = truncatedQuote(text);
  for (const line of text.split('\n')) {
    if (!/status: Bad\]/i.test(line)) continue;
    if (truncated && /^ {8,}/.test(line)) continue; // L4 checksum inside a truncated quote
    out.push(line.trim());
  }
  const labels = [...text.matchAll(/\[Malformed Packet: ([^\]]+)\]/g)].map((m) => m[1]!);
  for (const p of labels) if (NET_PROTOCOLS.has(p)) out.push('[Malformed Packet: ' + p + ']');
  if (labels.length === 0) {
    for (const line of text.split('\n')) if (/Malformed/i.test(line)) out.push(line.trim());
  }
  return out;
}

/** For each named capture, the frames tshark flags. Throws when tshark is missing or fails. */
export function tsharkAudit(captures: Map<string, CaptureFrame[]>): Map<string, Flagged[]> {
  const owner: [string, number][] = [];
  const all: { tsSec: number; tsNsec: number; data: Uint8Array }[] = [];
  for (const [name, frames] of captures) {
    frames.forEach((f, i) => {
      owner.push([name, i]);
      all.push({ tsSec: f.tsSec, tsNsec: f.tsNsec, data: f.data });
    });
  }
  const dir = mkdtempSync(join(tmpdir(), 'uvs-tshark-'));
  try {
    const file = join(dir, 'all.pcap');
    writePcapFile(file, all);
    const r = spawnSync(
      'tshark',
      [
        '-r',
        file,
        '-o',
        'ip.check_checksum:TRUE',
        '-o',
        'tcp.check_checksum:TRUE',
        '-o',
        'udp.check_checksum:TRUE',
        '-V',
      ],
      { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, timeout: 120_000 },
    );
    if (r.error !== undefined) {
      throw new Error(
        'tshark is required for the golden checksum audit (apt-get install tshark): ' + r.error.message,
      );
    }
    if (r.status !== 0) throw new Error('tshark exited ' + String(r.status) + ': ' + r.stderr);
    const out = new Map<string, Flagged[]>();
    for (const name of captures.keys()) out.set(name, []);
    const parts = r.stdout.split(/^(?=Frame \d+: )/m).filter((p) => p.startsWith('Frame '));
    if (parts.length !== all.length) {
      throw new Error('tshark decoded ' + parts.length + ' frames, expected ' + all.length);
    }
    parts.forEach((text, k) => {
      const lines = offendingLines(text);
      if (lines.length === 0) return;
      const [name, i] = owner[k]!;
      out.get(name)!.push({ frame: i, lines });
    });
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
