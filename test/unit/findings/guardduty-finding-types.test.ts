import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeGuardDutyFinding } from '../../../lambdas/core/findings/guardduty/normalize-guardduty.js';
import { FIXTURES, readFixture } from './fixture-loader.js';

/** test/fixtures/guardduty/finding-types.tsv: every active GuardDuty finding type (also the contain routing table's input). */
const TYPES = readFileSync(join(FIXTURES, 'guardduty/finding-types.tsv'), 'utf8')
  .split('\n')
  .filter((line) => line && !line.startsWith('#') && !line.startsWith('type\t'))
  .map((line) => line.split('\t')[0]!);

/** The resource block GuardDuty attaches for each resource part of a type, and the class Firebreak must derive. */
const BY_RESOURCE_PART: Record<string, { resource: Record<string, unknown>; resourceClass: string }> = {
  IAMUser: { resource: { resourceType: 'AccessKey', accessKeyDetails: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', userName: 'alice', userType: 'IAMUser', principalId: 'AIDAEXAMPLE' } }, resourceClass: 'AccessKey' },
  IAM: { resource: { resourceType: 'AttackSequence' }, resourceClass: 'IAMUser' },
  EC2: { resource: { resourceType: 'Instance', instanceDetails: { instanceId: 'i-0123456789abcdef0' } }, resourceClass: 'Instance' },
  S3: { resource: { resourceType: 'S3Bucket', s3BucketDetails: [{ name: 'data', arn: 'arn:aws:s3:::data', type: 'Destination' }] }, resourceClass: 'S3Bucket' },
  Kubernetes: { resource: { resourceType: 'EKSCluster', eksClusterDetails: { name: 'prod', arn: 'arn:aws:eks:us-east-1:123456789012:cluster/prod' } }, resourceClass: 'EKSCluster' },
  EKS: { resource: { resourceType: 'AttackSequence' }, resourceClass: 'EKSCluster' },
  ECS: { resource: { resourceType: 'ECSCluster', ecsClusterDetails: { name: 'web', arn: 'arn:aws:ecs:us-east-1:123456789012:cluster/web' } }, resourceClass: 'ECSCluster' },
  Container: { resource: { resourceType: 'Container', containerDetails: { id: 'abc123', name: 'app', image: 'nginx' } }, resourceClass: 'Container' },
  Lambda: { resource: { resourceType: 'Lambda', lambdaDetails: { functionName: 'fn', functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:fn' } }, resourceClass: 'Lambda' },
  RDS: { resource: { resourceType: 'RDSDBInstance', rdsDbInstanceDetails: { dbInstanceIdentifier: 'db1', engine: 'aurora-postgresql' } }, resourceClass: 'RDS' },
  // Runtime Monitoring reports on an instance, a task or a pod; the instance case here.
  Runtime: { resource: { resourceType: 'Instance', instanceDetails: { instanceId: 'i-0123456789abcdef0' } }, resourceClass: 'Instance' },
};

describe('every GuardDuty finding type in finding-types.tsv normalizes to a routable class', () => {
  const template = readFixture('guardduty/aws-samples-automated-response/guardduty_iam_event.json') as Record<string, unknown>;

  it('the list is the full active set', () => {
    expect(TYPES.length).toBe(198);
  });

  it.each(TYPES)('%s', (type) => {
    // Prepare
    const part = type.split(':')[1]!.split('/')[0]!;
    const shape = BY_RESOURCE_PART[part];
    expect(shape, `no resource shape for '${part}'`).toBeDefined();
    const raw = { ...structuredClone(template), type, resource: shape!.resource };
    // Act
    const result = normalizeGuardDutyFinding(raw);
    // Assert
    if (!result.ok) throw new Error(result.reason);
    expect(result.findings[0]!.resourceClass).toBe(shape!.resourceClass);
    expect(result.findings[0]!.type).toBe(type);
  });
});
