import { BatchUpdateFindingsCommand } from '@aws-sdk/client-securityhub';
import type { AwsClients } from '../aws/clients.js';
import type { Incident } from '../core/incidents/incident.js';
import type { FindingRef } from '../store/incident-repository.js';

/** Security Hub's limit of finding identifiers per BatchUpdateFindings call. */
const BATCH_LIMIT = 100;
/** Note.Text is at most 512 characters. */
const NOTE_LIMIT = 512;

export type WorkflowStatus = 'NOTIFIED' | 'RESOLVED';

export type SecurityHubSyncResult =
  | { status: 'done'; updated: number; unprocessed: { id: string; error: string }[] }
  | { status: 'skipped'; reason: string }
  | { status: 'failed'; cause: string; errorName: string };

/**
 * Mirrors the incident's state onto the Security Hub findings behind it (Workflow.Status + a note naming the incident), so
 * analysts working in Security Hub see that Firebreak has it. Findings that never went through Security Hub (no ASFF id,
 * e.g. Firebreak's own CloudTrail rules) are skipped.
 */
export class SecurityHubWorkflowSync {
  constructor(private readonly clients: AwsClients) {}

  async sync(incident: Incident, refs: readonly FindingRef[], status: WorkflowStatus, updatedBy = 'firebreak'): Promise<SecurityHubSyncResult> {
    const syncable = refs.filter((ref) => ref.asffId && ref.productArn);
    if (syncable.length === 0) return { status: 'skipped', reason: 'no finding of this incident has a Security Hub (ASFF) id' };
    const note =
      status === 'NOTIFIED'
        ? `Firebreak incident ${incident.incidentId} (${incident.severity}, playbook ${incident.playbook}) opened; responders notified.`
        : `Firebreak incident ${incident.incidentId} closed. Root cause: ${incident.rootCause ?? 'n/a'}. Remediation: ${incident.remediation ?? 'n/a'}.`;
    const byRegion = new Map<string, FindingRef[]>();
    for (const ref of syncable) {
      const key = `${ref.accountId}|${ref.region}`;
      byRegion.set(key, [...(byRegion.get(key) ?? []), ref]);
    }
    let updated = 0;
    const unprocessed: { id: string; error: string }[] = [];
    try {
      for (const group of byRegion.values()) {
        const client = this.clients.get('securityHub', { accountId: group[0]!.accountId, region: group[0]!.region });
        for (let start = 0; start < group.length; start += BATCH_LIMIT) {
          const batch = group.slice(start, start + BATCH_LIMIT);
          const result = await client.send(
            new BatchUpdateFindingsCommand({
              FindingIdentifiers: batch.map((ref) => ({ Id: ref.asffId!, ProductArn: ref.productArn! })),
              Workflow: { Status: status },
              Note: { Text: note.slice(0, NOTE_LIMIT), UpdatedBy: updatedBy.slice(0, 512) },
            }),
          );
          updated += result.ProcessedFindings?.length ?? 0;
          for (const failure of result.UnprocessedFindings ?? []) {
            unprocessed.push({ id: failure.FindingIdentifier?.Id ?? '?', error: `${failure.ErrorCode ?? ''} ${failure.ErrorMessage ?? ''}`.trim() });
          }
        }
      }
    } catch (error) {
      const err = error as Error;
      return { status: 'failed', cause: err.message, errorName: err.name };
    }
    return { status: 'done', updated, unprocessed };
  }
}
