import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import type { LoadedConfig } from './config.js';
import type { IncidentStore } from './incident-store.js';
import { ResponderFunction } from './responder-function.js';

export interface ApprovalsProps {
  readonly config: LoadedConfig;
  readonly incidentStore: IncidentStore;
  /** The approval-request function (the playbooks' waitForTaskToken gate): it signs the links this endpoint checks. */
  readonly approvalRequest: ResponderFunction;
  readonly logEncryptionKey?: kms.IKey;
  /**
   * Cap on concurrent endpoint invocations: the URL is public (links are opened from e-mail), so a flood of requests must not
   * eat the account's Lambda concurrency. @default 5
   */
  readonly reservedConcurrency?: number;
}

/**
 * The approval endpoint: the approve function behind a Lambda Function URL, and the secret its links are signed with.
 *
 * The URL has no IAM auth because responders open it from a message; what protects it is in the handler: a GET never
 * decides (mail scanners follow links), a POST needs the link's HMAC signature (key in Secrets Manager, never in env or
 * config), an unexpired and still-pending approval (single use by a conditional write), and every refusal is logged.
 */
export class Approvals extends Construct {
  readonly endpoint: ResponderFunction;
  readonly url: lambda.FunctionUrl;
  readonly signingSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: ApprovalsProps) {
    super(scope, id);

    this.signingSecret = new secretsmanager.Secret(this, 'SigningSecret', {
      description: 'Firebreak: HMAC key of approval links',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
    });

    this.endpoint = new ResponderFunction(this, 'Endpoint', {
      kind: 'approve',
      config: props.config,
      incidentTableName: props.incidentStore.table.tableName,
      logEncryptionKey: props.logEncryptionKey,
      description: 'Firebreak approval endpoint (approve/reject a playbook step)',
      reservedConcurrentExecutions: props.reservedConcurrency ?? 5,
      // Synchronous (URL) invocations only: nothing to retry or dead-letter.
      retryAttempts: 0,
      environment: { APPROVAL_SIGNING_SECRET_ARN: this.signingSecret.secretArn },
    });
    props.incidentStore.grantItemAccess(this.endpoint.role, { write: true });
    this.signingSecret.grantRead(this.endpoint.role);

    this.url = this.endpoint.function.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE, invokeMode: lambda.InvokeMode.BUFFERED });

    props.approvalRequest.addEnvironment('APPROVAL_URL', this.url.url);
    props.approvalRequest.addEnvironment('APPROVAL_SIGNING_SECRET_ARN', this.signingSecret.secretArn);
    this.signingSecret.grantRead(props.approvalRequest.role);

    NagSuppressions.addResourceSuppressions(this.signingSecret, [
      {
        id: 'AwsSolutions-SMG4',
        reason:
          'The secret is an HMAC key for approval links that live at most one approval timeout; rotating it would only void pending links. Replace it (new deployment of the secret) if it is ever exposed.',
      },
    ]);
  }

  /** Lets the endpoint answer the waiting approval tasks of a playbook (SendTaskSuccess/Failure). */
  grantTaskResponse(stateMachine: sfn.IStateMachine): void {
    stateMachine.grantTaskResponse(this.endpoint.role);
  }
}
