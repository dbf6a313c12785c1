import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReportCommand } from '../../../bin/commands/report.js';
import type { BackendEnvironment } from '../../../bin/commands/workflow-backend.js';
import { createAwsClients } from '../../../lambdas/aws/clients.js';
import { runCli } from '../../support/cli-harness.js';
import { startTestTable, type TestTable } from '../../support/dynalite.js';
import { detectedCredentialFinding } from '../siem/siem-incident.js';
import { IncidentLifecycle } from './compliance-lifecycle.js';

const FAKE = { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' };
const cfnMock = mockClient(CloudFormationClient);

let table: TestTable;
let incidentId: string;
let env: BackendEnvironment;
let workDir: string;
const originalCwd = process.cwd();

beforeAll(async () => {
  table = await startTestTable();
  const lifecycle = new IncidentLifecycle(table, await detectedCredentialFinding());
  await lifecycle.open();
  await lifecycle.acknowledge();
  incidentId = lifecycle.incidentId;
  cfnMock.on(DescribeStacksCommand, { StackName: 'Firebreak' }).resolves({
    Stacks: [{ StackName: 'Firebreak', CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: [{ OutputKey: 'IncidentTableName', OutputValue: lifecycle.tableName }] }],
  });
  env = {
    awsClients: (region) => createAwsClients({ homeRegion: region, overrides: { dynamoDb: { endpoint: table.endpoint, region: 'us-east-1', credentials: FAKE } } }),
    cloudFormation: (region) => new CloudFormationClient({ region, credentials: FAKE }),
    sts: (region) => new STSClient({ region, credentials: FAKE }),
  };
  // The command reads ./firebreak.config.json by default: run it in a directory whose config the test controls.
  workDir = mkdtempSync(join(tmpdir(), 'firebreak-report-'));
  writeFileSync(join(workDir, 'firebreak.config.json'), JSON.stringify({ complianceFramework: 'nist-800-61' }));
  writeFileSync(join(workDir, 'soc2.config.json'), JSON.stringify({ complianceFramework: 'soc2' }));
  process.chdir(workDir);
});
afterAll(async () => {
  process.chdir(originalCwd);
  rmSync(workDir, { recursive: true, force: true });
  cfnMock.restore();
  await table.stop();
});

const STACK = ['--stack', 'Firebreak', '--region', 'us-east-1'];

describe('firebreak report: compliance section from the config', () => {
  it('uses complianceFramework of ./firebreak.config.json (the config the stack was deployed from) by default', async () => {
    // Act
    const run = await runCli(createReportCommand(env), [incidentId, ...STACK]);

    // Assert
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('## Compliance (NIST SP 800-61r2)\n\n2 of 4 applicable phases evidenced; incomplete: 3.3 Containment, Eradication & Recovery; 3.4 Post-Incident Activity.');
    expect(run.stdout).toContain('- **Missing:** no root cause recorded: post-incident review not done');
  });

  it('uses the framework of --config FILE', async () => {
    // Act
    const run = await runCli(createReportCommand(env), [incidentId, ...STACK, '--config', 'soc2.config.json']);

    // Assert
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('## Compliance (SOC 2 (Trust Services Criteria 2017))');
    expect(run.stdout).not.toContain('NIST');
  });

  it('--compliance overrides the config, and --json carries the assessment', async () => {
    // Act
    const run = await runCli(createReportCommand(env), [incidentId, ...STACK, '--compliance', 'pci-dss-4', '--json']);

    // Assert
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as { compliance: { framework: string; name: string; requirements: { ref: string; status: string }[] } };
    expect(json.compliance.framework).toBe('pci-dss-4');
    expect(json.compliance.name).toBe('PCI DSS v4.0');
    expect(json.compliance.requirements.map((requirement) => [requirement.ref, requirement.status])).toEqual([
      ['12.10.1', 'evidenced'],
      ['12.10.3', 'evidenced'],
      ['12.10.5', 'incomplete'],
      ['12.10.6', 'incomplete'],
      ['10.2.1, 10.2.2', 'evidenced'],
      ['10.5.1', 'evidenced'],
      ['10.7.2, 10.7.3', 'not applicable'],
    ]);
  });

  it('--compliance none leaves the section out', async () => {
    // Act
    const run = await runCli(createReportCommand(env), [incidentId, ...STACK, '--compliance', 'none']);

    // Assert
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`# Incident ${incidentId}`);
    expect(run.stdout).not.toContain('## Compliance');
  });

  it('refuses an unknown framework with one line naming the supported ones (exit 2)', async () => {
    // Act
    const run = await runCli(createReportCommand(env), [incidentId, ...STACK, '--compliance', 'iso27001']);

    // Assert
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("firebreak report: --compliance 'iso27001' is not supported (supported: none, nist-800-61, pci-dss-4, soc2)");
  });

  it('refuses a config whose complianceFramework is not supported', async () => {
    // Prepare
    writeFileSync(join(workDir, 'bad.config.json'), JSON.stringify({ complianceFramework: 'iso27001' }));

    // Act
    const run = await runCli(createReportCommand(env), [incidentId, ...STACK, '--config', 'bad.config.json']);

    // Assert
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      "firebreak report: bad.config.json: invalid firebreak config: complianceFramework: complianceFramework 'iso27001' is not supported yet (supported: none, nist-800-61, pci-dss-4, soc2)",
    );
  });
});
