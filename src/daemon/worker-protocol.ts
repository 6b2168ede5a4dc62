/**
 * Messages between uvsd's main thread (control plane) and its forwarding workers. Plain
 * structured-clone data: rule sets travel as the control model, never as engine objects.
 */
import type { IpvsTimeouts, RuleSet, ServiceKey } from '../control/model.js';
import type { ForwarderConfig } from './forwarder.js';

export interface WorkerInit {
  /** Interfaces this worker opens an AF_PACKET socket on (one-arm: one interface). */
  ifaces: string[];
  netns: string;
  fanoutGroup: number;
  /** This worker's number (0..N-1), for per-worker status. */
  index?: number;
  /** Open the sockets with PACKET_VNET_HDR (GSO super-frames, checksum offload). Default true. */
  offload?: boolean;
  forwarder: ForwarderConfig;
}

export type WorkerRequest =
  | { id: number; t: 'sync'; from: RuleSet; to: RuleSet }
  | { id: number; t: 'timeouts'; timeouts: IpvsTimeouts }
  | { id: number; t: 'get-timeouts' }
  | { id: number; t: 'zero'; svc: ServiceKey | null }
  | { id: number; t: 'list'; svc: ServiceKey | null }
  | { id: number; t: 'list-conns' }
  | { id: number; t: 'status' }
  | { id: number; t: 'neighbor'; af: 4 | 6; words: number[]; mac: number }
  | { id: number; t: 'stop' };

/** Unsolicited: a worker learned a real server's MAC; the main thread tells the others. */
export interface WorkerLearned {
  id: -2;
  t: 'learned';
  af: 4 | 6;
  words: number[];
  mac: number;
}

export type WorkerReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; code: string; message: string }
  | { id: -1; ok: false; code: 'UVS_ERR_WORKER_START'; message: string }
  | { id: -1; ok: true; value: 'ready' }
  | WorkerLearned;
