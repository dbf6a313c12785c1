import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { BatchUpdateFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDecisionCommand } from '../../../bin/commands/approve.js';
import { createIncidentsCommand } from '../../../bin/commands/incidents.js';
import { createReportCommand } from '../../../bin/commands/report.js';
import type { BackendEnvironment } from '../../../bin/commands/workflow-backend.js';
import { createApprovalRequestHandler } from '../../../lambdas/approval-request/handler.js';
import { createAwsClients } from '../../../lambdas/aws/clients.js';
import { IncidentNotifier } from '../../../lambdas/notify/incident-notifier.js';
import { ApprovalStore } from '../../../lambdas/store/approval-store.js';
import type { IncidentRepository } from '../../../lambdas/store/incident-repository.js';
import type { Incident } from '../../../lambdas/core/incidents/incident.js';
import { runCli } from '../../support/cli-harness.js';
import { startTestTable, type TestTable } from '../../support/dynalite.js';
import { guardDutyIamFinding } from '../../support/workflow-findings.js';
import { openTestIncident, recordingPublisher, testClock } from '../../support/workflow-testbed.js';

const CALLER = 'arn:aws:sts::111122223333:assumed-role/SecOps/alice';
const cfnMock = mockClient(CloudFormationClient);
const stsMock = mockClient(STSClient);
const sfnMock = mockClient(SFNClient);
const hubMock = mockClient(SecurityHubClient);

let table: TestTable;
beforeAll(async () => {
  table = await startTestTable();
});
afterAll(async () => {
  await table.stop();
  for (const mock of [cfnMock, stsMock, sfnMock, hubMock]) mock.restore();
});

let tableName: string;
let repository: IncidentRepository;
let incident: Incident;
let env: BackendEnvironment;

beforeEach(async () => {
  for (const mock of [cfnMock, stsMock, sfnMock, hubMock]) mock.reset();
  ({ tableName, repository, incident } = await openTestIncident(table, testClock(new Date(Date.now() - 3_600_000).toISOString())));
  cfnMock.on(DescribeStacksCommand, { StackName: 'Firebreak' }).resolves({
    Stacks: [
      {
        StackName: 'Firebreak',
        CreationTime: new Date(),
        StackStatus: 'CREATE_COMPLETE',
        Outputs: [
          { OutputKey: 'IncidentTableName', OutputValue: tableName },
          { OutputKey: 'NotificationTopicArn', OutputValue: 'arn:aws:sns:eu-west-1:111122223333:t' },
        ],
      },
    ],
  });
  cfnMock.on(DescribeStacksCommand, { StackName: 'Nope' }).rejects(Object.assign(new Error('Stack with id Nope does not exist'), { name: 'ValidationError' }));
  stsMock.on(GetCallerIdentityCommand).resolves({ Arn: CALLER, Account: '111122223333', UserId: 'AROA:alice' });
  sfnMock.on(SendTaskSuccessCommand).resolves({});
  sfnMock.on(SendTaskFailureCommand).resolves({});
  hubMock.on(BatchUpdateFindingsCommand).resolves({ ProcessedFindings: [{ Id: 'a', ProductArn: 'b' }], UnprocessedFindings: [] });
  env = {
    // DynamoDB is the dynalite table; every other client is the SDK's, intercepted by the mocks above.
    awsClients: (region) =>
      createAwsClients({
        homeRegion: region,
        overrides: {
          dynamoDb: { endpoint: table.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' } },
          sfn: { credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' } },
          securityHub: { credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' } },
        },
      }),
    cloudFormation: (region) => new CloudFormationClient({ region, credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' } }),
    sts: (region) => new STSClient({ region, credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' } }),
  };
});

const STACK = ['--stack', 'Firebreak', '--region', 'eu-west-1'];

async function requestApproval(step: string, taskToken: string) {
  await createApprovalRequestHandler({
    repository,
    approvals: new ApprovalStore(table.doc, tableName),
    notifier: new IncidentNotifier({ repository, publisher: recordingPublisher() }),
    signingKey: async () => 'x'.repeat(40),
    defaultTimeoutSeconds: 3600,
  })({ incidentId: incident.incidentId, step, taskToken });
}

describe('firebreak incidents (deployed stack)', () => {
  it('lists incidents as a table and as JSON, reading the table name from the stack outputs', async () => {
    const tableRun = await runCli(createIncidentsCommand(env), ['list', ...STACK]);
    const jsonRun = await runCli(createIncidentsCommand(env), ['list', '--status', 'open', '--severity', 'high', '--json', ...STACK]);

    expect(tableRun.code).toBe(0);
    expect(tableRun.stdout.split('\n')[0]).toMatch(/^INCIDENT\s+SEVERITY\s+STATUS\s+CREATED\s+PLAYBOOK\s+TITLE$/);
    expect(tableRun.stdout).toContain(`${incident.incidentId}  HIGH      open`);
    expect(cfnMock.commandCalls(DescribeStacksCommand)[0]!.args[0].input).toEqual({ StackName: 'Firebreak' });
    const listed = JSON.parse(jsonRun.stdout) as { incidents: { incidentId: string; status: string }[] };
    expect(listed.incidents.map((item) => [item.incidentId, item.status])).toEqual([[incident.incidentId, 'open']]);
    expect(JSON.parse((await runCli(createIncidentsCommand(env), ['list', '--status', 'closed', '--json', ...STACK])).stdout)).toEqual({ incidents: [] });
  });

  it('shows an incident with response times, actions, approvals and the timeline', async () => {
    const run = await runCli(createIncidentsCommand(env), ['show', incident.incidentId, ...STACK]);
    const json = JSON.parse((await runCli(createIncidentsCommand(env), ['show', incident.incidentId, '--json', ...STACK])).stdout) as Record<string, unknown>;

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Incident:            ${incident.incidentId}`);
    expect(run.stdout).toContain('Time to acknowledge: -');
    expect(run.stdout).toContain('no containment actions');
    expect(run.stdout).toMatch(/firebreak\s+opened\s+Incident opened: /);
    expect(json).toMatchObject({ incident: { incidentId: incident.incidentId }, actions: [], approvals: [], timeline: [{ kind: 'opened' }] });
  });

  it('acknowledges as the caller (STS identity) and closes with root cause and remediation, syncing Security Hub', async () => {
    const ack = await runCli(createIncidentsCommand(env), ['ack', incident.incidentId, '--reason', 'looking', ...STACK]);
    const refused = await runCli(createIncidentsCommand(env), ['close', incident.incidentId, '--root-cause', 'leaked key', ...STACK]);
    const close = await runCli(createIncidentsCommand(env), [
      'close',
      incident.incidentId,
      '--root-cause',
      'access key committed to a public repository',
      '--remediation',
      'key deleted; secret scanning enabled',
      ...STACK,
    ]);

    expect(ack).toMatchObject({ code: 0, stdout: `acknowledged ${incident.incidentId} as ${CALLER} (status acknowledged)` });
    expect(refused).toMatchObject({ code: 2, stderr: expect.stringContaining('closing requires --root-cause and --remediation') });
    expect(close.code).toBe(0);
    expect(close.stdout).toBe(`closed ${incident.incidentId} as ${CALLER}\nSecurity Hub: 1 finding(s) set to RESOLVED`);
    const stored = await repository.getOrThrow(incident.incidentId);
    expect(stored).toMatchObject({ status: 'closed', closedBy: CALLER, rootCause: 'access key committed to a public repository', acknowledgedBy: CALLER });
    const finding = guardDutyIamFinding();
    expect(hubMock.commandCalls(BatchUpdateFindingsCommand).map((call) => call.args[0].input)).toEqual([
      {
        FindingIdentifiers: [{ Id: finding.productRefs.asffId, ProductArn: finding.productRefs.productArn }],
        Workflow: { Status: 'RESOLVED' },
        Note: {
          Text: `Firebreak incident ${incident.incidentId} closed. Root cause: access key committed to a public repository. Remediation: key deleted; secret scanning enabled.`,
          UpdatedBy: CALLER,
        },
      },
    ]);
    const kinds = (await repository.timeline(incident.incidentId)).map((entry) => `${entry.kind}:${entry.actor}`);
    expect(kinds).toEqual(['opened:firebreak', `status_changed:${CALLER}`, `status_changed:${CALLER}`, `status_changed:${CALLER}`, `securityhub_sync:${CALLER}`]);
  });

  it('explains bad input in one line with exit code 2', async () => {
    const cases: [string[], string][] = [
      [['list', '--status', 'burning', ...STACK], "--status 'burning': expected one of open, acknowledged"],
      [['list', '--since', 'yesterday', ...STACK], "--since 'yesterday': expected a duration like 24h"],
      [['frobnicate', ...STACK], "unknown subcommand 'frobnicate'"],
      [['show', ...STACK], 'incidents show needs an incident id'],
      [['show', 'inc-missing', ...STACK], 'incident inc-missing not found'],
      [['list', '--stack', 'Nope', '--region', 'eu-west-1'], 'stack Nope not found in eu-west-1'],
      [['list', '--bogus'], "Unknown option '--bogus'"],
      [['ack', incident.incidentId, '--stack', 'Firebreak', '--local', 'x.json'], 'choose --stack (a deployed stack) or --local'],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(createIncidentsCommand(env), args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toContain(message);
      expect(run.stderr.split('\n')[0]!.length, args.join(' ')).toBeGreaterThan(0);
    }
  });
});

describe('firebreak approve / reject (deployed stack)', () => {
  it('approves the pending step with the caller identity and answers the task token', async () => {
    await requestApproval('DeactivateAccessKey', 'token-1');

    const run = await runCli(createDecisionCommand('approve', env), [incident.incidentId, '--reason', 'owner confirmed', ...STACK]);

    expect(run).toMatchObject({ code: 0, stdout: `approved step DeactivateAccessKey of ${incident.incidentId} as ${CALLER}: owner confirmed (incident now acknowledged)` });
    const input = sfnMock.commandCalls(SendTaskSuccessCommand)[0]!.args[0].input;
    expect(input.taskToken).toBe('token-1');
    expect(JSON.parse(input.output!)).toMatchObject({ approved: true, step: 'DeactivateAccessKey', approver: CALLER, reason: 'owner confirmed' });
    expect((await repository.timeline(incident.incidentId)).find((entry) => entry.kind === 'approved')).toMatchObject({ actor: CALLER, data: { channel: 'cli' } });

    const again = await runCli(createDecisionCommand('reject', env), [incident.incidentId, ...STACK]);
    expect(again).toMatchObject({ code: 2, stderr: expect.stringContaining('has no pending approval (requested: DeactivateAccessKey: approved)') });
  });

  it('rejects a chosen step, and asks for --step when several wait', async () => {
    await requestApproval('DeactivateAccessKey', 'token-a');
    await requestApproval('QuarantineUser', 'token-b');

    const ambiguous = await runCli(createDecisionCommand('reject', env), [incident.incidentId, ...STACK]);
    const run = await runCli(createDecisionCommand('reject', env), [incident.incidentId, '--step', 'QuarantineUser', '--reason', 'pentest', '--json', ...STACK]);

    expect(ambiguous).toMatchObject({ code: 2, stderr: expect.stringContaining('waits on several steps (DeactivateAccessKey, QuarantineUser): pick one with --step') });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ decision: { decision: 'rejected', step: 'QuarantineUser', approver: CALLER } });
    expect(sfnMock.commandCalls(SendTaskFailureCommand).map((call) => call.args[0].input)).toEqual([
      { taskToken: 'token-b', error: 'Firebreak.ApprovalRejected', cause: `rejected by ${CALLER}: pentest` },
    ]);
  });
});

describe('firebreak incidents close with a playbook still waiting', () => {
  it('rejects the pending approval so the playbook stops instead of containing a closed incident', async () => {
    await requestApproval('ApprovalGate', 'token-waiting');

    const run = await runCli(createIncidentsCommand(env), ['close', incident.incidentId, '--root-cause', 'benign test', '--remediation', 'none needed', ...STACK]);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('rejected the pending approval of step ApprovalGate');
    expect(sfnMock.commandCalls(SendTaskFailureCommand).map((call) => call.args[0].input)).toEqual([
      { taskToken: 'token-waiting', error: 'Firebreak.ApprovalRejected', cause: `rejected by ${CALLER}: incident closed` },
    ]);
    expect((await repository.getOrThrow(incident.incidentId)).status).toBe('closed');
  });
});

describe('firebreak report (deployed stack)', () => {
  it('renders severity, title, status, actions, timeline and root cause', async () => {
    await repository.recordAction(incident.incidentId, {
      actionId: 'iam.deactivate-access-key',
      target: 'GeneratedFindingAccessKeyId',
      status: 'done',
      dryRun: true,
      at: new Date().toISOString(),
    });
    await repository.transition(incident.incidentId, 'resolved', { actor: 'alice' });
    await repository.transition(incident.incidentId, 'closed', { actor: 'alice', rootCause: 'leaked key', remediation: 'rotated' });

    const run = await runCli(createReportCommand(env), [incident.incidentId, ...STACK]);
    const json = JSON.parse((await runCli(createReportCommand(env), [incident.incidentId, '--json', ...STACK])).stdout) as Record<string, unknown>;

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`# Incident ${incident.incidentId}: API GeneratedFindingAPIName was invoked from a Tor exit node.`);
    expect(run.stdout).toContain('| Severity | HIGH (risk score 82) |');
    expect(run.stdout).toContain('| Status | closed |');
    expect(run.stdout).toContain('| iam.deactivate-access-key | GeneratedFindingAccessKeyId | done | yes |');
    expect(run.stdout).toContain('## Root cause\n\nleaked key');
    expect(run.stdout).toMatch(/\| alice \| status_changed: resolved → closed \|/);
    expect(json).toMatchObject({ severity: 'HIGH', status: 'closed', rootCause: 'leaked key', remediation: 'rotated', actions: [{ status: 'done' }] });
  });
});
