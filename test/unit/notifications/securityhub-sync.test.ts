import { BatchUpdateFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../lambdas/aws/clients.js';
import { IncidentSchema } from '../../../lambdas/core/incidents/incident.js';
import { SecurityHubWorkflowSync } from '../../../lambdas/securityhub-sync/securityhub-workflow.js';
import { guardDutyIamFinding } from '../../support/workflow-findings.js';

const hubMock = mockClient(SecurityHubClient);
afterAll(() => hubMock.restore());
beforeEach(() => hubMock.reset());

const finding = guardDutyIamFinding();
const incident = IncidentSchema.parse({
  incidentId: 'inc-abc',
  accountId: finding.accountId,
  region: finding.region,
  status: 'closed',
  severity: 'HIGH',
  riskScore: 80,
  title: finding.title,
  playbook: 'credential-compromise',
  mode: 'auto',
  correlationKey: 'k',
  createdAt: '2026-11-25T10:00:00.000Z',
  updatedAt: '2026-11-25T10:00:00.000Z',
  rootCause: 'r',
  remediation: 'm',
  findingKeys: [finding.dedupKey],
  primaryFinding: finding,
  version: 3,
  expiresAt: 1,
});
const sync = () => new SecurityHubWorkflowSync(createAwsClients({ overrides: { securityHub: { credentials: { accessKeyId: 'A', secretAccessKey: 'B' } } } }));
const ref = (index: number, region = 'us-east-1') => ({
  dedupKey: `k${index}`,
  accountId: '883606788610',
  region,
  asffId: `arn:aws:guardduty:${region}:883606788610:detector/d/finding/f${index}`,
  productArn: `arn:aws:securityhub:${region}::product/aws/guardduty`,
});

describe('Security Hub workflow sync', () => {
  it('batches 100 identifiers per call and per region, and reports unprocessed findings', async () => {
    hubMock.on(BatchUpdateFindingsCommand).callsFake((input: { FindingIdentifiers: unknown[] }) => ({
      ProcessedFindings: input.FindingIdentifiers.slice(1),
      UnprocessedFindings: [{ FindingIdentifier: input.FindingIdentifiers[0], ErrorCode: 'FindingNotFound', ErrorMessage: 'gone' }],
    }));
    const refs = [...Array.from({ length: 150 }, (_, index) => ref(index)), ref(999, 'eu-west-1')];

    const result = await sync().sync(incident, refs, 'RESOLVED');

    const calls = hubMock.commandCalls(BatchUpdateFindingsCommand).map((call) => call.args[0].input);
    expect(calls.map((input) => input.FindingIdentifiers!.length)).toEqual([100, 50, 1]);
    expect(calls[2]!.FindingIdentifiers).toEqual([{ Id: ref(999, 'eu-west-1').asffId, ProductArn: ref(999, 'eu-west-1').productArn }]);
    expect(calls[0]).toMatchObject({ Workflow: { Status: 'RESOLVED' }, Note: { Text: 'Firebreak incident inc-abc closed. Root cause: r. Remediation: m.', UpdatedBy: 'firebreak' } });
    expect(result).toEqual({ status: 'done', updated: 148, unprocessed: [expect.objectContaining({ error: 'FindingNotFound gone' }), expect.anything(), expect.anything()] });
  });

  it('skips findings that never went through Security Hub, and reports a failure instead of throwing', async () => {
    expect(await sync().sync(incident, [{ dedupKey: 'cloudtrail:x', accountId: '1', region: 'us-east-1' }], 'NOTIFIED')).toEqual({
      status: 'skipped',
      reason: 'no finding of this incident has a Security Hub (ASFF) id',
    });
    hubMock.on(BatchUpdateFindingsCommand).rejects(Object.assign(new Error('not subscribed'), { name: 'InvalidAccessException' }));
    expect(await sync().sync(incident, [ref(1)], 'NOTIFIED')).toEqual({ status: 'failed', cause: 'not subscribed', errorName: 'InvalidAccessException' });
  });
});
