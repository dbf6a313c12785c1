import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createDecisionCommand } from '../../../bin/commands/approve.js';
import { createIncidentsCommand } from '../../../bin/commands/incidents.js';
import { incidentIdFor } from '../../../lambdas/store/incident-repository.js';
import { runCli } from '../../support/cli-harness.js';

const EXAMPLE = fileURLToPath(new URL('../../../examples/guardduty-iam-credential-finding.json', import.meta.url));

/** The example's finding id → its deterministic incident id (what `firebreak replay` prints). */
const INCIDENT = incidentIdFor('guardduty:883606788610:us-east-1:36b01b60fc22bb4edb19d62d9899e953');

describe('workflow CLI against the local runtime', () => {
  it('approve --local replays the event, approves the gate as the local user and lets the playbook run on', async () => {
    const run = await runCli(createDecisionCommand('approve'), [INCIDENT, '--local', EXAMPLE, '--reason', 'confirmed', '--json']);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const output = JSON.parse(run.stdout) as {
      decision: { decision: string; step: string; approver: string };
      incident: { incidentId: string; status: string; acknowledgedBy?: string };
      pendingApprovals: string[];
    };
    expect(output.decision).toMatchObject({ decision: 'approved', step: 'ApprovalGate', approver: expect.stringMatching(/^local:/) });
    expect(output.incident).toMatchObject({ incidentId: INCIDENT, acknowledgedBy: expect.stringMatching(/^local:/) });
    // The credential playbook's ForcePasswordReset step asks for its own approval once the first steps have run.
    expect(output.pendingApprovals).toEqual(['ForcePasswordReset']);
  });

  it('incidents list --local shows the replayed incident waiting for approval', async () => {
    const run = await runCli(createIncidentsCommand(), ['list', '--local', EXAMPLE, '--json']);

    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { incidents: { incidentId: string; status: string }[] }).incidents).toEqual([
      expect.objectContaining({ incidentId: INCIDENT, status: 'open', severity: 'HIGH', playbook: 'credential-compromise' }),
    ]);
  });

  it('names a missing event file in one line', async () => {
    const run = await runCli(createIncidentsCommand(), ['list', '--local', 'no-such-event.json']);
    expect(run).toMatchObject({ code: 2, stderr: 'firebreak incidents: --local no-such-event.json: cannot read file (ENOENT)' });
  });
});
