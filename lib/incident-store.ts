import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** Names shared with the data-access code (lambdas/store) and the local runtime; see INTERFACES.md. */
export const INCIDENT_TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLive: 'expiresAt',
  byStatus: { indexName: 'byStatus', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  bySeverity: { indexName: 'bySeverity', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
} as const;

/**
 * The single incidents table: incidents, timelines, dedup and correlation keys, action records, approvals, detection windows
 * and circuit-breaker counters, told apart by key prefixes. On-demand (bursty security events), point-in-time recovery,
 * a customer-managed key with rotation (incident data names principals and IPs), retained and deletion-protected: evidence
 * must survive a `cdk destroy` or a mistaken stack change.
 */
export class IncidentStore extends Construct {
  readonly table: dynamodb.Table;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const keys = INCIDENT_TABLE_KEYS;

    this.key = new kms.Key(this, 'Key', {
      description: 'Firebreak incidents table',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: keys.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: keys.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: keys.timeToLive,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
    });
    for (const index of [keys.byStatus, keys.bySeverity]) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
  }

  /**
   * Item-level access to the table and its two indexes, nothing table-wide (no Scan, no DescribeTable, no streams): the
   * operations the store classes use. `write: false` grants reads only.
   */
  grantItemAccess(grantee: iam.IGrantable, options: { write: boolean }): void {
    const { byStatus, bySeverity } = INCIDENT_TABLE_KEYS;
    iam.Grant.addToPrincipal({
      grantee,
      actions: options.write
        ? ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem']
        : ['dynamodb:GetItem', 'dynamodb:Query'],
      resourceArns: [
        this.table.tableArn,
        `${this.table.tableArn}/index/${byStatus.indexName}`,
        `${this.table.tableArn}/index/${bySeverity.indexName}`,
      ],
    });
    // Exactly the key operations DynamoDB performs for the caller, spelled out instead of `GenerateDataKey*`/`ReEncrypt*`.
    iam.Grant.addToPrincipal({
      grantee,
      actions: options.write ? ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt', 'kms:DescribeKey'],
      resourceArns: [this.key.keyArn],
    });
  }
}
