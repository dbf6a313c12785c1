import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../bin/cli.js';
import type { CliIo } from '../../bin/commands/command.js';

// `firebreak replay` run in-process through the real dispatcher (bin/cli.ts), reading what it prints. The stack is
// synthesized once per config in this process (memoized), so each run costs a local runtime, not a synth.

const DEMO_EVENT = fileURLToPath(new URL('../fixtures/integration/guardduty-iam-credential-finding.json', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'firebreak-cli-'));
const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));

function writeScratch(name: string, content: string): string {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
}

async function run(args: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => {
      stdout += text.endsWith('\n') ? text : `${text}\n`;
    },
    stderr: (text) => {
      stderr += text.endsWith('\n') ? text : `${text}\n`;
    },
    stdin: async () => stdin,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

describe('firebreak replay (CLI)', () => {
  it('prints the incident, the pending approval with its exact planned calls, and the timeline', async () => {
    // Act
    const { code, stdout, stderr } = await run(['replay', DEMO_EVENT]);
    // Assert
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/Rules: {4}IngestionGuardDutyFindings\w* \[ENABLED\]/);
    expect(stdout).toMatch(/Incident inc-[0-9a-f]+: OPEN, HIGH/);
    expect(stdout).toContain('Pending approval: step ApprovalGate');
    expect(stdout).toContain('iam UpdateAccessKey {"UserName":"ci-deployer","AccessKeyId":"AKIAIOSFODNN7EXAMPLE","Status":"Inactive"}');
    expect(stdout).toContain('Continue with --approve, or --reject');
    expect(stdout).toMatch(/Timeline:\n.*opened/);
  });

  it('--json --approve prints one document with the incident, its timeline, the calls and the notifications', async () => {
    // Act
    const { code, stdout } = await run(['replay', DEMO_EVENT, '--approve', '--json']);
    // Assert
    expect(code).toBe(0);
    const document = JSON.parse(stdout);
    // A replay is a dry run: approved, the playbook finishes, nothing is contained (approving acknowledged the incident).
    expect(document.incident).toMatchObject({ id: expect.stringMatching(/^inc-/), status: 'acknowledged', severity: 'HIGH' });
    expect(document.outcome).toBe('dry_run_completed');
    expect(document.incident.timeline.map((entry: { kind: string }) => entry.kind)).toEqual(expect.arrayContaining(['opened', 'approved', 'dry_run_completed']));
    expect(document.calls).toContainEqual({
      service: 'iam',
      operation: 'UpdateAccessKey',
      params: { UserName: 'ci-deployer', AccessKeyId: 'AKIAIOSFODNN7EXAMPLE', Status: 'Inactive' },
      origin: 'planned',
      by: 'iam/deactivate-access-key',
    });
    expect(document.notifications.length).toBeGreaterThan(0);
    expect(document.pendingApprovals).toEqual([]);
  });

  it('--approve says the playbook ran as a dry run and the incident is not contained', async () => {
    // Act
    const { code, stdout } = await run(['replay', DEMO_EVENT, '--approve']);
    // Assert
    expect(code).toBe(0);
    expect(stdout).toMatch(/Incident inc-[0-9a-f]+: ACKNOWLEDGED, HIGH/);
    expect(stdout).toMatch(/Playbook: SUCCEEDED — .*RecordOutcome → ChooseOutcome → NotifyDryRun → DryRunCompleted/);
    expect(stdout).toContain('Outcome:  DRY RUN — the playbook finished and nothing changed; the incident stays ACKNOWLEDGED, it is NOT contained');
    expect(stdout).toMatch(/\[Firebreak HIGH\] Dry run, nothing changed: .*event=dry_run_completed/);
    expect(stdout).not.toMatch(/CONTAINED|Contained:/);
  });

  it('--reject with a reason stops the playbook and says so', async () => {
    // Act
    const { code, stdout } = await run(['replay', DEMO_EVENT, '--reject', '--reason', 'authorized test']);
    // Assert
    expect(code).toBe(0);
    expect(stdout).toContain('ApprovalGate → RecordRejected');
    expect(stdout).toContain('authorized test');
  });

  it('reads the event from stdin with -', async () => {
    // Act
    const { code, stdout } = await run(['replay', '-', '--json'], readFileSync(DEMO_EVENT, 'utf8'));
    // Assert
    expect(code).toBe(0);
    expect(JSON.parse(stdout).incident.status).toBe('open');
  });

  it.each([
    ['a missing file', () => ['replay', join(scratch, 'nope.json')], /^firebreak replay: cannot read .*nope\.json: no such file\n$/],
    ['invalid JSON', () => ['replay', writeScratch('broken.json', '{"source": "aws.guardduty",')], /^firebreak replay: .*broken\.json is not valid JSON \(.+\)\n$/],
    [
      'an event no rule matches',
      () => ['replay', writeScratch('ec2.json', JSON.stringify({ source: 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification', detail: { state: 'running' } }))],
      /^firebreak replay: no EventBridge rule of the stack matches this event \(source 'aws\.ec2', detail-type 'EC2 Instance State-change Notification'\); (closest|rules): .+\n$/,
    ],
    [
      'a GuardDuty finding missing required fields',
      () => {
        const event = JSON.parse(readFileSync(DEMO_EVENT, 'utf8'));
        delete event.detail.accountId;
        delete event.detail.id;
        return ['replay', writeScratch('partial.json', JSON.stringify(event))];
      },
      /^firebreak replay: the detector rejected the event: .+\n$/,
    ],
    ['something that is not an event', () => ['replay', writeScratch('array.json', '[1, 2]')], /^firebreak replay: expected a JSON object \(an event or a finding\), got a number\n$/],
    ['a config with an unknown key', () => ['replay', DEMO_EVENT, '--config', writeScratch('config.json', '{"dryrun": false}')], /^firebreak replay: .*config\.json: .*'dryrun'.*\n$/],
  ])('refuses %s with one line on stderr and exit 2', async (_what, args, message) => {
    // Act
    const { code, stdout, stderr } = await run(args());
    // Assert
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses --approve together with --reject as a usage error', async () => {
    // Act
    const { code, stderr } = await run(['replay', DEMO_EVENT, '--approve', '--reject']);
    // Assert
    expect(code).toBe(2);
    expect(stderr).toMatch(/^firebreak replay: choose one of --approve, --reject or --expire\nusage: firebreak replay/);
  });

  it.each(readdirSync(EXAMPLES).filter((name) => name.endsWith('.json')))('replays the shipped example %s into an incident waiting for approval', async (name) => {
    // Act
    const { code, stdout } = await run(['replay', join(EXAMPLES, name), '--json']);
    // Assert
    expect(code).toBe(0);
    const document = JSON.parse(stdout);
    expect(document.incident).toMatchObject({ status: 'open', mode: 'approve' });
    expect(document.pendingApprovals).toEqual([expect.objectContaining({ step: 'ApprovalGate' })]);
  });
});
