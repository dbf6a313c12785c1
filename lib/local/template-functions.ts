import { NotFoundError, ValidationError } from '../../lambdas/core/errors.js';
import { FUNCTION_KINDS, type FunctionKind } from '../../lambdas/core/playbook-contract.js';
import { TemplateIntrinsics, type CloudFormationTemplate, type TemplateTarget } from './template-intrinsics.js';

/** A Lambda function of the synthesized stack, as the local runtime needs it. */
export interface TemplateFunction {
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  /** Its `FIREBREAK_FUNCTION` env var: which in-process handler runs it. */
  readonly kind: FunctionKind;
  /** Its environment with every intrinsic resolved (table name, topic ARN, PLAYBOOK_ARNS ...). */
  readonly environment: Readonly<Record<string, string>>;
}

/**
 * The functions of a synthesized template, findable the ways a state machine Task or an SDK call names them: full ARN
 * (with or without a version/alias qualifier), partial ARN or bare name. This is the FunctionName → logical id → kind hop.
 */
export class TemplateFunctions {
  private readonly byName = new Map<string, TemplateFunction>();
  readonly all: readonly TemplateFunction[];

  constructor(template: CloudFormationTemplate, target: TemplateTarget) {
    const intrinsics = new TemplateIntrinsics(template, target);
    const functions: TemplateFunction[] = [];
    for (const [logicalId, resource] of Object.entries(template.Resources)) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const variables = (resource.Properties?.Environment as { Variables?: unknown } | undefined)?.Variables ?? {};
      const environment = Object.fromEntries(
        Object.entries(intrinsics.resolve(variables) as Record<string, unknown>).map(([key, value]) => [
          key,
          typeof value === 'string' ? value : JSON.stringify(value),
        ]),
      );
      const kind = environment.FIREBREAK_FUNCTION;
      // Functions CDK adds for itself (custom resource providers, log retention) carry no kind and are not Firebreak's.
      if (kind === undefined) continue;
      if (!(FUNCTION_KINDS as readonly string[]).includes(kind)) {
        throw new ValidationError(`function ${logicalId} has FIREBREAK_FUNCTION='${kind}' (known: ${FUNCTION_KINDS.join(', ')})`);
      }
      const fn: TemplateFunction = {
        logicalId,
        name: intrinsics.physicalName(logicalId),
        arn: intrinsics.arn(logicalId),
        kind: kind as FunctionKind,
        environment,
      };
      functions.push(fn);
      this.byName.set(fn.name, fn);
      this.byName.set(fn.arn, fn);
    }
    this.all = functions;
  }

  /** The function a FunctionName refers to; throws NotFoundError naming it. */
  find(functionName: string): TemplateFunction {
    const unqualified = functionName.replace(/^(arn:aws:lambda:[^:]+:[^:]+:function:[^:]+):[^:]+$/, '$1');
    const bare = unqualified.replace(/^(?:arn:aws:lambda:[^:]+:[^:]+:function:|[^:]+:function:)/, '').replace(/:[^:]+$/, '');
    const fn = this.byName.get(unqualified) ?? this.byName.get(bare);
    if (!fn) throw new NotFoundError(`no Firebreak function named '${functionName}' in the synthesized stack`);
    return fn;
  }

  /** The functions of one kind (e.g. the one `detect` function). */
  ofKind(kind: FunctionKind): TemplateFunction[] {
    return this.all.filter((fn) => fn.kind === kind);
  }
}
