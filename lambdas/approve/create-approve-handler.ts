import type { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import { approvalKeyOf, verifyApprovalLink } from '../core/incidents/approval-link.js';
import { ApprovalRefusedError, type ApprovalRefusal, type ApprovalStore } from '../store/approval-store.js';
import type { IncidentRepository } from '../store/incident-repository.js';
import { confirmationPage, messagePage, PAGE_HEADERS } from './approval-page.js';
import { decideApproval, recordRefusal } from './decide-approval.js';
import type { ApprovalMetrics } from './approval-metrics.js';
import type { SigningKeyProvider } from './signing-key.js';
import type { TaskResponder } from './task-responder.js';

/** The parts of a Lambda Function URL (payload format 2.0) request the endpoint reads. */
const FunctionUrlEventSchema = z.object({
  rawQueryString: z.string().default(''),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().optional(),
  isBase64Encoded: z.boolean().default(false),
  requestContext: z.object({
    http: z.object({ method: z.string(), sourceIp: z.string().optional(), userAgent: z.string().optional() }),
  }),
});

export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface ApproveHandlerDeps {
  readonly repository: IncidentRepository;
  readonly approvals: ApprovalStore;
  readonly responder: TaskResponder;
  readonly signingKey: SigningKeyProvider;
  readonly clock?: () => Date;
  readonly logger?: Pick<Logger, 'info' | 'warn'>;
  readonly metrics?: ApprovalMetrics;
}

export type ApproveHandler = (event: unknown) => Promise<HttpResponse>;

const REFUSAL_STATUS: Record<ApprovalRefusal, number> = { malformed: 400, bad_signature: 403, unknown: 404, already_decided: 409, superseded: 410, expired: 410 };

const LinkSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'not an approval id'),
  exp: z.string().regex(/^\d{1,12}$/, 'not an expiry'),
  sig: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'not a signature'),
});
const DecisionSchema = LinkSchema.extend({
  decision: z.enum(['approve', 'reject']),
  approver: z.string().trim().min(1, 'your name is required').max(200),
  reason: z.string().trim().max(1000).optional(),
});

/**
 * The approval endpoint (Function URL). GET only shows what is asked and a form: link-following mail scanners never decide.
 * POST with a valid signature, before the expiry, on a pending approval decides it once. Everything else is refused and logged.
 */
export function createApproveHandler(deps: ApproveHandlerDeps): ApproveHandler {
  const clock = deps.clock ?? (() => new Date());
  const respond = (statusCode: number, body: string, extra: Record<string, string> = {}): HttpResponse => ({
    statusCode,
    headers: { ...PAGE_HEADERS, ...extra },
    body,
  });
  const refuse = async (
    refusal: ApprovalRefusal,
    message: string,
    context: Parameters<typeof recordRefusal>[3],
    record?: Parameters<typeof recordRefusal>[4],
  ): Promise<HttpResponse> => {
    await recordRefusal(deps, refusal, message, context, record);
    deps.metrics?.refused(refusal);
    return respond(REFUSAL_STATUS[refusal], messagePage('Not accepted', message));
  };

  /** Signature and expiry: checked before the table is touched. */
  const checkLink = async (link: z.infer<typeof LinkSchema>): Promise<{ refusal: ApprovalRefusal; message: string } | undefined> => {
    const validUntil = Number(link.exp);
    if (!verifyApprovalLink(await deps.signingKey(), { approvalId: link.id, validUntil }, link.sig)) {
      return { refusal: 'bad_signature', message: 'This approval link is not valid (signature mismatch).' };
    }
    if (validUntil <= Math.floor(clock().getTime() / 1000)) {
      return { refusal: 'expired', message: `This approval link expired at ${new Date(validUntil * 1000).toISOString()}.` };
    }
    return undefined;
  };

  return async (event) => {
    const parsed = FunctionUrlEventSchema.safeParse(event);
    if (!parsed.success) return respond(400, messagePage('Bad request', 'This endpoint only answers approval links.'));
    const request = parsed.data;
    const method = request.requestContext.http.method.toUpperCase();
    const source = { ip: request.requestContext.http.sourceIp, userAgent: request.requestContext.http.userAgent };

    if (method === 'GET' || method === 'HEAD') {
      const link = LinkSchema.safeParse(Object.fromEntries(new URLSearchParams(request.rawQueryString)));
      if (!link.success) return refuse('malformed', 'This approval link is incomplete or damaged.', { channel: 'web', source });
      const approvalKey = approvalKeyOf(link.data.id);
      const problem = await checkLink(link.data);
      // Logged only: link scanners re-fetch old links, and that is no event on the incident (a refused POST is).
      if (problem) return refuse(problem.refusal, problem.message, { approvalKey, channel: 'web', source });
      const record = await deps.approvals.get(approvalKey);
      if (!record) return refuse('unknown', 'This approval does not exist (any more).', { approvalKey, channel: 'web', source });
      if (record.status !== 'pending') {
        return respond(409, messagePage('Already answered', `This approval was already answered (${record.status}${record.decidedBy ? ` by ${record.decidedBy}` : ''}).`));
      }
      const incident = await deps.repository.get(record.incidentId);
      const finding = incident?.primaryFinding;
      return respond(
        200,
        confirmationPage({
          incidentId: record.incidentId,
          title: incident?.title ?? '(incident no longer stored)',
          severity: incident?.severity ?? '?',
          status: incident?.status ?? '?',
          playbook: incident?.playbook ?? '?',
          step: record.step,
          where: finding ? `account ${finding.accountId}, ${finding.region}${finding.principal?.arn ? `, ${finding.principal.arn}` : ''}` : '?',
          validUntil: new Date(record.validUntil * 1000).toISOString(),
          approvalId: link.data.id,
          exp: link.data.exp,
          sig: link.data.sig,
        }),
      );
    }

    if (method === 'POST') {
      const contentType = Object.entries(request.headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
      if (!contentType.startsWith('application/x-www-form-urlencoded')) {
        return refuse('malformed', 'Decisions are submitted with the form on the approval page.', { channel: 'web', source });
      }
      const text = request.isBase64Encoded ? Buffer.from(request.body ?? '', 'base64').toString('utf8') : (request.body ?? '');
      const form = Object.fromEntries(new URLSearchParams(text));
      const decision = DecisionSchema.safeParse({ ...form, reason: form.reason === '' ? undefined : form.reason });
      if (!decision.success) {
        const missingName = decision.error.issues.some((issue) => issue.path[0] === 'approver');
        return refuse('malformed', missingName ? 'Your name is required to decide.' : 'This approval form is incomplete or damaged.', { channel: 'web', source });
      }
      const approvalKey = approvalKeyOf(decision.data.id);
      const context = { approvalKey, approver: decision.data.approver, decision: decision.data.decision, channel: 'web' as const, source };
      const problem = await checkLink(decision.data);
      if (problem) return refuse(problem.refusal, problem.message, context, await deps.approvals.get(approvalKey));
      try {
        const decided = await decideApproval(deps, {
          approvalKey,
          decision: decision.data.decision,
          approver: decision.data.approver,
          reason: decision.data.reason,
          channel: 'web',
          source,
        });
        deps.metrics?.decided(decided.decision);
        return respond(
          200,
          messagePage(
            decided.decision === 'approved' ? 'Approved' : 'Rejected',
            `Step ${decided.step} of incident ${decided.incidentId} was ${decided.decision} by ${decided.approver}. The playbook continues accordingly.`,
          ),
        );
      } catch (error) {
        // decideApproval already logged the refusal and put it on the timeline.
        if (error instanceof ApprovalRefusedError) {
          deps.metrics?.refused(error.refusal);
          return respond(REFUSAL_STATUS[error.refusal], messagePage('Not accepted', error.message));
        }
        throw error;
      }
    }

    return respond(405, messagePage('Not allowed', 'Use the approval link (GET) and its form (POST).'), { allow: 'GET, POST' });
  };
}
