/** Every generated golden case, in the order make-cases.ts writes them. */
import { FEATURE_CASES } from './defs-features.js';
import { hostileCase } from './defs-hostile.js';
import { MODE_CASES } from './defs-modes.js';
import { SCHED_CASES } from './defs-sched.js';
import type { CaseDef } from './lib.js';

export const ALL_CASES: CaseDef[] = [...MODE_CASES, ...SCHED_CASES, ...FEATURE_CASES, hostileCase()];
