import type { z } from 'zod';
import { ValidationError } from './errors.js';

/** Turns zod issues into `path: message` lines; the root path is shown as `(root)`. */
export function formatZodIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
    return `${path}: ${issue.message}`;
  });
}

/** Parses `input` with `schema` or throws a ValidationError whose message names every bad path. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = formatZodIssues(result.error);
  throw new ValidationError(`invalid ${what}: ${issues.join('; ')}`, issues, { cause: result.error });
}
