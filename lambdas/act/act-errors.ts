import { FirebreakError } from '../core/errors.js';

/*
 * Error names the playbook state machines branch on (Lambda reports `error.name` as the Step Functions error):
 * Firebreak.Throttled is retried with backoff; Firebreak.ActionFailed is caught and marks the incident containment_failed.
 */

export class ActionThrottledError extends FirebreakError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'Firebreak.Throttled';
  }
}

export class ActionFailedError extends FirebreakError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'Firebreak.ActionFailed';
  }
}
