import type { z } from 'zod';
import { parseOrThrow } from './zod-issues.js';

/** Reads a handler's environment once (at cold start) through its schema; the result is frozen. */
export function readEnvironment<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): Readonly<z.infer<S>> {
  return Object.freeze(parseOrThrow(schema, env, 'environment'));
}
