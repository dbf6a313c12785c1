import { describe, expect, it } from 'vitest';
import { command } from '../../../bin/commands/coverage.js';
import { runCli } from '../../support/cli-harness.js';

describe('firebreak coverage', () => {
  it('prints the table and the counts', async () => {
    const run = await runCli(command, []);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^UnauthorizedAccess:IAMUser\/InstanceCredentialExfiltration\.OutsideAWS\s+credential-compromise/m);
    expect(run.stdout).toMatch(/^Policy:IAMUser\/RootCredentialUsage\s+notify-only\s+\[CRITICAL\]/m);
    expect(run.stdout).toContain('GuardDuty finding types: 198, routed to a containment playbook: 149, notify only: 49');
    expect(run.stdout).toMatch(/by resource: .*EC2 46\/46.*S3 23\/23.*Lambda 7\/7.*Runtime 42\/42/);
  });

  it('--json gives counts and every row; --source and --notify-only filter', async () => {
    const run = await runCli(command, ['--json', '--source', 'guardduty', '--notify-only']);
    const document = JSON.parse(run.stdout) as { counts: { guardDutyTypes: number }; rows: { source: string; playbook: string; key: string }[] };
    expect(document.counts.guardDutyTypes).toBe(198);
    expect(document.rows.length).toBe(49);
    expect(document.rows.every((r) => r.source === 'guardduty' && r.playbook === 'notify-only')).toBe(true);
    expect(document.rows.map((r) => r.key)).toContain('CredentialAccess:Kubernetes/MaliciousIPCaller');
  });

  it('a bad flag is a usage error (exit 2, one line)', async () => {
    const run = await runCli(command, ['--source', 'nope']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--source 'nope': expected one of guardduty, asff-control, asff-product, rule");
  });
});
