/**
 * The daemon's logger: JSON lines on stdout (pino), one object per event, `msg` plus fields.
 * `UVS_LOG_LEVEL` sets the level (default info).
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(name: string): Logger {
  return pino({ name, level: process.env['UVS_LOG_LEVEL'] ?? 'info', base: { pid: process.pid } });
}
