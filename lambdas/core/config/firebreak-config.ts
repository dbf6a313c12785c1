import { z } from 'zod';
import { SeverityLabelSchema } from '../findings/finding.js';
import { DurationSchema } from './duration.js';
import { NotificationEventSchema } from '../notifications/notification-event.js';
import { ValidationError } from '../errors.js';
import { formatZodIssues } from '../zod-issues.js';
import { SuppressionSchema } from '../scoring/suppression.js';
import { DetectionConfigSchema, DEFAULT_DETECTION_CONFIG } from '../detection/detection-config.js';
import { CircuitBreakerConfigSchema } from '../routing/circuit-breaker-policy.js';
import { COMPLIANCE_FRAMEWORKS } from '../compliance/compliance-framework.js';
import { SIEM_PLATFORMS } from '../siem/siem-platform.js';
import { MemberAccountsConfigSchema } from './member-accounts-config.js';

/**
 * Playbooks that exist. A mode for any other id is rejected: a setting that does nothing must never be accepted silently.
 * Add an id here only together with its state machine in lib/playbooks.
 */
export const PLAYBOOK_IDS = ['credential-compromise', 'compromised-instance', 'data-exposure', 'network-exposure', 'defense-tampering', 'compromised-workload', 'malicious-ip'] as const;
export const PlaybookIdSchema = z.enum(PLAYBOOK_IDS);
export type PlaybookId = z.infer<typeof PlaybookIdSchema>;

/** auto: contain at once; approve: ask a responder first; notify: tell, change nothing; off: ignore. */
export const PlaybookModeSchema = z.enum(['auto', 'approve', 'notify', 'off']);
export type PlaybookMode = z.infer<typeof PlaybookModeSchema>;

/** Values with a real effect today. Others are refused with "not supported yet" rather than accepted and ignored. */
export const SUPPORTED_COMPLIANCE_FRAMEWORKS = COMPLIANCE_FRAMEWORKS;
export const SUPPORTED_SIEM_PLATFORMS = SIEM_PLATFORMS;

/**
 * Error option for strict objects and enum-keyed records: an unknown key is reported together with the keys allowed there
 * (read from the schema itself, so a section added later is listed without touching this), so a typo such as
 * `credential-compromize`, or a setting that does not exist yet, names its fix.
 */
export const unknownKeyError = {
  error: (issue: { code?: string; keys?: readonly PropertyKey[]; inst?: unknown }) => {
    if (issue.code !== 'unrecognized_keys') return undefined;
    const keys = (issue.keys ?? []).map((key) => `'${String(key)}'`).join(', ');
    const allowed = allowedKeys(issue.inst);
    return `unrecognized key${(issue.keys ?? []).length === 1 ? '' : 's'} ${keys}` + (allowed.length > 0 ? ` (allowed: ${allowed.join(', ')})` : '');
  },
};

function allowedKeys(schema: unknown): string[] {
  const candidate = schema as { shape?: Record<string, unknown>; keyType?: { options?: readonly unknown[] } } | undefined;
  if (candidate?.shape) return Object.keys(candidate.shape);
  if (candidate?.keyType?.options) return candidate.keyType.options.map(String);
  return [];
}

/** A string setting whose other values are refused as "not supported yet", naming what is. */
function supportedValue<T extends string>(what: string, supported: readonly T[]) {
  return z.string().refine((value): value is T => (supported as readonly string[]).includes(value), {
    error: (issue) => `${what} '${String(issue.input)}' is not supported yet (supported: ${supported.join(', ')})`,
  });
}

export const AllowlistsSchema = z.strictObject({
  /** IAM principal ARNs (`*` wildcards allowed), e.g. break-glass roles: never contained. */
  principals: z.array(z.string().min(1)).default([]),
  /** Source CIDRs (e.g. the corporate VPN): lower the risk score, never trigger containment by themselves. */
  cidrs: z.array(z.string().regex(/^[0-9a-fA-F:.]+\/\d{1,3}$/, { message: 'expected a CIDR like 10.0.0.0/8' })).default([]),
  /** Resources carrying any of these tags are protected: never contained. */
  resourceTags: z.array(z.strictObject({ key: z.string().min(1), value: z.string() }, unknownKeyError)).default([]),
}, unknownKeyError);

/** What each protocol's endpoint looks like: a typo fails at synth, not as a silent SNS subscription that never confirms. */
const SUBSCRIPTION_ENDPOINTS = {
  email: { pattern: /^[^@\s]+@[^@\s]+\.[^@\s]+$/, expected: 'an email address' },
  https: { pattern: /^https:\/\/\S+$/, expected: 'an https:// URL' },
  sqs: { pattern: /^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:\S+$/, expected: 'an SQS queue ARN' },
  lambda: { pattern: /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:\S+$/, expected: 'a Lambda function ARN' },
  sms: { pattern: /^\+\d{7,15}$/, expected: 'a phone number in E.164 form (+15551234567)' },
} as const;

export const SubscriptionSchema = z.strictObject({
  protocol: z.enum(['email', 'https', 'sqs', 'lambda', 'sms']),
  endpoint: z.string().min(1),
  /** SNS filter policy on the message attributes `severity`, `playbook` and `event` (all given must match). */
  filter: z
    .strictObject({
      severity: z.array(SeverityLabelSchema).optional(),
      /** A playbook id, or `notify-only` for findings routed to no containment playbook. */
      playbook: z.array(z.union([PlaybookIdSchema, z.literal('notify-only')])).optional(),
      /** What the message is about, e.g. `['escalation', 'approval_timeout', 'approval_requested']` for the pager. */
      event: z.array(NotificationEventSchema).optional(),
    }, unknownKeyError)
    .optional(),
}, unknownKeyError).superRefine((subscription, ctx) => {
  const rule = SUBSCRIPTION_ENDPOINTS[subscription.protocol];
  if (!rule.pattern.test(subscription.endpoint)) {
    ctx.addIssue({ code: 'custom', path: ['endpoint'], message: `expected ${rule.expected} for protocol ${subscription.protocol}` });
  }
});

export const ResponseTimeTargetSchema = z
  .strictObject({
    critical: DurationSchema.prefault('15m'),
    high: DurationSchema.prefault('1h'),
    medium: DurationSchema.prefault('4h'),
    low: DurationSchema.prefault('24h'),
  }, unknownKeyError)
  .prefault({});

export const FirebreakConfigSchema = z.strictObject({
  /** Findings below this severity are recorded as findings but open no incident. */
  severityThreshold: SeverityLabelSchema.default('HIGH'),
  /** Time to acknowledge, per severity; `15m`, `1h`, ... (stored as seconds). */
  responseTimeTarget: ResponseTimeTargetSchema,
  /** How long incidents are kept (DynamoDB TTL) and how long logs are retained. */
  retentionDays: z.number().int().min(1).max(3650).default(365),
  /** A fresh install changes nothing: every action only records the AWS calls it would make. */
  dryRun: z.boolean().default(true),
  playbooks: z
    .partialRecord(PlaybookIdSchema, z.strictObject({ mode: PlaybookModeSchema }, unknownKeyError), unknownKeyError)
    .default({}),
  allowlists: AllowlistsSchema.default({ principals: [], cidrs: [], resourceTags: [] }),
  notifications: z
    .strictObject({ subscriptions: z.array(SubscriptionSchema).default([]) }, unknownKeyError)
    .default({ subscriptions: [] }),
  complianceFramework: supportedValue('complianceFramework', SUPPORTED_COMPLIANCE_FRAMEWORKS).default('none'),
  siemPlatform: supportedValue('siemPlatform', SUPPORTED_SIEM_PLATFORMS).default('none'),
  /** Known-benign findings, each with an id and a reason: suppressed findings are logged and counted, never dropped silently. */
  suppressions: z.array(SuppressionSchema).default([]),
  /** Rule packs, disabled rules, correlation thresholds/windows (brute force ...). */
  detection: DetectionConfigSchema.default(DEFAULT_DETECTION_CONFIG),
  /** Blast-radius limit on automatic containments per account and window; beyond it playbooks wait for approval. */
  circuitBreaker: CircuitBreakerConfigSchema,
  /** Delegated-admin deployments: the role to assume in member accounts. Absent = act only in Firebreak's own account. */
  memberAccounts: MemberAccountsConfigSchema.optional(),
}, unknownKeyError);
export type FirebreakConfig = z.infer<typeof FirebreakConfigSchema>;
export type FirebreakConfigInput = z.input<typeof FirebreakConfigSchema>;

/** Default mode when a playbook has none configured: approval first, the safe choice for anything destructive. */
export const DEFAULT_PLAYBOOK_MODE: PlaybookMode = 'approve';

export function playbookMode(config: FirebreakConfig, playbook: PlaybookId): PlaybookMode {
  return config.playbooks[playbook]?.mode ?? DEFAULT_PLAYBOOK_MODE;
}

/** Validates a raw config object; throws a ValidationError naming each bad key and what is allowed. */
export function parseFirebreakConfig(input: unknown): FirebreakConfig {
  // The parse-level error map names the allowed keys in every section, including ones whose schema sets no error of its own.
  const result = FirebreakConfigSchema.safeParse(input, { error: unknownKeyError.error });
  if (result.success) return Object.freeze(result.data);
  const issues = formatZodIssues(result.error);
  throw new ValidationError(`invalid firebreak config: ${issues.join('; ')}`, issues, { cause: result.error });
}
