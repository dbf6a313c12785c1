/**
 * The one routing table: GuardDuty finding types, Security Hub (ASFF) products and controls, and Firebreak detection rules
 * → a playbook. It names the containment playbooks by id even before their state machine exists; route-finding.ts falls back
 * to notify-only for a playbook that is not deployed (not in PLAYBOOK_IDS), so the table can be complete from day one.
 */

export const CONTAINMENT_PLAYBOOKS = [
  'credential-compromise',
  'compromised-instance',
  'data-exposure',
  'network-exposure',
  'defense-tampering',
  'compromised-workload',
  'malicious-ip',
] as const;
export type ContainmentPlaybook = (typeof CONTAINMENT_PLAYBOOKS)[number];
export type RoutedPlaybook = ContainmentPlaybook | 'notify-only';

export interface RouteRule {
  readonly playbook: RoutedPlaybook;
  readonly reason: string;
  /** Raise the incident to CRITICAL whatever the product said (root activity). */
  readonly escalate?: 'CRITICAL';
}

const credentials = (why: string): RouteRule => ({ playbook: 'credential-compromise', reason: why });
const instance = (why: string): RouteRule => ({ playbook: 'compromised-instance', reason: why });
const workload = (why: string): RouteRule => ({ playbook: 'compromised-workload', reason: why });
const dataExposure = (why: string): RouteRule => ({ playbook: 'data-exposure', reason: why });
const networkExposure = (why: string): RouteRule => ({ playbook: 'network-exposure', reason: why });
const defenses = (why: string): RouteRule => ({ playbook: 'defense-tampering', reason: why });
const maliciousIp = (why: string): RouteRule => ({ playbook: 'malicious-ip', reason: why });
const notifyOnly = (why: string): RouteRule => ({ playbook: 'notify-only', reason: why });

const ROOT: RouteRule = {
  playbook: 'notify-only',
  reason: 'root user activity: CRITICAL notification; Firebreak never changes the root user automatically',
  escalate: 'CRITICAL',
};

/** GuardDuty: exact types first (they win over the resource default below). */
export const GUARDDUTY_TYPE_ROUTES: Readonly<Record<string, RouteRule>> = {
  'Policy:IAMUser/RootCredentialUsage': ROOT,
  'Policy:IAMUser/ShortTermRootCredentialUsage': ROOT,
  'Stealth:IAMUser/CloudTrailLoggingDisabled': defenses('CloudTrail logging was turned off: restart it, then contain the caller'),
  'Stealth:S3/ServerAccessLoggingDisabled': dataExposure('S3 server access logging was disabled on a bucket: protect the bucket'),
  'Policy:S3/AccountBlockPublicAccessDisabled': dataExposure('account-level S3 Block Public Access was disabled'),
  'Policy:S3/BucketAnonymousAccessGranted': dataExposure('a bucket policy or ACL grants anonymous access'),
  'Policy:S3/BucketBlockPublicAccessDisabled': dataExposure('bucket-level S3 Block Public Access was disabled'),
  'Policy:S3/BucketPublicAccessGranted': dataExposure('a bucket policy or ACL grants public access'),
  'Object:S3/MaliciousFile': dataExposure('malware uploaded to a bucket: block public access so it is not served'),
  'Execution:S3/MaliciousFile!RecoveryPoint': dataExposure('malware in an S3 recovery point: protect the bucket'),
  // Inbound attacks on an instance: the attacker is the remote IP, the instance is the target.
  'UnauthorizedAccess:EC2/SSHBruteForce': maliciousIp('SSH brute force against an instance: block the source IP'),
  'UnauthorizedAccess:EC2/RDPBruteForce': maliciousIp('RDP brute force against an instance: block the source IP'),
  'Recon:EC2/PortProbeUnprotectedPort': networkExposure('an unprotected port is being probed: revoke the world-open ingress'),
  'Recon:EC2/PortProbeEMRUnprotectedPort': networkExposure('an EMR port is open to the internet: revoke the world-open ingress'),
};

/** GuardDuty: by the resource part of the type (`Threat:Resource/Name`). */
export const GUARDDUTY_RESOURCE_ROUTES: Readonly<Record<string, RouteRule>> = {
  IAMUser: credentials('GuardDuty credential finding: deactivate the key / revoke the sessions of the principal'),
  IAM: credentials('attack sequence on IAM credentials: contain the principal'),
  S3: credentials('S3 data accessed by a suspicious principal: contain the principal that made the calls'),
  EC2: instance('GuardDuty EC2 finding: isolate the instance, keep the evidence'),
  Lambda: workload('GuardDuty Lambda finding: throttle the function'),
  Runtime: workload('GuardDuty Runtime Monitoring finding: contain the task, node or instance running it'),
  Container: workload('GuardDuty malware in a container: contain the workload'),
  ECS: workload('GuardDuty ECS finding: stop the task (approval) and contain its host'),
  EKS: workload('GuardDuty EKS attack sequence: isolate the node instance'),
  Kubernetes: notifyOnly('EKS audit-log finding: containment is a cluster RBAC change, which Firebreak does not make'),
  RDS: notifyOnly('RDS login finding: Firebreak has no database containment action'),
};

/**
 * Security Hub controls (security-control ids, which AFSBP generator ids end with) → playbook.
 * Controls not listed are posture findings: notify only.
 */
export const ASFF_CONTROL_ROUTES: Readonly<Record<string, RouteRule>> = {
  'S3.1': dataExposure('S3 account-level Block Public Access is off'),
  'S3.2': dataExposure('S3 bucket allows public read access'),
  'S3.3': dataExposure('S3 bucket allows public write access'),
  'S3.8': dataExposure('S3 bucket-level Block Public Access is off'),
  'S3.19': dataExposure('S3 access point Block Public Access is off'),
  'EC2.2': networkExposure('the default security group allows traffic'),
  'EC2.13': networkExposure('a security group allows 0.0.0.0/0 to port 22'),
  'EC2.14': networkExposure('a security group allows 0.0.0.0/0 to port 3389'),
  'EC2.18': networkExposure('a security group allows unrestricted traffic to unauthorized ports'),
  'EC2.19': networkExposure('a security group allows unrestricted access to high-risk ports'),
  'EC2.53': networkExposure('a security group allows 0.0.0.0/0 to remote administration ports'),
  'EC2.54': networkExposure('a security group allows ::/0 to remote administration ports'),
  'EC2.6': defenses('VPC flow logging is not enabled'),
  'CloudTrail.1': defenses('no multi-Region CloudTrail trail is logging'),
  'CloudTrail.3': defenses('no CloudTrail trail is enabled'),
  'Config.1': defenses('AWS Config recording is off'),
  'GuardDuty.1': defenses('GuardDuty is not enabled'),
  'SecurityHub.1': defenses('Security Hub is not enabled'),
  'Lambda.1': workload('a Lambda function policy allows public access: throttle it until fixed'),
  'IAM.4': ROOT,
  'IAM.6': ROOT,
  'IAM.9': ROOT,
  // CIS AWS Foundations v1.2.0 numbering (generator `cis-aws-foundations-benchmark/v/1.2.0/<n>`).
  'cis-1.2.0/1.1': ROOT,
  'cis-1.2.0/1.12': ROOT,
  'cis-1.2.0/2.1': defenses('CIS 2.1: CloudTrail is not enabled in all Regions'),
  'cis-1.2.0/2.5': defenses('CIS 2.5: AWS Config is not enabled'),
  'cis-1.2.0/2.9': defenses('CIS 2.9: VPC flow logging is not enabled'),
  'cis-1.2.0/4.1': networkExposure('CIS 4.1: a security group allows 0.0.0.0/0 to port 22'),
  'cis-1.2.0/4.2': networkExposure('CIS 4.2: a security group allows 0.0.0.0/0 to port 3389'),
};

/** Security Hub findings from other products, by ProductName. GuardDuty findings seen via Security Hub use the GuardDuty table. */
export const ASFF_PRODUCT_ROUTES: Readonly<Record<string, RouteRule>> = {
  Macie: dataExposure('Macie: sensitive or publicly accessible S3 data'),
  'IAM Access Analyzer': notifyOnly('IAM Access Analyzer: an external-access grant to review'),
  Inspector: notifyOnly('Inspector: a vulnerability to patch, not an attack to contain'),
  'Systems Manager Patch Manager': notifyOnly('Patch Manager: a patch compliance finding'),
  Config: notifyOnly('AWS Config rule: a posture finding'),
  'Security Hub': notifyOnly('Security Hub control without a containment route: a posture finding'),
};

/**
 * Firebreak's own detection rules (rules/*.yml, by id) → playbook. A rule missing here routes by its finding's resource
 * class (RESOURCE_CLASS_ROUTES); a test lists every rule id in the pack against this table.
 */
export const RULE_ROUTES: Readonly<Record<string, RouteRule>> = {
  'ami-shared-publicly': notifyOnly('an AMI was made public: Firebreak has no un-share action yet'),
  'cloudtrail-logging-stopped': defenses('CloudTrail logging was stopped or the trail deleted'),
  'cloudtrail-selectors-changed': defenses('CloudTrail event selectors were narrowed: make sure the trail logs'),
  'config-recording-stopped': defenses('AWS Config recording was stopped'),
  'console-login-failed': notifyOnly('failed console sign-in: nothing to contain yet'),
  'console-login-without-mfa': notifyOnly('console sign-in without MFA: a posture issue to follow up'),
  'dns-query-logging-deleted': notifyOnly('Route 53 query logging deleted: Firebreak has no action to restore it'),
  'ebs-snapshot-shared': notifyOnly('an EBS snapshot was shared: Firebreak has no un-share action yet'),
  'ec2-instance-connect-key-pushed': notifyOnly('EC2 Instance Connect key pushed: routine unless correlated'),
  'ec2-password-data-retrieved': credentials('Windows password data retrieved: contain the caller'),
  'ec2-serial-console-key-pushed': credentials('serial console key pushed: contain the caller'),
  'ec2-user-data-downloaded': credentials('instance user data (often secrets) downloaded: contain the caller'),
  'ec2-user-data-modified': credentials('instance user data modified (persistence): contain the caller'),
  'guardduty-disabled': defenses('GuardDuty was disabled or deleted'),
  'iam-access-key-created-for-other-user': credentials('an access key was created for another user: contain the caller'),
  'iam-admin-policy-attached': credentials('an administrator policy was attached: contain the caller'),
  'iam-inline-admin-policy': credentials('an inline administrator policy was written: contain the caller'),
  'iam-login-profile-created-for-other-user': credentials('a console password was set for another user: contain the caller'),
  'iam-role-created': notifyOnly('a role was created: routine unless correlated'),
  'iam-role-trust-opened': credentials('a role trust policy was opened to other accounts or everyone: contain the caller'),
  'iam-user-created': notifyOnly('a user was created: routine unless correlated'),
  'instance-credentials-used-outside-instance': credentials('instance role credentials used from outside the instance: revoke the sessions'),
  'kms-key-deletion': notifyOnly('a KMS key was scheduled for deletion: cancel it by hand within the waiting period'),
  'lambda-code-changed-by-human': workload('Lambda code changed by a person: throttle the function until reviewed'),
  'lambda-permission-added': workload('a Lambda resource policy was extended: throttle the function until reviewed'),
  'mutating-api-call': notifyOnly('a watched mutating call: notify only'),
  'organization-leave-attempt': credentials('an attempt to leave the organization: contain the caller'),
  'rds-snapshot-shared': notifyOnly('an RDS snapshot was shared: Firebreak has no database action'),
  'rolesanywhere-trust-anchor-created': credentials('an IAM Roles Anywhere trust anchor was created (persistence): contain the caller'),
  'root-account-usage': ROOT,
  's3-bucket-logging-disabled': dataExposure('S3 server access logging was disabled on a bucket'),
  's3-bucket-policy-changed': dataExposure('a bucket policy changed: remove any public statement'),
  's3-public-access-block-removed': dataExposure('S3 Block Public Access was removed'),
  'saml-provider-changed': credentials('a SAML identity provider was changed: contain the caller'),
  'secrets-manager-secret-retrieved': credentials('a secret was read by an unusual caller: contain the caller'),
  'security-group-opened-to-world': networkExposure('a security group was opened to the internet on an administration port'),
  'securityhub-disabled': defenses('Security Hub was disabled'),
  'ssm-parameter-decrypted': notifyOnly('a SecureString parameter was decrypted: notify only'),
  'ssm-send-command': notifyOnly('SSM Run Command was used: notify only'),
  'ssm-start-session': notifyOnly('an SSM session was started: notify only'),
  'sts-federation-token': credentials('GetFederationToken (a way to outlive key deactivation): contain the caller'),
  'vpc-flow-logs-deleted': defenses('VPC flow logs were deleted'),
};

/** Fallback for rule findings (and anything else) by the resource class the normalizer assigned. */
export const RESOURCE_CLASS_ROUTES: Readonly<Record<string, RouteRule>> = {
  AccessKey: credentials('the finding is about an access key'),
  IAMUser: credentials('the finding is about an IAM user'),
  IAMRole: credentials('the finding is about an IAM role session'),
  Root: ROOT,
  Instance: instance('the finding is about an EC2 instance'),
  S3Bucket: dataExposure('the finding is about an S3 bucket'),
  SecurityGroup: networkExposure('the finding is about a security group'),
  Logging: defenses('the finding is about logging or a security service being disabled'),
  Lambda: workload('the finding is about a Lambda function'),
  ECSCluster: workload('the finding is about an ECS task'),
  Container: workload('the finding is about a container'),
  EKSCluster: notifyOnly('EKS cluster finding: Firebreak does not change cluster RBAC'),
  RDS: notifyOnly('RDS finding: Firebreak has no database containment action'),
  Account: notifyOnly('account-level finding: no single resource to contain'),
  Other: notifyOnly('no containment playbook for this kind of finding'),
};
