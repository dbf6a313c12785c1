import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FUNCTION_KINDS, type FunctionKind } from '../../lambdas/core/playbook-contract.js';
import { TemplateFunctions } from '../../lib/local/template-functions.js';
import type { CloudFormationTemplate } from '../../lib/local/template-intrinsics.js';
import { PLAYBOOKS } from '../../lib/playbooks/index.js';
import { synthFirebreak } from './support/synth-firebreak.js';

/**
 * The environment schema a handler reads at cold start (`const EnvironmentSchema = z.object({...})` in
 * lambdas/<kind>/handler.ts), evaluated as written: the stack must give every function what its own handler requires, or
 * the function fails on its first invocation in AWS while every local test (which injects dependencies) stays green.
 */
function environmentSchemaOf(kind: FunctionKind): z.ZodType {
  const source = readFileSync(new URL(`../../lambdas/${kind}/handler.ts`, import.meta.url), 'utf8');
  const literal = /EnvironmentSchema = (z\.object\(\{[\s\S]*?\}\));/.exec(source)?.[1];
  expect(literal, `lambdas/${kind}/handler.ts declares an EnvironmentSchema = z.object({...})`).toBeDefined();
  return new Function('z', `return ${literal};`)(z) as z.ZodType;
}

let functions: TemplateFunctions;

beforeAll(() => {
  const template = synthFirebreak({ playbooks: PLAYBOOKS }).template.toJSON() as CloudFormationTemplate;
  functions = new TemplateFunctions(template, { region: 'eu-west-1', accountId: '123456789012', stackName: 'Firebreak' });
});

describe('handler environments', () => {
  it.each(FUNCTION_KINDS)('the stack gives the %s function every variable its handler requires, in the shape it expects', (kind) => {
    const [fn] = functions.ofKind(kind);

    const result = environmentSchemaOf(kind).safeParse(fn!.environment);

    expect(result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)).toEqual([]);
  });

  it('gives detect a parseable map of every playbook to its state machine', () => {
    const [detect] = functions.ofKind('detect');

    const arns = JSON.parse(detect!.environment.PLAYBOOK_ARNS!) as Record<string, string>;

    expect(Object.keys(arns).sort()).toEqual(PLAYBOOKS.map((playbook) => playbook.id).sort());
    for (const [id, arn] of Object.entries(arns)) expect(arn).toBe(`arn:aws:states:eu-west-1:123456789012:stateMachine:Firebreak-${id}`);
  });
});
