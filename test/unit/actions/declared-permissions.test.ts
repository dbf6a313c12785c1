import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AnyAction } from '../../../lambdas/actions/action.js';
import { ACTIONS } from '../../../lambdas/actions/registry.js';
import { actionContext, finding } from './action-test-kit.js';

/**
 * Keeps code and IAM policy from drifting: every SDK command an action's code can send (its own file and the local helpers
 * it imports, read statically, so untested branches count too) must be covered by the action's declared permissions, and
 * every declared permission must be used (or be one of the implied ones below, each with its reason).
 */

const ACTIONS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../lambdas/actions');

const IAM_PREFIX: Record<string, string> = {
  'client-iam': 'iam',
  'client-ec2': 'ec2',
  'client-auto-scaling': 'autoscaling',
  'client-elastic-load-balancing-v2': 'elasticloadbalancing',
  'client-s3': 's3',
  'client-s3-control': 's3',
  'client-cloudtrail': 'cloudtrail',
  'client-guardduty': 'guardduty',
  'client-securityhub': 'securityhub',
  'client-config-service': 'config',
  'client-lambda': 'lambda',
  'client-ecs': 'ecs',
  'client-wafv2': 'wafv2',
};

/** Operations whose IAM action is not `<prefix>:<Operation>` (S3 names its Block Public Access permissions differently). */
const IAM_ACTION_OF: Record<string, string> = {
  'client-s3:GetPublicAccessBlock': 's3:GetBucketPublicAccessBlock',
  'client-s3:PutPublicAccessBlock': 's3:PutBucketPublicAccessBlock',
  'client-s3:DeletePublicAccessBlock': 's3:PutBucketPublicAccessBlock',
  'client-s3-control:GetPublicAccessBlock': 's3:GetAccountPublicAccessBlock',
  'client-s3-control:PutPublicAccessBlock': 's3:PutAccountPublicAccessBlock',
  'client-s3-control:DeletePublicAccessBlock': 's3:PutAccountPublicAccessBlock',
};

/** Permissions an API needs beyond its own action (no SDK command of its own), with why. */
const IMPLIED: Record<string, string> = {
  'ec2:CreateTags': 'TagSpecifications on CreateSecurityGroup / CreateSnapshot / CreateFlowLogs need ec2:CreateTags',
  'iam:PassRole': 'AssociateIamInstanceProfile and CreateFlowLogs (CloudWatch Logs delivery role) pass a role to EC2',
  'logs:CreateLogDelivery': 'CreateFlowLogs to S3 / CloudWatch Logs sets up a log delivery',
  'logs:DeleteLogDelivery': 'CreateFlowLogs cleans up a failed log delivery',
};

export interface SentCommand {
  readonly pkg: string;
  readonly operation: string;
  readonly iamAction: string;
  readonly file: string;
}

/** `@aws-sdk/client-*` commands instantiated in `file` and in the relative modules it imports, transitively. */
export function commandsSentBy(file: string, read: (path: string) => string = (p) => readFileSync(p, 'utf8'), seen = new Set<string>()): SentCommand[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const source = read(file);
  const commands: SentCommand[] = [];
  for (const match of source.matchAll(/import\s*(type\s*)?\{([^}]*)\}\s*from\s*'@aws-sdk\/(client-[a-z0-9-]+)'/g)) {
    if (match[1]) continue;
    const pkg = match[3]!;
    for (const raw of match[2]!.split(',')) {
      const [imported, local] = raw.trim().replace(/^type\s+/, '').split(/\s+as\s+/);
      const name = (local ?? imported ?? '').trim();
      if (!imported?.endsWith('Command') || raw.trim().startsWith('type ')) continue;
      if (!new RegExp(`new\\s+${name}\\s*\\(`).test(source)) continue;
      const operation = imported.trim().replace(/Command$/, '');
      const prefix = IAM_PREFIX[pkg];
      if (!prefix) throw new Error(`${file}: no IAM prefix known for @aws-sdk/${pkg}`);
      commands.push({ pkg, operation, iamAction: IAM_ACTION_OF[`${pkg}:${operation}`] ?? `${prefix}:${operation}`, file });
    }
  }
  for (const match of source.matchAll(/from\s*'(\.{1,2}\/[^']+)\.js'/g)) {
    const target = resolve(dirname(file), `${match[1]}.ts`);
    if (target.startsWith(ACTIONS_DIR) && existsSync(target)) commands.push(...commandsSentBy(target, read, seen));
  }
  return commands;
}

/** `iam:Get*`-style wildcards in declarations match like IAM does. */
function declares(action: AnyAction, iamAction: string): boolean {
  return action.permissions.some((p) => p.actions.some((a) => new RegExp(`^${a.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(iamAction)));
}

export function undeclaredCommands(action: AnyAction, sent: readonly SentCommand[]): string[] {
  return [...new Set(sent.filter((c) => !declares(action, c.iamAction)).map((c) => `${c.iamAction} (${relative(ACTIONS_DIR, c.file)})`))];
}

const fileOf = (action: AnyAction) => join(ACTIONS_DIR, `${action.id}.ts`);

describe('declared IAM permissions of every action', () => {
  it.each(ACTIONS.map((a) => [a.id, a] as const))('%s declares every API its code calls', (_id, action) => {
    const sent = commandsSentBy(fileOf(action));
    expect(sent.length).toBeGreaterThan(0);
    expect(undeclaredCommands(action, sent)).toEqual([]);
  });

  it.each(ACTIONS.map((a) => [a.id, a] as const))('%s declares nothing it does not use', (_id, action) => {
    const used = new Set(commandsSentBy(fileOf(action)).map((c) => c.iamAction));
    const unused = action.permissions.flatMap((p) => p.actions).filter((a) => !used.has(a) && !(a in IMPLIED));
    expect(unused).toEqual([]);
  });

  it.each(ACTIONS.map((a) => [a.id, a] as const))('%s: every call of its dry-run plan is declared', (_id, action) => {
    const params = action.paramsFromFinding(SAMPLE_FINDINGS.find((f) => action.paramsFromFinding(f)) ?? SAMPLE_FINDINGS[0]!);
    if (!params) return;
    for (const call of action.plan(action.params.parse(params), actionContext({ dryRun: true }))) {
      const pkg = Object.entries({ iam: 'client-iam', ec2: 'client-ec2', autoScaling: 'client-auto-scaling', elbv2: 'client-elastic-load-balancing-v2', s3: 'client-s3', s3Control: 'client-s3-control', cloudTrail: 'client-cloudtrail', guardDuty: 'client-guardduty', securityHub: 'client-securityhub', configService: 'client-config-service', lambda: 'client-lambda', ecs: 'client-ecs', wafv2: 'client-wafv2' }).find(([service]) => service === call.service)?.[1];
      expect(pkg, `${action.id}: unknown service ${call.service}`).toBeDefined();
      const iamAction = IAM_ACTION_OF[`${pkg}:${call.operation}`] ?? `${IAM_PREFIX[pkg!]}:${call.operation}`;
      expect(declares(action, iamAction), `${action.id} plans ${iamAction}`).toBe(true);
    }
  });

  it('catches an action that calls an API it did not declare', () => {
    // Prepare: a made-up action source that deletes the user it was only allowed to read.
    const fake = join(ACTIONS_DIR, 'iam/fake-action.ts');
    const source = `import { DeleteUserCommand, GetUserCommand } from '@aws-sdk/client-iam';\nawait iam.send(new GetUserCommand({}));\nawait iam.send(new DeleteUserCommand({}));\n`;
    const declared = { permissions: [{ actions: ['iam:GetUser'] }] } as unknown as AnyAction;
    // Act
    const sent = commandsSentBy(fake, () => source);
    // Assert
    expect(sent.map((c) => c.iamAction).sort()).toEqual(['iam:DeleteUser', 'iam:GetUser']);
    expect(undeclaredCommands(declared, sent)).toEqual(['iam:DeleteUser (iam/fake-action.ts)']);
  });

  it('maps S3 Block Public Access operations to their IAM names', () => {
    const source = `import { PutPublicAccessBlockCommand } from '@aws-sdk/client-s3';\nnew PutPublicAccessBlockCommand({});\n`;
    expect(commandsSentBy(join(ACTIONS_DIR, 's3/x.ts'), () => source).map((c) => c.iamAction)).toEqual(['s3:PutBucketPublicAccessBlock']);
  });
});

/** Findings that give every action params (for the dry-run plan check). */
const SAMPLE_FINDINGS = [
  finding({ type: 'UnauthorizedAccess:IAMUser/MaliciousIPCaller', resourceClass: 'AccessKey', principal: { type: 'IAMUser', userName: 'alice', accessKeyId: 'AKIAIOSFODNN7EXAMPLE' }, network: { remoteIp: '198.51.100.7' } }),
  finding({ type: 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS', resourceClass: 'IAMRole', principal: { type: 'AssumedRole', roleName: 'web', sessionName: 'i-0abc' } }),
  finding({
    type: 'UnauthorizedAccess:EC2/SSHBruteForce',
    resourceClass: 'Instance',
    network: { remoteIp: '198.51.100.7', localPort: 22 },
    resources: [{ type: 'AWS::EC2::Instance', id: 'i-05746eb48123455e0', tags: {}, details: { vpcId: 'vpc-34865123', networkInterfaceIds: ['eni-0a1b2c3d4e5f60718'], subnetIds: ['subnet-d58b7123'], securityGroupIds: ['sg-9918a123'] } }],
  }),
  finding({ type: 'Policy:S3/AccountBlockPublicAccessDisabled', resourceClass: 'S3Bucket', resources: [{ type: 'AWS::S3::Bucket', id: 'example-bucket', tags: {}, details: {} }] }),
  finding({ type: 'cloudtrail-logging-stopped', ruleId: 'cloudtrail-logging-stopped', source: 'cloudtrail', product: 'Firebreak', resourceClass: 'Logging' }),
  finding({ type: 'guardduty-disabled', ruleId: 'guardduty-disabled', source: 'cloudtrail', product: 'Firebreak', resourceClass: 'Logging' }),
  finding({ type: 'securityhub-disabled', ruleId: 'securityhub-disabled', source: 'cloudtrail', product: 'Firebreak', resourceClass: 'Logging' }),
  finding({ type: 'config-recording-stopped', ruleId: 'config-recording-stopped', source: 'cloudtrail', product: 'Firebreak', resourceClass: 'Logging' }),
  finding({ type: 'vpc-flow-logs-deleted', ruleId: 'vpc-flow-logs-deleted', source: 'cloudtrail', product: 'Firebreak', resourceClass: 'Logging' }),
  finding({ type: 'CryptoCurrency:Lambda/BitcoinTool.B', resourceClass: 'Lambda', resources: [{ type: 'AWS::Lambda::Function', id: 'fn', tags: {}, details: {} }] }),
  finding({ type: 'Execution:Runtime/ReverseShell', resourceClass: 'ECSCluster', resources: [{ type: 'AWS::ECS::Cluster', id: 'prod', tags: {}, details: { taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/prod/0123' } }] }),
];
