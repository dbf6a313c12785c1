import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalRuntime, type LocalRuntime } from '../../../lib/local/local-runtime.js';

// The setting end to end: the local runtime synthesizes the stack with `siemPlatform: ocsf`, replays the real demo finding
// through the synthesized rules and playbook with the real handlers, and every SNS message it publishes carries OCSF bodies.
const CREDENTIAL_EVENT = JSON.parse(readFileSync(new URL('../../fixtures/integration/guardduty-iam-credential-finding.json', import.meta.url), 'utf8')) as unknown;

let local: LocalRuntime;
beforeAll(async () => {
  local = await createLocalRuntime({ accountId: '123456789012', region: 'us-east-1', config: { siemPlatform: 'ocsf' } });
});
afterAll(async () => local.close());

describe('siemPlatform ocsf through the local runtime', () => {
  it('publishes an OCSF Incident Finding to machine subscribers for each notification of an approved credential playbook', async () => {
    // Act
    const result = await local.replay(CREDENTIAL_EVENT, { approve: true, approver: 'alice' });

    // Assert
    const incidentId = result.incident?.incidentId;
    // The credential playbook's approval requests (one per gate), then the outcome report (a replay is a dry run); the first
    // announces the incident.
    expect(result.notifications.map((notification) => notification.attributes.event)).toEqual(['approval_requested', 'approval_requested', 'dry_run_completed']);
    const sqsBodies = result.notifications.map((notification) => JSON.parse((JSON.parse(notification.message) as Record<string, string>).sqs!) as Record<string, unknown>);
    for (const body of sqsBodies) {
      expect(body).toMatchObject({
        class_uid: 2005,
        category_uid: 2,
        metadata: { version: '1.1.0', product: { name: 'Firebreak' }, correlation_uid: incidentId },
        finding_info_list: [{ uid: 'arn:aws:guardduty:us-east-1:883606788610:detector/883606788610/finding/36b01b60fc22bb4edb19d62d9899e953' }],
        cloud: { provider: 'AWS', account: { uid: '883606788610' }, region: 'us-east-1' },
      });
    }
    expect(sqsBodies.map((body) => [(body.unmapped as { firebreak_event: string }).firebreak_event, body.activity_name, body.type_uid])).toEqual([
      ['approval_requested', 'Create', 200501],
      ['approval_requested', 'Update', 200502],
      ['dry_run_completed', 'Update', 200502],
    ]);
    expect(sqsBodies.at(-1)).toMatchObject({ unmapped: { firebreak_event: 'dry_run_completed' }, status_id: 2, status: 'In Progress' });
  });
});
