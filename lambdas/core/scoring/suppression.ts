import { z } from 'zod';
import { SeverityLabelSchema, type Finding } from '../findings/finding.js';
import { compileCidr } from '../rules/cidr-match.js';
import { globToRegExp } from './glob.js';

const cidrString = z.string().superRefine((value, ctx) => {
  try {
    compileCidr(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: `expected a CIDR like 10.0.0.0/8, got '${value}'` });
  }
});

/**
 * What a suppression matches. Every given field must match (AND); a list matches when any entry does (OR).
 * Strings accept `*`/`?` wildcards. An empty match would silence everything, so at least one field is required.
 */
export const SuppressionMatchSchema = z
  .strictObject({
    /** Finding type (GuardDuty type, ASFF generator/control id) or rule id. */
    type: z.array(z.string().min(1)).min(1).optional(),
    ruleId: z.array(z.string().min(1)).min(1).optional(),
    accountId: z.array(z.string().min(1)).min(1).optional(),
    region: z.array(z.string().min(1)).min(1).optional(),
    principalArn: z.array(z.string().min(1)).min(1).optional(),
    resourceId: z.array(z.string().min(1)).min(1).optional(),
    remoteCidr: z.array(cidrString).min(1).optional(),
    severity: z.array(SeverityLabelSchema).min(1).optional(),
  })
  .refine((match) => Object.values(match).some((value) => value !== undefined), {
    message: 'a suppression must match on at least one field (type, ruleId, accountId, region, principalArn, resourceId, remoteCidr, severity)',
  });

export const SuppressionSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { message: 'expected a kebab-case id like known-scanner' }),
  /** Why this is not a threat: shown with every suppressed finding. */
  reason: z.string().min(1),
  match: SuppressionMatchSchema,
  /** Optional end date (ISO 8601): an expired suppression stops applying instead of hiding findings forever. */
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});
export type Suppression = z.infer<typeof SuppressionSchema>;

export interface SuppressionHit {
  suppressionId: string;
  reason: string;
}

type Predicate = (finding: Finding) => boolean;

function anyGlob(patterns: readonly string[] | undefined, value: (f: Finding) => readonly (string | undefined)[]): Predicate | undefined {
  if (!patterns) return undefined;
  const regexes = patterns.map((p) => globToRegExp(p));
  return (finding) => value(finding).some((v) => v !== undefined && regexes.some((r) => r.test(v)));
}

interface CompiledSuppression {
  suppression: Suppression;
  expiresAtMs: number | undefined;
  predicates: Predicate[];
}

/** Compiles suppressions once (per config) so matching a finding is a handful of regex tests. */
export function compileSuppressions(suppressions: readonly Suppression[]): (finding: Finding, now: Date) => SuppressionHit | undefined {
  const compiled: CompiledSuppression[] = suppressions.map((suppression) => {
    const m = suppression.match;
    const cidrs = m.remoteCidr?.map(compileCidr);
    const predicates = [
      anyGlob(m.type, (f) => [f.type]),
      anyGlob(m.ruleId, (f) => [f.ruleId]),
      anyGlob(m.accountId, (f) => [f.accountId]),
      anyGlob(m.region, (f) => [f.region]),
      anyGlob(m.principalArn, (f) => [f.principal?.arn]),
      anyGlob(m.resourceId, (f) => f.resources.flatMap((r) => [r.id, r.arn])),
      cidrs ? (f: Finding) => f.network?.remoteIp !== undefined && cidrs.some((c) => c(f.network!.remoteIp!)) : undefined,
      m.severity ? (f: Finding) => m.severity!.includes(f.severity.label) : undefined,
    ].filter((p): p is Predicate => p !== undefined);
    return { suppression, expiresAtMs: suppression.expiresAt ? Date.parse(suppression.expiresAt) : undefined, predicates };
  });
  return (finding, now) => {
    for (const { suppression, expiresAtMs, predicates } of compiled) {
      if (expiresAtMs !== undefined && now.getTime() >= expiresAtMs) continue;
      if (predicates.every((p) => p(finding))) return { suppressionId: suppression.id, reason: suppression.reason };
    }
    return undefined;
  };
}
