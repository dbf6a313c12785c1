import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '../../lambdas/core/errors.js';
import { TemplateIntrinsics, type CloudFormationTemplate, type TemplateTarget } from './template-intrinsics.js';

/** An Amazon States Language document as plain JSON (the shape aws-local-stepfunctions runs). */
export interface AslDefinition {
  readonly StartAt: string;
  readonly States: Record<string, AslState>;
  readonly Comment?: string;
  readonly TimeoutSeconds?: number;
  readonly QueryLanguage?: string;
}

export interface AslState {
  readonly Type: string;
  readonly Resource?: string;
  readonly Parameters?: Record<string, unknown>;
  readonly ResultPath?: string | null;
  readonly Retry?: readonly Record<string, unknown>[];
  readonly Catch?: readonly Record<string, unknown>[];
  readonly Branches?: readonly AslDefinition[];
  readonly Iterator?: AslDefinition;
  readonly ItemProcessor?: AslDefinition;
  readonly [key: string]: unknown;
}

/** A state machine of the synthesized stack, with its definition resolved to plain ASL. */
export interface ResolvedStateMachine {
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  readonly definition: AslDefinition;
}

type AslValidator = (
  definition: unknown,
  options?: { checkPaths?: boolean; checkArn?: boolean },
) => { isValid: boolean; errorsText: (separator?: string) => string };

const require = createRequire(import.meta.url);
/**
 * Definitions already found valid, by content hash: in this process (tests synthesize the same stack repeatedly) and on
 * disk (each `firebreak replay` is a new process). Content-addressed, so a changed playbook is always validated again.
 */
const validatedDefinitions = new Set<string>();
const VALIDATED_DIR = join(tmpdir(), 'firebreak-asl-validated');

function rememberValid(marker: string): void {
  try {
    mkdirSync(VALIDATED_DIR, { recursive: true });
    writeFileSync(marker, '');
  } catch {
    // A read-only temp dir only costs the next run a validation.
  }
}

/**
 * Every AWS::StepFunctions::StateMachine of a synthesized template (`Template.fromStack(stack).toJSON()`), its
 * DefinitionString (an Fn::Join of Ref/Fn::GetAtt parts) resolved to plain strings, parsed, and validated with asl-validator.
 * Features aws-local-stepfunctions runs wrongly (JSONata, Assign, `ResultPath: "$"`) are refused here with the state named,
 * so a playbook never silently behaves differently on a laptop than in AWS.
 */
export function resolveStateMachineDefinitions(template: CloudFormationTemplate, target: TemplateTarget): ResolvedStateMachine[] {
  const intrinsics = new TemplateIntrinsics(template, target);
  const machines = Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::StepFunctions::StateMachine')
    .map(([logicalId, resource]) => {
      const definition = definitionOf(logicalId, resource.Properties ?? {}, intrinsics);
      refuseUnsupportedLocally(logicalId, definition);
      return { logicalId, name: intrinsics.physicalName(logicalId), arn: intrinsics.arn(logicalId), definition };
    });
  validateAll(machines);
  return machines;
}

/**
 * asl-validator compiles its JSON schemas on every call (~200 ms), so all machines are checked in one call as the branches
 * of one Parallel state; only when that fails is each checked alone, to name the invalid one.
 */
function validateAll(machines: readonly ResolvedStateMachine[]): void {
  if (machines.length === 0) return;
  // State names must be unique across one document, and playbooks share theirs (ChooseMode, MarkContained ...): each
  // machine's names get its own prefix. The copies also keep the validator's writes (default QueryLanguage) off ours.
  const branches = machines.map(({ definition }, index) => prefixStateNames({ StartAt: definition.StartAt, States: definition.States }, `M${index}_`));
  const combined = { StartAt: 'All', States: { All: { Type: 'Parallel', Branches: branches, End: true } } };
  const key = createHash('sha256').update(JSON.stringify(combined)).digest('hex');
  const marker = join(VALIDATED_DIR, key);
  if (validatedDefinitions.has(key) || existsSync(marker)) return;
  const validate = require('asl-validator') as AslValidator;
  if (validate(combined, { checkPaths: true, checkArn: true }).isValid) {
    validatedDefinitions.add(key);
    rememberValid(marker);
    return;
  }
  for (const { logicalId, definition } of machines) {
    const result = validate(structuredClone(definition), { checkPaths: true, checkArn: true });
    if (!result.isValid) throw new ValidationError(`state machine ${logicalId} is not valid ASL: ${result.errorsText('; ')}`);
  }
}

function definitionOf(logicalId: string, properties: Record<string, unknown>, intrinsics: TemplateIntrinsics): AslDefinition {
  if (properties.Definition !== undefined) return intrinsics.resolve(properties.Definition) as AslDefinition;
  const raw = intrinsics.resolve(properties.DefinitionString);
  if (typeof raw !== 'string') throw new ValidationError(`state machine ${logicalId} has no DefinitionString`);
  const substitutions = (intrinsics.resolve(properties.DefinitionSubstitutions ?? {}) ?? {}) as Record<string, unknown>;
  const text = raw.replace(/\$\{([^}]+)\}/g, (match, key: string) => (key in substitutions ? String(substitutions[key]) : match));
  try {
    return JSON.parse(text) as AslDefinition;
  } catch (error) {
    throw new ValidationError(`state machine ${logicalId}: DefinitionString is not JSON after resolution`, [], { cause: error });
  }
}

function refuseUnsupportedLocally(logicalId: string, definition: AslDefinition): void {
  if (definition.QueryLanguage === 'JSONata') {
    throw new ValidationError(`state machine ${logicalId} uses JSONata, which the local runner ignores; write it in JSONPath`);
  }
  for (const [name, state] of allStates(definition)) {
    const problem =
      state.QueryLanguage === 'JSONata'
        ? 'uses JSONata'
        : state.Assign !== undefined
          ? 'uses Assign (variables)'
          : state.ResultPath === '$'
            ? 'uses ResultPath "$"'
            : undefined;
    if (problem) {
      throw new ValidationError(`state machine ${logicalId}, state ${name} ${problem}, which the local runner executes wrongly`);
    }
  }
}

/** A copy of `definition` with every state name (and every reference to one) prefixed. */
function prefixStateNames(definition: AslDefinition, prefix: string): AslDefinition {
  const rename = (name: unknown) => (typeof name === 'string' ? `${prefix}${name}` : name);
  const states = Object.fromEntries(
    Object.entries(definition.States).map(([name, state]) => {
      const copy: Record<string, unknown> = structuredClone(state);
      if (copy.Next !== undefined) copy.Next = rename(copy.Next);
      if (copy.Default !== undefined) copy.Default = rename(copy.Default);
      for (const list of ['Choices', 'Catch'] as const) {
        if (Array.isArray(copy[list])) copy[list] = (copy[list] as Record<string, unknown>[]).map((rule) => ({ ...rule, ...(rule.Next !== undefined ? { Next: rename(rule.Next) } : {}) }));
      }
      if (Array.isArray(state.Branches)) copy.Branches = state.Branches.map((branch) => prefixStateNames(branch, prefix));
      if (state.Iterator) copy.Iterator = prefixStateNames(state.Iterator, prefix);
      if (state.ItemProcessor) copy.ItemProcessor = { ...(copy.ItemProcessor as object), ...prefixStateNames(state.ItemProcessor, prefix) };
      return [rename(name) as string, copy as AslState];
    }),
  );
  return { ...definition, StartAt: rename(definition.StartAt) as string, States: states };
}

/** Every state, including those inside Parallel branches and Map iterators. */
export function allStates(definition: AslDefinition): [string, AslState][] {
  return Object.entries(definition.States).flatMap(([name, state]) => [
    [name, state] as [string, AslState],
    ...(state.Branches ?? []).flatMap(allStates),
    ...(state.Iterator ? allStates(state.Iterator) : []),
    ...(state.ItemProcessor ? allStates(state.ItemProcessor) : []),
  ]);
}
