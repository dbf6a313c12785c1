import type { ActionContext } from '../action.js';

/** Our own inline policy name: the console's `AWSRevokeOlderSessions` is left alone, so a rollback never removes a human's revocation. */
export const REVOKE_POLICY_NAME = 'FirebreakRevokeOlderSessions';

interface PolicyStatement {
  Sid?: string;
  Condition?: { DateLessThan?: Record<string, string> };
}

/** One statement id per incident: a second run for the same incident recognises its own revocation. */
export function revocationStatementId(incidentId: string): string {
  return `FirebreakRevoke${incidentId.replace(/[^A-Za-z0-9]/g, '')}`.slice(0, 100);
}

/** Deny everything to sessions whose token was issued before `ctx.now`. */
export function revocationPolicy(ctx: ActionContext): { sid: string; tokenIssueTime: string; json: string } {
  const sid = revocationStatementId(ctx.incidentId);
  const tokenIssueTime = ctx.now.toISOString();
  const json = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: sid, Effect: 'Deny', Action: ['*'], Resource: ['*'], Condition: { DateLessThan: { 'aws:TokenIssueTime': tokenIssueTime } } },
    ],
  });
  return { sid, tokenIssueTime, json };
}

/** Get{Role,User}Policy return the document URL-encoded; a policy may hold one statement object or a list. */
export function policyStatements(document: string | undefined): PolicyStatement[] {
  if (!document) return [];
  const text = document.trimStart().startsWith('{') ? document : decodeURIComponent(document);
  const parsed = JSON.parse(text) as { Statement?: unknown };
  if (Array.isArray(parsed.Statement)) return parsed.Statement as PolicyStatement[];
  return parsed.Statement ? [parsed.Statement as PolicyStatement] : [];
}

/** The cut-off time of our statement for this incident in `document`, if present. */
export function revocationTimeIn(document: string | undefined, sid: string): string | undefined {
  const statement = policyStatements(document).find((s) => s.Sid === sid);
  return statement ? (statement.Condition?.DateLessThan?.['aws:TokenIssueTime'] ?? 'unknown') : undefined;
}

export function decodedPolicy(document: string): string {
  return document.trimStart().startsWith('{') ? document : decodeURIComponent(document);
}
