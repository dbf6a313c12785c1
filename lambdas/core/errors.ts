/**
 * The one error family of Firebreak. Every error carries a stable `name` (so callers, Step Functions
 * Catch clauses and the CLI can branch on it) and the `cause` it wraps, never a lost stack.
 */
export class FirebreakError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input that does not satisfy a schema: the message lists `path: message` for each issue. */
export class ValidationError extends FirebreakError {
  constructor(
    message: string,
    readonly issues: readonly string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A conditional write lost its race or a state transition is not allowed from the current state. */
export class ConflictError extends FirebreakError {}

/** The thing asked for does not exist. */
export class NotFoundError extends FirebreakError {}

/** Firebreak declined to act: an allowlisted principal, a protected resource, a safety limit. */
export class RefusedError extends FirebreakError {}
