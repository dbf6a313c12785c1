import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { PLAYBOOKS } from '../../lib/playbooks/index.js';
import { createLocalRuntime, type LocalRuntime } from '../../lib/local/local-runtime.js';

// Every playbook of the stack, driven end to end by a real event: the synthesized rules route it, the detector opens the
// incident, the synthesized state machine runs to its end once approved, all in dry run: recorded as a dry run, not contained. One config for the file (LOW
// threshold: several corpus findings are LOW/MEDIUM), so the stack is synthesized once.

const CONFIG = { severityThreshold: 'LOW' };
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/integration/${name}`, import.meta.url), 'utf8'));

interface Case {
  readonly playbook: string;
  readonly fixture: string;
  /** Operations the approved playbook must plan (dry run); empty when the corpus event lacks what the action needs. */
  readonly planned: readonly string[];
}

const CASES: readonly Case[] = [
  { playbook: 'credential-compromise', fixture: 'guardduty-iam-credential-finding.json', planned: ['UpdateAccessKey', 'PutUserPolicy', 'UpdateLoginProfile'] },
  { playbook: 'compromised-instance', fixture: 'guardduty-ec2-canary-finding.json', planned: ['CreateTags', 'ModifyInstanceAttribute', 'CreateSnapshot'] },
  { playbook: 'malicious-ip', fixture: 'guardduty-ssh-bruteforce-not-sample.json', planned: ['UpdateIPSet', 'CreateNetworkAclEntry'] },
  { playbook: 'defense-tampering', fixture: 'cloudtrail-stop-logging.json', planned: ['StartLogging'] },
  { playbook: 'data-exposure', fixture: 'cloudtrail-s3-disable-bucket-logging.json', planned: ['PutPublicAccessBlock'] },
  { playbook: 'network-exposure', fixture: 'cloudtrail-sg-opened-to-world.json', planned: [] },
  { playbook: 'compromised-workload', fixture: 'cloudtrail-lambda-backdoor.json', planned: ['PutFunctionConcurrency'] },
];

let runtime: LocalRuntime | undefined;
afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
});

describe('every playbook replays end to end', () => {
  it('has a case for each playbook the stack deploys', () => {
    expect(CASES.map((c) => c.playbook).sort()).toEqual(PLAYBOOKS.map((p) => p.id).sort());
  });

  it.each(CASES)('$playbook: $fixture routes there and, approved, runs to its end as a dry run (never contained)', async ({ playbook, fixture: name, planned }) => {
    // Prepare
    runtime = await createLocalRuntime({ config: CONFIG });
    // Act
    const result = await runtime.replay(fixture(name), { approve: true });
    // Assert
    expect(result.incident).toMatchObject({ playbook, mode: 'approve', status: 'acknowledged' });
    expect(result.executions).toHaveLength(1);
    expect(result.executions[0]).toMatchObject({ status: 'SUCCEEDED' });
    expect(result.executions[0]?.path).toEqual(expect.arrayContaining(['ApprovalGate', 'RecordOutcome', 'DryRunCompleted']));
    const operations = result.calls.filter((call) => call.origin === 'planned').map((call) => call.operation);
    expect(operations).toEqual(expect.arrayContaining([...planned]));
    // Dry run: no containment call reached the (intercepted) AWS clients.
    const mutating = result.calls.filter((call) => call.origin === 'intercepted' && !['sfn', 'sns', 'securityHub', 'secretsManager', 'lambda'].includes(call.service));
    expect(mutating).toEqual([]);
    expect(result.notifications.map((notification) => notification.attributes.event)).toContain('dry_run_completed');
    expect(result.timeline.map((entry) => entry.kind)).toContain('dry_run_completed');
  });

  it('a bare Security Hub (ASFF) control finding, CIS 4.1 (SSH open to the world), plans revoking that ingress', async () => {
    // Prepare: fixture and provenance from the detection tests.
    runtime = await createLocalRuntime({ config: CONFIG });
    const asff = JSON.parse(readFileSync(new URL('../fixtures/securityhub/automated-security-response-on-aws/simdata/cis-41.json', import.meta.url), 'utf8'));
    // Act
    const result = await runtime.replay(asff, { approve: true });
    // Assert
    expect(result.inputs[0]?.recognizedAs).toBe('asff-finding');
    expect(result.matchedRules.map((rule) => rule.logicalId)).toEqual([expect.stringMatching(/^IngestionSecurityHubFindings/)]);
    expect(result.incident).toMatchObject({ playbook: 'network-exposure', status: 'acknowledged' });
    expect(result.executions[0]?.path.at(-1)).toBe('DryRunCompleted');
    expect(result.calls).toContainEqual(
      expect.objectContaining({ service: 'ec2', operation: 'RevokeSecurityGroupIngress', params: expect.objectContaining({ GroupId: 'sg-47dddc34c51b4be58' }), origin: 'planned' }),
    );
    // The finding behind the incident is marked NOTIFIED in Security Hub (intercepted, answered locally).
    expect(result.calls).toContainEqual(expect.objectContaining({ service: 'securityHub', operation: 'BatchUpdateFindings', origin: 'intercepted' }));
  });
});
