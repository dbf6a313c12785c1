import type { Finding, Resource } from '../../core/findings/finding.js';

/**
 * Findings name resources the way their product does: GuardDuty and Firebreak rules as CloudFormation types
 * (`AWS::EC2::Instance`, id `i-...`), Security Hub as ASFF types (`AwsEc2Instance`, id = the ARN). Actions look resources up
 * here so a finding from either path gives the same params.
 */
const ASFF_TYPES: Readonly<Record<string, readonly string[]>> = {
  'AWS::EC2::Instance': ['AwsEc2Instance'],
  'AWS::EC2::SecurityGroup': ['AwsEc2SecurityGroup'],
  'AWS::EC2::VPC': ['AwsEc2Vpc'],
  'AWS::S3::Bucket': ['AwsS3Bucket'],
  'AWS::Lambda::Function': ['AwsLambdaFunction'],
  'AWS::CloudTrail::Trail': ['AwsCloudTrailTrail'],
  'AWS::ECS::Cluster': ['AwsEcsCluster'],
  'AWS::IAM::User': ['AwsIamUser'],
  'AWS::IAM::Role': ['AwsIamRole'],
};

/** The id part of an ARN: `...:instance/i-1` → `i-1`, `arn:aws:s3:::bucket` → `bucket`, `...:security-group/sg-1` → `sg-1`. */
export function idFromArn(value: string): string {
  if (!value.startsWith('arn:')) return value;
  const s3 = /^arn:[\w-]*:s3:::([^/]+)$/.exec(value);
  if (s3) return s3[1]!;
  const resource = value.split(':').slice(5).join(':');
  return resource.includes('/') ? resource.slice(resource.lastIndexOf('/') + 1) : resource;
}

/** The first resource of the finding of that (CloudFormation) type, in either naming, with its plain id. */
export function findResource(finding: Finding, cloudFormationType: string): (Resource & { plainId: string }) | undefined {
  const types = [cloudFormationType, ...(ASFF_TYPES[cloudFormationType] ?? [])];
  const resource = finding.resources.find((r) => types.includes(r.type));
  return resource ? { ...resource, plainId: idFromArn(resource.id) } : undefined;
}

/** A detail under its GuardDuty (camelCase) or ASFF (PascalCase) name. */
export function detail(resource: Resource, name: string): unknown {
  return resource.details[name] ?? resource.details[name.charAt(0).toUpperCase() + name.slice(1)];
}
