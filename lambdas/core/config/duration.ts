import { z } from 'zod';

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;

/** A human duration such as `15m`, `1h`, `2d`, `30s`; parsed to seconds. */
export const DurationSchema = z
  .string()
  .regex(/^\d+(s|m|h|d)$/, { message: 'expected a duration like 30s, 15m, 1h or 2d' })
  .transform((text) => {
    const unit = text.slice(-1) as keyof typeof UNIT_SECONDS;
    return Number(text.slice(0, -1)) * UNIT_SECONDS[unit];
  });

export function durationToSeconds(text: string): number {
  return DurationSchema.parse(text);
}
