import { z } from 'zod';
import { DurationSchema } from '../config/duration.js';
import type { PlaybookMode } from '../config/firebreak-config.js';

/**
 * Blast-radius limit: at most `maxAutomaticContainments` playbooks start in `auto` mode per account within `window`; further
 * ones in that window start in `approve` mode (a responder decides). Dry-run containments are not counted: they change nothing.
 */
export const CircuitBreakerConfigSchema = z
  .strictObject({
    maxAutomaticContainments: z.number().int().min(1).max(10_000).default(5),
    /** `15m`, `1h`, `1d` ... (stored as seconds). Windows are fixed (tumbling), aligned to the epoch. */
    window: DurationSchema.prefault('1h'),
  })
  .prefault({});
export type CircuitBreakerConfig = z.infer<typeof CircuitBreakerConfigSchema>;

/** What the breaker store answers for one automatic containment. */
export interface BreakerAdmission {
  readonly admitted: boolean;
  /** Automatic containments in the current window, this one included when admitted. */
  readonly count: number;
  readonly limit: number;
  readonly windowStart: string;
  readonly windowEnd: string;
  /** This call added the key (it was not already counted): only then may release() give the slot back. */
  readonly newlyAdmitted?: boolean;
}

/** Something that can admit (or refuse) one more automatic containment for an account. */
export interface CircuitBreaker {
  admit(accountId: string, key: string): Promise<BreakerAdmission>;
  /**
   * Gives back a slot admitted for a finding that then started no containment (it joined an incident whose playbook was
   * already running, or routed to notify only): the limit counts containments, not findings.
   */
  release?(accountId: string, key: string, admission: BreakerAdmission): Promise<void>;
}

/** The mode a playbook really starts in: `auto` becomes `approve` when the breaker is open. */
export function modeAfterBreaker(mode: PlaybookMode, admission: BreakerAdmission | undefined): PlaybookMode {
  return mode === 'auto' && admission && !admission.admitted ? 'approve' : mode;
}
