/**
 * Expected outcome of every GuardDuty and Security Hub corpus file (test/fixtures/{guardduty,securityhub}), one entry per
 * event the file holds: `product|type|severity|resourceClass|dedupKey prefix|sample` for each finding, or
 * `REJECT <reason>`. Reviewed by hand against the source events; regenerate only with a reason.
 */
export const CORPUS_EXPECTATIONS: Record<string, string[]> = {
  "securityhub/automated-security-response-on-aws/envelopes/AFSBP-iam.6.json": [
    "Security Hub|IAM.6|CRITICAL|Account|securityhub|sample=false ; Security Hub|RDS.4|MEDIUM|RDS|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/envelopes/CIS-1.3.json": [
    "Security Hub|1.3|MEDIUM|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/envelopes/CIS-1.4.json": [
    "Security Hub|1.4|MEDIUM|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/envelopes/CIS-bad.json": [
    "REJECT ASFF finding: GeneratorId: Invalid input: expected string, received undefined",
  ],
  "securityhub/automated-security-response-on-aws/envelopes/CIS_1-6-multi-select.json": [
    "Security Hub|1.6|MEDIUM|Account|securityhub|sample=false ; Security Hub|1.6|INFORMATIONAL|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/envelopes/CIS_1-6.json": [
    "Security Hub|1.6|INFORMATIONAL|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/envelopes/CIS_unsupversion.json": [
    "Security Hub|1.6|INFORMATIONAL|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/envelopes/afsbp-ec2.7.json": [
    "Security Hub|EC2.7|INFORMATIONAL|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/envelopes/afsbp_autoscaling1.json": [
    "Security Hub|AutoScaling.1|LOW|Other|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/envelopes/afsbp_ec22.json": [
    "Security Hub|EC2.2|MEDIUM|SecurityGroup|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/envelopes/afsbp_ec27.json": [
    "Security Hub|EC2.7|MEDIUM|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/envelopes/afsbp_rds1.json": [
    "Security Hub|RDS.1|CRITICAL|RDS|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/envelopes/afsbp_rds6.json": [
    "Security Hub|RDS.6|LOW|RDS|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/envelopes/afsbp_rds7.json": [
    "Security Hub|RDS.7|LOW|RDS|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/envelopes/custom-action-mismatch.json": [
    "Security Hub|CloudTrail.1|HIGH|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-autoscaling.1.json": [
    "Security Hub|AutoScaling.1|INFORMATIONAL|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-cloudformation.1.json": [
    "Security Hub|CloudFormation.1|LOW|Other|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-cloudfront.1.json": [
    "Security Hub|CloudFront.1|CRITICAL|Other|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-cloudtrail.1.json": [
    "Security Hub|CloudTrail.1|INFORMATIONAL|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-cloudtrail.2.json": [
    "Security Hub|CloudTrail.2|MEDIUM|Logging|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-cloudtrail.4.json": [
    "Security Hub|CloudTrail.4|INFORMATIONAL|Logging|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-cloudtrail.5.json": [
    "Security Hub|CloudTrail.5|LOW|Logging|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-codebuild.2.json": [
    "Security Hub|CodeBuild.2|CRITICAL|Other|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-codebuild.5.json": [
    "Security Hub|CodeBuild.5|HIGH|Other|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-config.1.json": [
    "Security Hub|Config.1|INFORMATIONAL|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-ec2.1.json": [
    "Security Hub|EC2.1|CRITICAL|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-ec2.15.json": [
    "Security Hub|EC2.15|MEDIUM|Other|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-ec2.2.json": [
    "Security Hub|EC2.2|INFORMATIONAL|SecurityGroup|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-ec2.6.json": [
    "Security Hub|EC2.6|MEDIUM|Other|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-ec2.7.json": [
    "Security Hub|EC2.7|INFORMATIONAL|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-ec2.8.json": [
    "Security Hub|EC2.8|HIGH|Instance|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-iam.3.json": [
    "Security Hub|IAM.3|MEDIUM|IAMUser|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-iam.7.json": [
    "Security Hub|IAM.7|INFORMATIONAL|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-iam.8-nodetails.json": [
    "Security Hub|IAM.8|MEDIUM|IAMUser|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-iam.8.json": [
    "Security Hub|IAM.8|MEDIUM|IAMUser|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-lambda.1.json": [
    "Security Hub|Lambda.1|INFORMATIONAL|Lambda|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-rds.1-nodetails.json": [
    "Security Hub|RDS.1|INFORMATIONAL|RDS|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-rds.1.json": [
    "Security Hub|RDS.1|CRITICAL|RDS|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-rds.13.json": [
    "Security Hub|RDS.13|HIGH|RDS|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-rds.2.json": [
    "Security Hub|RDS.2|CRITICAL|RDS|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-rds.4.json": [
    "Security Hub|RDS.4|MEDIUM|RDS|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-rds.5.json": [
    "Security Hub|RDS.5|MEDIUM|RDS|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-rds.6.json": [
    "Security Hub|RDS.6|LOW|RDS|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-rds.7-nodetails.json": [
    "Security Hub|RDS.7|LOW|RDS|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-rds.7.json": [
    "Security Hub|RDS.7|LOW|RDS|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-rds.8.json": [
    "Security Hub|RDS.8|LOW|RDS|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-redshift.1.json": [
    "Security Hub|Redshift.1|CRITICAL|Other|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-redshift.3.json": [
    "Security Hub|Redshift.3|MEDIUM|Other|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-redshift.4.json": [
    "Security Hub|Redshift.4|MEDIUM|Other|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-redshift.6.json": [
    "Security Hub|Redshift.6|MEDIUM|Other|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-s3.1.json": [
    "Security Hub|S3.1|MEDIUM|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-s3.2.json": [
    "Security Hub|S3.2|INFORMATIONAL|S3Bucket|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-s3.3.json": [
    "Security Hub|S3.3|INFORMATIONAL|S3Bucket|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-s3.4.json": [
    "Security Hub|S3.4|MEDIUM|S3Bucket|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-s3.5.json": [
    "Security Hub|S3.5|MEDIUM|S3Bucket|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-s3.6.json": [
    "Security Hub|S3.6|HIGH|S3Bucket|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-s3.8.json": [
    "Security Hub|S3.8|HIGH|S3Bucket|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-sms.1.json": [
    "Security Hub|SNS.1|MEDIUM|Other|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-sns.2.json": [
    "Security Hub|SNS.2|MEDIUM|Other|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/afsbp-sqs.1.json": [
    "Security Hub|SQS.1|MEDIUM|Other|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/cis-1.4-nodetails.json": [
    "Security Hub|1.4|MEDIUM|IAMUser|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/cis-110.json": [
    "Security Hub|1.10|LOW|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/cis-111.json": [
    "Security Hub|1.11|LOW|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/cis-15.json": [
    "Security Hub|1.5|MEDIUM|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/cis-16.json": [
    "Security Hub|1.6|MEDIUM|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/cis-17.json": [
    "Security Hub|1.7|MEDIUM|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/cis-18.json": [
    "Security Hub|1.8|MEDIUM|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/cis-19.json": [
    "Security Hub|1.9|MEDIUM|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/cis-31.json": [
    "Security Hub|3.1|LOW|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/cis-310.json": [
    "Security Hub|3.10|LOW|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/cis-311.json": [
    "Security Hub|3.11|LOW|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/cis-312.json": [
    "Security Hub|3.12|LOW|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/cis-313.json": [
    "Security Hub|3.13|LOW|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/cis-314.json": [
    "Security Hub|3.14|LOW|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/cis-33.json": [
    "Security Hub|3.3|LOW|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/cis-34.json": [
    "Security Hub|3.4|LOW|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/cis-35.json": [
    "Security Hub|3.5|LOW|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/cis-36.json": [
    "Security Hub|3.6|LOW|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/cis-37.json": [
    "Security Hub|3.7|LOW|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/cis-38.json": [
    "Security Hub|3.8|LOW|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/cis-39.json": [
    "Security Hub|3.9|LOW|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/cis-41.json": [
    "Security Hub|4.1|HIGH|SecurityGroup|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/cis-42.json": [
    "Security Hub|4.2|HIGH|SecurityGroup|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/cis13.json": [
    "Security Hub|1.3|MEDIUM|IAMUser|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/cis1314-save.json": [
    "Security Hub|1.3|INFORMATIONAL|IAMUser|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/cis14.json": [
    "Security Hub|1.4|MEDIUM|IAMUser|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/cis15111.json": [
    "Security Hub|1.6|MEDIUM|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/cis21.json": [
    "Security Hub|2.1|INFORMATIONAL|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/cis22.json": [
    "Security Hub|2.2|INFORMATIONAL|Logging|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/cis23.json": [
    "Security Hub|2.3|CRITICAL|S3Bucket|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/cis24.json": [
    "Security Hub|2.4|MEDIUM|Logging|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/cis25.json": [
    "Security Hub|2.5|INFORMATIONAL|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/cis26.json": [
    "Security Hub|2.6|LOW|S3Bucket|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/cis27.json": [
    "Security Hub|2.7|MEDIUM|Logging|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/cis28.json": [
    "Security Hub|2.8|MEDIUM|Other|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/cis29.json": [
    "Security Hub|2.9|MEDIUM|Other|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/cis32.json": [
    "Security Hub|3.2|LOW|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/cis4142.json": [
    "Security Hub|4.1|HIGH|SecurityGroup|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/cis43.json": [
    "Security Hub|4.3|MEDIUM|SecurityGroup|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/pci-autoscaling.1.json": [
    "Security Hub|PCI.AutoScaling.1|INFORMATIONAL|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/pci-cloudtrail.1.json": [
    "Security Hub|PCI.CloudTrail.1|MEDIUM|Logging|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/pci-cloudtrail.2.json": [
    "Security Hub|PCI.CloudTrail.2|INFORMATIONAL|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/pci-cloudtrail.3.json": [
    "Security Hub|PCI.CloudTrail.3|LOW|Logging|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/pci-cloudtrail.4.json": [
    "Security Hub|PCI.CloudTrail.4|LOW|Logging|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/pci-codebuild.2.json": [
    "Security Hub|PCI.CodeBuild.2|CRITICAL|Other|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/pci-config.1.json": [
    "Security Hub|PCI.Config.1|INFORMATIONAL|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/pci-cw.1.json": [
    "Security Hub|PCI.CW.1|MEDIUM|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/pci-ec2.1.json": [
    "Security Hub|PCI.EC2.1|INFORMATIONAL|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/pci-ec2.2.json": [
    "Security Hub|PCI.EC2.2|INFORMATIONAL|SecurityGroup|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/pci-ec2.5.json": [
    "Security Hub|PCI.EC2.5|HIGH|SecurityGroup|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/pci-ec2.6.json": [
    "Security Hub|PCI.EC2.6|MEDIUM|Other|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/pci-iam.7.json": [
    "Security Hub|PCI.IAM.7|MEDIUM|IAMUser|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/pci-iam.8.json": [
    "Security Hub|PCI.IAM.8|INFORMATIONAL|Account|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/pci-kms.1.json": [
    "Security Hub|PCI.KMS.1|MEDIUM|Other|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/pci-lambda.1.json": [
    "Security Hub|PCI.Lambda.1|INFORMATIONAL|Lambda|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/pci-pci.iam.6.json": [
    "Security Hub|PCI.IAM.6|MEDIUM|IAMUser|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/pci-rds.1.json": [
    "Security Hub|PCI.RDS.1|INFORMATIONAL|RDS|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/pci-rds.2.json": [
    "Security Hub|PCI.RDS.2|CRITICAL|RDS|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/pci-redshift.1.json": [
    "Security Hub|PCI.Redshift.1|CRITICAL|Other|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/pci-s3.1.json": [
    "Security Hub|PCI.S3.1|INFORMATIONAL|S3Bucket|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/pci-s3.2.json": [
    "Security Hub|PCI.S3.2|INFORMATIONAL|S3Bucket|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/pci-s3.4.json": [
    "Security Hub|PCI.S3.4|MEDIUM|S3Bucket|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/pci-s3.5.json": [
    "Security Hub|PCI.S3.5|MEDIUM|S3Bucket|securityhub|sample=false",
  ],
  "securityhub/automated-security-response-on-aws/simdata/pci-s3.6.json": [
    "Security Hub|PCI.S3.6|MEDIUM|Account|securityhub|sample=false",
  ],
  "securityhub/awsdocs/guardduty-user-guide__securityhub-integration__asff_guardduty_UnauthorizedAccess-EC2-SSHBruteForce.json": [
    "GuardDuty|UnauthorizedAccess:EC2/SSHBruteForce|MEDIUM|Instance|guardduty|sample=false",
  ],
  "securityhub/awsdocs/iam-user-guide__access-analyzer-eventbridge__event0.json": [
    "IAM Access Analyzer|AccessAnalyzer:AWS::S3::Bucket/ExternalAccess|MEDIUM|S3Bucket|access-analyzer|sample=false",
  ],
  "securityhub/awsdocs/iam-user-guide__access-analyzer-eventbridge__event1.json": [
    "IAM Access Analyzer|AccessAnalyzer:AWS::S3::Bucket/AnalysisError|LOW|S3Bucket|access-analyzer|sample=false",
  ],
  "securityhub/awsdocs/iam-user-guide__access-analyzer-eventbridge__event2.json": [
    "REJECT Access Analyzer access-preview status change: a policy preview requested by a user, not a finding",
  ],
  "securityhub/awsdocs/iam-user-guide__access-analyzer-eventbridge__event3.json": [
    "REJECT Access Analyzer access-preview status change: a policy preview requested by a user, not a finding",
  ],
  "securityhub/awsdocs/iam-user-guide__access-analyzer-eventbridge__event4.json": [
    "REJECT Access Analyzer access-preview status change: a policy preview requested by a user, not a finding",
  ],
  "securityhub/awsdocs/iam-user-guide__access-analyzer-securityhub-integration__asff_access_analyzer.json": [
    "access-analyzer|Software and Configuration Checks/AWS Security Best Practices/External Access Granted|LOW|S3Bucket|securityhub|sample=false",
  ],
  "securityhub/awsdocs/inspector-classic-user-guide__securityhub-integration__asff_inspector_classic.json": [
    "Inspector|Software and Configuration Checks/AWS Security Best Practices/Network Reachability - Recognized port reachable from internet|MEDIUM|Instance|securityhub|sample=false",
  ],
  "securityhub/awsdocs/securityhub-user-guide__internal-providers__asff_config_rule.json": [
    "Config|Software and Configuration Checks|MEDIUM|S3Bucket|securityhub|sample=false",
  ],
  "securityhub/awsdocs/securityhub-user-guide__internal-providers__asff_health.json": [
    "Health|Software and Configuration Checks|MEDIUM|Other|securityhub|sample=false",
  ],
  "securityhub/awsdocs/securityhub-user-guide__sample-control-findings__block0.json": [
    "Security Hub|CloudTrail.2|MEDIUM|Logging|securityhub|sample=false",
  ],
  "securityhub/awsdocs/securityhub-user-guide__sample-control-findings__block1.json": [
    "Security Hub|CloudTrail.2|MEDIUM|Logging|securityhub|sample=false",
  ],
  "securityhub/awsdocs/securityhub-user-guide__sample-control-findings__block2.json": [
    "Security Hub|CloudTrail.2|MEDIUM|Logging|securityhub|sample=false",
  ],
  "securityhub/awsdocs/securityhub-user-guide__sample-control-findings__block4.json": [
    "Security Hub|CloudTrail.2|MEDIUM|Logging|securityhub|sample=false",
  ],
  "securityhub/awsdocs/securityhub-user-guide__sample-control-findings__block5.json": [
    "Security Hub|CloudTrail.2|MEDIUM|Account|securityhub|sample=false",
  ],
  "securityhub/cloud-custodian/event-securityhub-cloudtrail-finding-action.json": [
    "Security Hub|2.2|INFORMATIONAL|Logging|securityhub|sample=false",
  ],
  "securityhub/cloud-custodian/event-securityhub-iamkey-finding-action.json": [
    "GuardDuty|UnauthorizedAccess:IAMUser/ConsoleLogin|MEDIUM|AccessKey|guardduty|sample=false",
  ],
  "securityhub/cloud-custodian/event-securityhub-insight-2.json": [
    "REJECT Security Hub Insight Results carry aggregate counts per insight, not findings: nothing to normalize",
  ],
  "securityhub/cloud-custodian/event-securityhub-lambda-cross.json": [
    "Default|Software and Configuration Checks/Custodian/Monkey Lambda|LOW|Other|securityhub|sample=false",
  ],
  "securityhub/cloud-custodian/test_access_analyzer_finding__access-analyzer.ListFindings_1.json": [
    "REJECT Access Analyzer finding 6d1a2533-bfac-4e07-82b2-7540f68cad26: no region (neither in the finding, its resource ARN nor an envelope)",
    "REJECT Access Analyzer finding de234567-65aa-4290-9699-50d59ec5d8ae: no region (neither in the finding, its resource ARN nor an envelope)",
    "REJECT Access Analyzer finding 532ef930-f3f7-4389-a9f0-6ae323bfa899: no region (neither in the finding, its resource ARN nor an envelope)",
    "REJECT Access Analyzer finding 56a4bd74-f5d1-4fa0-968c-111f1cdeeaf8: no region (neither in the finding, its resource ARN nor an envelope)",
  ],
  "securityhub/cloud-custodian/test_ecr_image_modify_policy__securityhub.GetFindings_1.json": [
    "Inspector|CVE-2020-28196|HIGH|Container|inspector|sample=false",
    "Inspector|CVE-2019-2894|LOW|Container|inspector|sample=false",
    "Inspector|CVE-2020-11080|HIGH|Container|inspector|sample=false",
    "Inspector|CVE-2019-1387|HIGH|Container|inspector|sample=false",
    "Inspector|CVE-2020-5260|HIGH|Container|inspector|sample=false",
    "Inspector|CVE-2019-2989|MEDIUM|Container|inspector|sample=false",
    "Inspector|CVE-2019-16168|MEDIUM|Container|inspector|sample=false",
    "Inspector|CVE-2020-28928|MEDIUM|Container|inspector|sample=false",
    "Inspector|CVE-2020-2601|MEDIUM|Container|inspector|sample=false",
    "Inspector|CVE-2019-7317|MEDIUM|Container|inspector|sample=false",
    "Inspector|CVE-2020-14583|HIGH|Container|inspector|sample=false",
    "Inspector|CVE-2019-14697|CRITICAL|Container|inspector|sample=false",
    "Inspector|CVE-2020-2590|LOW|Container|inspector|sample=false",
    "Inspector|CVE-2019-1352|HIGH|Container|inspector|sample=false",
    "Inspector|CVE-2018-14498|MEDIUM|Container|inspector|sample=false",
    "Inspector|CVE-2020-14803|MEDIUM|Container|inspector|sample=false",
    "Inspector|CVE-2019-1353|CRITICAL|Container|inspector|sample=false",
    "Inspector|CVE-2019-2816|MEDIUM|Container|inspector|sample=false",
    "Inspector|CVE-2020-14781|LOW|Container|inspector|sample=false",
    "Inspector|CVE-2019-2945|LOW|Container|inspector|sample=false",
  ],
  "securityhub/cloud-custodian/test_inspector2_finding__inspector2.ListFindings_1.json": [
    "Inspector|PACKAGE_VULNERABILITY/CVE-2022-40982|MEDIUM|Instance|inspector|sample=false",
    "Inspector|PACKAGE_VULNERABILITY/CVE-2023-20867|LOW|Instance|inspector|sample=false",
    "Inspector|PACKAGE_VULNERABILITY/CVE-2023-32001|MEDIUM|Instance|inspector|sample=false",
    "Inspector|PACKAGE_VULNERABILITY/CVE-2023-3268|HIGH|Instance|inspector|sample=false",
    "Inspector|PACKAGE_VULNERABILITY/CVE-2020-13988|HIGH|Instance|inspector|sample=false",
    "Inspector|PACKAGE_VULNERABILITY/CVE-2023-2269|MEDIUM|Instance|inspector|sample=false",
  ],
  "securityhub/cloud-custodian/test_inspector2_finding_query_filter__inspector2.ListFindings_1.json": [
    "Inspector|PACKAGE_VULNERABILITY/CVE-2019-7149|MEDIUM|Instance|inspector|sample=false",
    "Inspector|PACKAGE_VULNERABILITY/CVE-2023-1859|MEDIUM|Instance|inspector|sample=false",
    "Inspector|PACKAGE_VULNERABILITY/CVE-2023-31084|MEDIUM|Instance|inspector|sample=false",
    "Inspector|PACKAGE_VULNERABILITY/CVE-2023-32611|MEDIUM|Instance|inspector|sample=false",
  ],
  "securityhub/cloud-custodian/test_larger_batch__securityhub.GetFindings_1.json": [
    "Cloud Custodian|Software and Configuration Checks/AWS Security Best Practices|INFORMATIONAL|Other|securityhub|sample=false",
    "Cloud Custodian|Software and Configuration Checks/AWS Security Best Practices|INFORMATIONAL|Other|securityhub|sample=false",
  ],
  "securityhub/cloud-custodian/test_security_hub_instance__securityhub.GetFindings_1.json": [
    "Default|Software and Configuration Checks/AWS Security Best Practices|LOW|Instance|securityhub|sample=false",
  ],
  "securityhub/cloud-custodian/test_security_hub_mode_action_insight__securityhub.GetFindings_1.json": [
    "GuardDuty|Recon:IAMUser/ResourcePermissions|MEDIUM|AccessKey|guardduty|sample=false",
    "GuardDuty|UnauthorizedAccess:IAMUser/ConsoleLogin|MEDIUM|AccessKey|guardduty|sample=false",
    "GuardDuty|Recon:IAMUser/UserPermissions|MEDIUM|AccessKey|guardduty|sample=false",
    "GuardDuty|Recon:IAMUser/UserPermissions|MEDIUM|AccessKey|guardduty|sample=false",
    "GuardDuty|Recon:IAMUser/ResourcePermissions|MEDIUM|AccessKey|guardduty|sample=false",
  ],
  "securityhub/cloud-custodian/test_sqs_analyzer_finding__access-analyzer.ListFindings_1.json": [
    "IAM Access Analyzer|AccessAnalyzer:AWS::SQS::Queue/PublicAccess|HIGH|Other|access-analyzer|sample=false",
  ],
  "securityhub/panther-analysis-tests/decoy_dynamodb_accessed.tests.json": [
    "DecoyDetector|Unusual Behaviors|HIGH|Other|securityhub|sample=false",
    "DecoyDetector|Unusual Behaviors|HIGH|Other|securityhub|sample=false",
  ],
  "securityhub/panther-analysis-tests/decoy_iam_assumed.tests.json": [
    "DecoyDetector|Unusual Behaviors|HIGH|IAMRole|securityhub|sample=false",
    "DecoyDetector|Unusual Behaviors|HIGH|IAMRole|securityhub|sample=false",
  ],
  "securityhub/panther-analysis-tests/decoy_s3_accessed.tests.json": [
    "DecoyDetector|Unusual Behaviors|HIGH|S3Bucket|securityhub|sample=false",
    "DecoyDetector|Unusual Behaviors|HIGH|S3Bucket|securityhub|sample=false",
  ],
  "securityhub/panther-analysis-tests/decoy_secret_accessed.tests.json": [
    "DecoyDetector|Unusual Behaviors|HIGH|Other|securityhub|sample=false",
    "DecoyDetector|Unusual Behaviors|HIGH|Other|securityhub|sample=false",
  ],
  "securityhub/panther-analysis-tests/decoy_systems_manager_parameter_accessed.tests.json": [
    "DecoyDetector|Unusual Behaviors|HIGH|Other|securityhub|sample=false",
    "DecoyDetector|Unusual Behaviors|HIGH|Other|securityhub|sample=false",
  ],
  "guardduty/aws-samples-automated-response/guardduty_ec2_event.json": [
    "GuardDuty|Canary:EC2/Stateless.IntegTest|MEDIUM|Instance|guardduty|sample=false",
  ],
  "guardduty/aws-samples-automated-response/guardduty_iam_event.json": [
    "GuardDuty|Recon:IAMUser/MaliciousIPCaller.Custom|MEDIUM|AccessKey|guardduty|sample=true",
  ],
  "guardduty/aws-samples-automated-response/guardduty_s3_event.json": [
    "GuardDuty|PenTest:S3/ParrotLinux|MEDIUM|S3Bucket|guardduty|sample=true",
  ],
  "guardduty/aws-samples-waf-acl/gd2acl_test_event.json": [
    "GuardDuty|UnauthorizedAccess:EC2/SSHBruteForce|LOW|Instance|guardduty|sample=true",
  ],
  "guardduty/cloud-custodian/ec2-duty-event.json": [
    "GuardDuty|Backdoor:EC2/C&CActivity.B!DNS|MEDIUM|Instance|guardduty|sample=true",
  ],
  "guardduty/cloud-custodian/iam-duty-event.json": [
    "GuardDuty|UnauthorizedAccess:IAMUser/TorIPCaller|MEDIUM|AccessKey|guardduty|sample=true",
  ],
  "guardduty/panther-analysis-tests/aws_guardduty_critical_sev_findings.tests.json": [
    "GuardDuty|AttackSequence:IAM/CompromisedCredentials|CRITICAL|IAMUser|guardduty|sample=false",
    "GuardDuty|AttackSequence:S3/CompromisedData|CRITICAL|S3Bucket|guardduty|sample=true",
  ],
  "guardduty/panther-analysis-tests/aws_guardduty_high_sev_findings.tests.json": [
    "GuardDuty|PrivilegeEscalation:IAMUser/AdministrativePermissions|HIGH|AccessKey|guardduty|sample=false",
    "GuardDuty|PrivilegeEscalation:IAMUser/AdministrativePermissions|HIGH|AccessKey|guardduty|sample=true",
  ],
  "guardduty/panther-analysis-tests/aws_guardduty_low_sev_findings.tests.json": [
    "GuardDuty|PrivilegeEscalation:IAMUser/AdministrativePermissions|LOW|AccessKey|guardduty|sample=false",
    "GuardDuty|PrivilegeEscalation:IAMUser/AdministrativePermissions|LOW|AccessKey|guardduty|sample=true",
  ],
  "guardduty/panther-analysis-tests/aws_guardduty_med_sev_findings.tests.json": [
    "GuardDuty|PrivilegeEscalation:IAMUser/AdministrativePermissions|MEDIUM|AccessKey|guardduty|sample=false",
    "GuardDuty|PrivilegeEscalation:IAMUser/AdministrativePermissions|MEDIUM|AccessKey|guardduty|sample=true",
  ],
};
