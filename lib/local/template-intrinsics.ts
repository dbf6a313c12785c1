import { ValidationError } from '../../lambdas/core/errors.js';

/**
 * Resolves CloudFormation intrinsics in a synthesized template to the plain strings they would become on deploy, so the
 * local runtime can run what `cdk synth` produced (state machine definitions, Lambda environments, rule targets) unchanged.
 *
 * Physical names are derived from logical ids (a Lambda without FunctionName is named after its logical id): they are stable,
 * readable in replay output, and unique within the one stack the local runtime synthesizes.
 */
export interface CloudFormationResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

export interface CloudFormationTemplate {
  readonly Resources: Record<string, CloudFormationResource>;
  readonly Parameters?: Record<string, { Default?: unknown }>;
}

export interface TemplateTarget {
  readonly region: string;
  readonly accountId: string;
  readonly stackName?: string;
}

/** The name a resource would be given, from its explicit name property or its logical id. */
const NAME_PROPERTIES: Readonly<Record<string, string>> = {
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::StepFunctions::StateMachine': 'StateMachineName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::Events::Rule': 'Name',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
};

export class TemplateIntrinsics {
  constructor(
    private readonly template: CloudFormationTemplate,
    private readonly target: TemplateTarget,
  ) {}

  /** Resolves every intrinsic inside `value` (deeply); throws a ValidationError naming an intrinsic it cannot resolve. */
  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.resolve(item));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    if (entries.length === 1) {
      const [key, argument] = entries[0] as [string, unknown];
      switch (key) {
        case 'Ref':
          return this.ref(String(argument));
        case 'Fn::GetAtt':
          return this.getAtt(argument);
        case 'Fn::Join':
          return this.join(argument);
        case 'Fn::Sub':
          return this.sub(argument);
        case 'Fn::Select': {
          const [index, list] = argument as [unknown, unknown];
          const items = this.resolve(list) as unknown[];
          return items[Number(this.resolve(index))];
        }
        case 'Fn::Split': {
          const [delimiter, source] = argument as [string, unknown];
          return String(this.resolve(source)).split(delimiter);
        }
        default:
          if (key.startsWith('Fn::')) throw new ValidationError(`cannot resolve intrinsic ${key} locally`);
      }
    }
    return Object.fromEntries(entries.map(([key, item]) => [key, this.resolve(item)]));
  }

  /** A resource's physical name: explicit name property, else its logical id. */
  physicalName(logicalId: string): string {
    const resource = this.resource(logicalId);
    const property = NAME_PROPERTIES[resource.Type];
    const explicit = property ? resource.Properties?.[property] : undefined;
    return typeof explicit === 'string' ? explicit : logicalId;
  }

  /** The ARN a resource would get on deploy. */
  arn(logicalId: string): string {
    const resource = this.resource(logicalId);
    const { region, accountId } = this.target;
    const name = this.physicalName(logicalId);
    switch (resource.Type) {
      case 'AWS::Lambda::Function':
        return `arn:aws:lambda:${region}:${accountId}:function:${name}`;
      case 'AWS::StepFunctions::StateMachine':
        return `arn:aws:states:${region}:${accountId}:stateMachine:${name}`;
      case 'AWS::SNS::Topic':
        return `arn:aws:sns:${region}:${accountId}:${name}`;
      case 'AWS::SQS::Queue':
        return `arn:aws:sqs:${region}:${accountId}:${name}`;
      case 'AWS::DynamoDB::Table':
        return `arn:aws:dynamodb:${region}:${accountId}:table/${name}`;
      case 'AWS::IAM::Role':
        return `arn:aws:iam::${accountId}:role/${name}`;
      case 'AWS::KMS::Key':
        return `arn:aws:kms:${region}:${accountId}:key/${name}`;
      case 'AWS::Logs::LogGroup':
        return `arn:aws:logs:${region}:${accountId}:log-group:${name}:*`;
      case 'AWS::Events::Rule':
        return `arn:aws:events:${region}:${accountId}:rule/${name}`;
      case 'AWS::SecretsManager::Secret':
        return `arn:aws:secretsmanager:${region}:${accountId}:secret:${name}`;
      case 'AWS::IAM::ManagedPolicy':
        return `arn:aws:iam::${accountId}:policy/${name}`;
      default: {
        const service = resource.Type.split('::')[1]?.toLowerCase() ?? 'unknown';
        return `arn:aws:${service}:${region}:${accountId}:${name}`;
      }
    }
  }

  private ref(name: string): unknown {
    switch (name) {
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::Region':
        return this.target.region;
      case 'AWS::AccountId':
        return this.target.accountId;
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return this.target.stackName ?? 'Firebreak';
      case 'AWS::NoValue':
        return undefined;
      default:
        break;
    }
    const parameter = this.template.Parameters?.[name];
    if (parameter) return parameter.Default;
    const resource = this.resource(name);
    // Ref returns the ARN for these types and the physical name (or URL) for the others, as CloudFormation documents.
    switch (resource.Type) {
      case 'AWS::StepFunctions::StateMachine':
      case 'AWS::SNS::Topic':
      case 'AWS::SecretsManager::Secret':
      case 'AWS::IAM::ManagedPolicy':
        return this.arn(name);
      case 'AWS::SQS::Queue':
        return `https://sqs.${this.target.region}.amazonaws.com/${this.target.accountId}/${this.physicalName(name)}`;
      default:
        return this.physicalName(name);
    }
  }

  private getAtt(argument: unknown): unknown {
    const [logicalId, attribute] = (typeof argument === 'string' ? argument.split('.') : argument) as [string, string];
    const resource = this.resource(logicalId);
    if (attribute === 'Arn') return this.arn(logicalId);
    if (attribute === 'Name' || attribute === 'QueueName' || attribute === 'TopicName') return this.physicalName(logicalId);
    if (attribute === 'QueueUrl') return this.ref(logicalId);
    if (attribute === 'StreamArn') return `${this.arn(logicalId)}/stream/local`;
    // A Lambda Function URL (the approval endpoint): the shape AWS gives it, derived from the logical id.
    if (attribute === 'FunctionUrl') return `https://${logicalId.toLowerCase()}.lambda-url.${this.target.region}.on.aws/`;
    throw new ValidationError(`cannot resolve Fn::GetAtt ${logicalId}.${attribute} (${resource.Type}) locally`);
  }

  private join(argument: unknown): string {
    const [delimiter, parts] = argument as [string, unknown[]];
    return (this.resolve(parts) as unknown[]).map((part) => String(part)).join(delimiter);
  }

  private sub(argument: unknown): string {
    const [text, variables] = (typeof argument === 'string' ? [argument, {}] : argument) as [string, Record<string, unknown>];
    return text.replace(/\$\{([^}!][^}]*)\}/g, (_match, expression: string) => {
      if (expression in variables) return String(this.resolve(variables[expression]));
      if (expression.includes('.')) return String(this.getAtt(expression));
      return String(this.ref(expression));
    });
  }

  private resource(logicalId: string): CloudFormationResource {
    const resource = this.template.Resources[logicalId];
    if (!resource) throw new ValidationError(`template has no resource '${logicalId}'`);
    return resource;
  }
}
