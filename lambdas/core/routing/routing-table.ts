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
export const RULE_ROUTES: Readonly<Record<string, RouteRule>> = {};

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
