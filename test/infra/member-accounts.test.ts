import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Aspects } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it, onTestFinished } from 'vitest';
import { actionPermissions } from '../../lambdas/actions/registry.js';
import { configFromObject } from '../../lib/config.js';
import { STACK_OUTPUTS } from '../../lib/firebreak-stack.js';
import { MemberRoleStack } from '../../lib/member-account-role.js';
import { logicalIds, synthFirebreak } from './support/synth-firebreak.js';

type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Sid?: string; Condition?: unknown };
type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

const RESPONDER_ROLE_ARN = 'arn:aws:iam::111111111111:role/Firebreak-ActRoleB7C31D2A-1X2Y3Z';
const actions = (statement: Statement) => [statement.Action].flat();
const PARTITION_ARN = (rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, rest]] });

/** Statements of the policies attached to `roleLogicalId`. */
function statementsOfRole(template: Template, roleLogicalId: string): Statement[] {
  const resources = template.toJSON().Resources as Resources;
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && (r.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleLogicalId))
    .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

function actRoleOf(template: Template): string {
  const resources = template.toJSON().Resources as Resources;
  const [act] = logicalIds(template, 'AWS::Lambda::Function', (p) => (p.Environment as { Variables: Record<string, unknown> }).Variables.FIREBREAK_FUNCTION === 'act');
  return (resources[act!]!.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
}

function nagFindings(stack: Parameters<typeof Annotations.fromStack>[0]) {
  const annotations = Annotations.fromStack(stack);
  const text = (entries: ReturnType<typeof annotations.findError>) => entries.map((entry) => `${entry.id}: ${String(entry.entry.data)}`);
  return { errors: text(annotations.findError('*', Match.anyValue())), warnings: text(annotations.findWarning('*', Match.anyValue())) };
}

function memberRoleStack(config: unknown, nag = false) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
  const stack = new MemberRoleStack(app, 'FirebreakMemberRole', { config: configFromObject(config), responderRoleArn: RESPONDER_ROLE_ARN });
  if (nag) Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  return { stack, template: Template.fromStack(stack) };
}

/** The containment statements as the registry declares them, in the template's shape. */
const declared = () => actionPermissions().map((p) => ({ actions: [...p.actions].sort(), resources: [...(p.resources ?? ['*'])], conditions: p.conditions }));
const asDeclared = (statements: Statement[]) =>
  statements.filter((s) => s.Sid?.startsWith('Containment')).map((s) => ({ actions: actions(s).sort(), resources: [s.Resource].flat(), conditions: s.Condition }));

describe('act function policy with memberAccounts', () => {
  it('without memberAccounts grants no STS action and outputs no responder role', () => {
    // Act
    const { template } = synthFirebreak();
    // Assert
    expect(statementsOfRole(template, actRoleOf(template)).flatMap(actions).filter((a) => a.startsWith('sts:'))).toEqual([]);
    expect(Object.keys(template.toJSON().Outputs ?? {})).not.toContain(STACK_OUTPUTS.responderRoleArn);
  });

  it('lets the act function assume the member role by name in any account, and nothing else in STS', () => {
    // Act
    const { template } = synthFirebreak({ config: { memberAccounts: { externalId: 'org-firebreak' } } });
    // Assert
    const statements = statementsOfRole(template, actRoleOf(template));
    expect(statements.filter((s) => actions(s).some((a) => a.startsWith('sts:')))).toEqual([
      { Sid: 'AssumeMemberRole', Action: 'sts:AssumeRole', Effect: 'Allow', Resource: PARTITION_ARN(':iam::*:role/FirebreakResponder') },
    ]);
    expect(asDeclared(statements)).toEqual(declared());
    expect(template.toJSON().Outputs[STACK_OUTPUTS.responderRoleArn].Value).toEqual({ 'Fn::GetAtt': [actRoleOf(template), 'Arn'] });
  });

  it('names only the allowed accounts when they are listed', () => {
    // Act
    const { template } = synthFirebreak({ config: { memberAccounts: { roleName: 'SecOpsContain', allowedAccounts: ['222222222222', '333333333333'] } } });
    // Assert
    const assume = statementsOfRole(template, actRoleOf(template)).filter((s) => s.Sid === 'AssumeMemberRole');
    expect(assume).toEqual([
      {
        Sid: 'AssumeMemberRole',
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Resource: [PARTITION_ARN(':iam::222222222222:role/SecOpsContain'), PARTITION_ARN(':iam::333333333333:role/SecOpsContain')],
      },
    ]);
  });

  it.each([
    ['any account', { memberAccounts: {} }],
    ['allowed accounts', { memberAccounts: { allowedAccounts: ['222222222222'] } }],
  ])('cdk-nag AwsSolutions finds nothing unacknowledged (%s)', (_name, config) => {
    // Act
    const { stack } = synthFirebreak({ nag: true, config });
    // Assert
    expect(nagFindings(stack)).toEqual({ errors: [], warnings: [] });
  });
});

describe('FirebreakMemberRole stack', () => {
  it('trusts only the act function role of the security account, with the external id', () => {
    // Act
    const { template } = memberRoleStack({ memberAccounts: { externalId: 'org-firebreak' } });
    // Assert
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'FirebreakResponder',
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { AWS: PARTITION_ARN(':iam::111111111111:root') },
            Condition: { ArnEquals: { 'aws:PrincipalArn': RESPONDER_ROLE_ARN }, StringEquals: { 'sts:ExternalId': 'org-firebreak' } },
          },
        ],
      },
    });
  });

  it('without an external id trusts the act role alone', () => {
    // Act
    const { template } = memberRoleStack({ memberAccounts: { roleName: 'SecOpsContain' } });
    // Assert
    const [role] = Object.values(template.findResources('AWS::IAM::Role')) as { Properties: { RoleName: string; AssumeRolePolicyDocument: { Statement: Statement[] } } }[];
    expect(role!.Properties.RoleName).toBe('SecOpsContain');
    expect(role!.Properties.AssumeRolePolicyDocument.Statement.map((s) => s.Condition)).toEqual([{ ArnEquals: { 'aws:PrincipalArn': RESPONDER_ROLE_ARN } }]);
  });

  it('grants exactly the statements the action registry declares: the act function policy, statement for statement', () => {
    // Prepare
    const home = synthFirebreak({ config: { memberAccounts: {} } }).template;
    // Act
    const { template } = memberRoleStack({ memberAccounts: {} });
    // Assert
    const [roleId] = Object.keys(template.findResources('AWS::IAM::Role'));
    const statements = statementsOfRole(template, roleId!);
    expect(asDeclared(statements)).toEqual(declared());
    expect(statements.every((s) => s.Sid?.startsWith('Containment'))).toBe(true);
    expect(new Set(statements.flatMap(actions))).toEqual(new Set(actionPermissions().flatMap((p) => p.actions)));
    expect(statements).toEqual(statementsOfRole(home, actRoleOf(home)).filter((s) => s.Sid?.startsWith('Containment')));
  });

  it('passes cdk-nag AwsSolutions, each acknowledgement with a reason', () => {
    // Act
    const { stack, template } = memberRoleStack({ memberAccounts: { externalId: 'org-firebreak' } }, true);
    // Assert
    expect(nagFindings(stack)).toEqual({ errors: [], warnings: [] });
    const reasons = Object.values(template.toJSON().Resources as Record<string, { Metadata?: { cdk_nag?: { rules_to_suppress?: { reason: string }[] } } }>)
      .flatMap((resource) => resource.Metadata?.cdk_nag?.rules_to_suppress ?? []);
    for (const suppression of reasons) expect(suppression.reason.length).toBeGreaterThan(40);
  });

  it('refuses a responder role ARN that is not a role ARN, and a config without memberAccounts', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    expect(
      () => new MemberRoleStack(app, 'A', { config: configFromObject({ memberAccounts: {} }), responderRoleArn: 'arn:aws:iam::111111111111:user/alice' }),
    ).toThrow("responder role ARN 'arn:aws:iam::111111111111:user/alice': expected arn:aws:iam::<12-digit account>:role/<name>");
    expect(() => new MemberRoleStack(app, 'B', { config: configFromObject({}), responderRoleArn: RESPONDER_ROLE_ARN })).toThrow(
      'inline: memberAccounts is not configured, so no member role is needed',
    );
  });
});

describe('bin/app.ts member role', () => {
  it('synthesizes FirebreakMemberRole, next to Firebreak, when context names the responder role', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'firebreak-member-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const configPath = join(dir, 'firebreak.config.json');
    writeFileSync(configPath, JSON.stringify({ memberAccounts: { externalId: 'org-firebreak' } }));
    const out = join(dir, 'out');
    // Act
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], {
      encoding: 'utf8',
      env: {
        ...process.env,
        CDK_VALIDATION: 'false',
        CDK_OUTDIR: out,
        CDK_CONTEXT_JSON: JSON.stringify({ 'aws:cdk:bundling-stacks': [], firebreakConfig: configPath, firebreakResponderRoleArn: RESPONDER_ROLE_ARN }),
      },
      timeout: 120_000,
    });
    // Assert
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const template = JSON.parse(readFileSync(join(out, 'FirebreakMemberRole.template.json'), 'utf8')) as { Resources: Resources };
    const role = Object.values(template.Resources).find((r) => r.Type === 'AWS::IAM::Role');
    expect(JSON.stringify(role?.Properties.AssumeRolePolicyDocument)).toContain(RESPONDER_ROLE_ARN);
    expect(existsSync(join(out, 'Firebreak.template.json'))).toBe(true);
  }, 150_000);
});
