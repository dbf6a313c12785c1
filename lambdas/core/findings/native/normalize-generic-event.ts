import { z } from 'zod';
import { FindingSchema, SeverityLabelSchema } from '../finding.js';
import { guardDutySeverity, NORMALIZED_FOR_LABEL } from '../severity.js';
import { toIsoTimestamp } from '../timestamps.js';
import { formatZodIssues } from '../../zod-issues.js';
import type { NormalizeResult } from '../normalize-result.js';

/** Any EventBridge event from an AWS service Firebreak has no dedicated normalizer for. */
export const GenericAwsEventSchema = z.object({
  id: z.string().min(1),
  source: z.string().regex(/^aws\./, { message: "expected an AWS source ('aws.<service>')" }),
  'detail-type': z.string().min(1),
  account: z.string().min(1),
  region: z.string().min(1),
  time: z.string().min(1),
  resources: z.array(z.string()).nullish(),
  detail: z.record(z.string(), z.unknown()),
});

/** A severity the event itself states (a label or a 0–10 number), else MEDIUM: unknown is not the same as harmless. */
function severityOf(detail: Record<string, unknown>) {
  const raw = detail.severity ?? detail.Severity;
  if (typeof raw === 'number' && raw >= 0 && raw <= 10) return guardDutySeverity(raw);
  if (typeof raw === 'string') {
    const label = SeverityLabelSchema.safeParse(raw.toUpperCase()).data;
    if (label) return { label, normalized: NORMALIZED_FOR_LABEL[label], original: raw };
  }
  return { label: 'MEDIUM' as const, normalized: NORMALIZED_FOR_LABEL.MEDIUM };
}

/**
 * Unknown or new event types are never dropped: they become a generic finding (resource class Other → notify) that says
 * what arrived, so a responder sees it and a normalizer can be added.
 */
export function normalizeGenericAwsEvent(raw: unknown): NormalizeResult {
  const parsed = GenericAwsEventSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: `EventBridge event: ${formatZodIssues(parsed.error).join('; ')}` };
  const e = parsed.data;
  const time = toIsoTimestamp(e.time);
  if (!time) return { ok: false, reason: `EventBridge event ${e.id}: time '${e.time}' is not a timestamp` };
  const detailTitle = typeof e.detail.title === 'string' ? e.detail.title : typeof e.detail.Title === 'string' ? e.detail.Title : undefined;
  const candidate = {
    // EventBridge event ids are unique per event; re-deliveries of the same event keep theirs.
    dedupKey: `event:${e.source}:${e.account}:${e.region}:${e.id}`,
    source: 'other',
    product: e.source.slice('aws.'.length),
    type: `${e.source}/${e['detail-type']}`,
    title: detailTitle ?? `${e['detail-type']} (${e.source})`,
    description: 'No dedicated normalizer for this event type: kept as a generic finding for a responder to review.',
    severity: severityOf(e.detail),
    accountId: e.account,
    region: e.region,
    firstSeen: time,
    lastSeen: time,
    resourceClass: 'Other',
    resources: (e.resources ?? []).map((arn) => ({ type: arn.split(':')[2] ?? 'Unknown', id: arn, arn, region: e.region, tags: {}, details: {} })),
    attack: { tactics: [], techniques: [] },
    sourceEventIds: [e.id],
  };
  const finding = FindingSchema.safeParse(candidate);
  if (!finding.success) return { ok: false, reason: `EventBridge event ${e.id}: ${formatZodIssues(finding.error).join('; ')}` };
  return { ok: true, findings: [finding.data] };
}
