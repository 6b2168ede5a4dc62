/**
 * errno numbers to names (EPERM, ENOENT, ...) for messages; the addon returns -errno values.
 * Unknown numbers print as "errno N".
 */
import { constants } from 'node:os';

const NAMES = new Map<number, string>(
  Object.entries(constants.errno).map(([name, value]) => [value, name] as [number, string]),
);

export function errnoName(errno: number): string {
  return NAMES.get(errno) ?? `errno ${errno}`;
}
