import { ValidationError } from '../errors.js';

/**
 * Text holding events in any shape `firebreak detect` accepts → the events. One JSON document (an event, a CloudTrail
 * log file `{"Records": [...]}` which detectEvents takes whole), a JSON array of events, or NDJSON (one event a line).
 * Throws a ValidationError naming the problem (and the line, for NDJSON).
 */
export function parseEventStream(text: string, label: string): unknown[] {
  if (text.trim() === '') throw new ValidationError(`${label} is empty: expected JSON events`);
  let whole: unknown;
  let wholeError: Error | undefined;
  try {
    whole = JSON.parse(text);
  } catch (error) {
    wholeError = error as Error;
  }
  if (!wholeError) {
    if (Array.isArray(whole)) {
      if (whole.length === 0) throw new ValidationError(`${label} is an empty array: no events`);
      return whole;
    }
    return [whole];
  }
  const lines = text.split(/\r?\n/);
  const nonEmpty = lines.filter((l) => l.trim() !== '');
  if (nonEmpty.length < 2) throw new ValidationError(`${label} is not valid JSON (${wholeError.message})`, [], { cause: wholeError });
  const events: unknown[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      events.push(JSON.parse(line));
    } catch (error) {
      throw new ValidationError(`${label} line ${index + 1}: not valid JSON (${(error as Error).message}); expected one JSON document, an array, or NDJSON`, [], { cause: error });
    }
  });
  return events;
}
