import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { configFromObject } from '../../lib/config.js';
import { FirebreakStack } from '../../lib/firebreak-stack.js';
import { logRetentionFor, REPO_ROOT, ResponderFunction } from '../../lib/responder-function.js';
import { TEST_PLAYBOOK } from './support/synth-firebreak.js';

function stackWithFunction(config: unknown, environment?: Record<string, string>) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Test');
  const fn = new ResponderFunction(stack, 'Record', {
    kind: 'record',
    config: configFromObject(config),
    incidentTableName: 'incidents',
    environment,
  });
  return { app, stack, fn };
}

describe('ResponderFunction', () => {
  it('rounds retentionDays up to a period CloudWatch Logs accepts', () => {
    expect([1, 2, 30, 31, 365, 366, 3000, 3650].map(logRetentionFor)).toEqual([
      RetentionDays.ONE_DAY,
      RetentionDays.THREE_DAYS,
      RetentionDays.ONE_MONTH,
      RetentionDays.TWO_MONTHS,
      RetentionDays.ONE_YEAR,
      RetentionDays.THIRTEEN_MONTHS,
      RetentionDays.NINE_YEARS,
      RetentionDays.TEN_YEARS,
    ]);
  });

  it('sets the secure defaults on any function, with the optional reserved concurrency unset by default', () => {
    const { stack } = stackWithFunction({ retentionDays: 30 });

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Timeout: 30,
      MemorySize: 512,
      ReservedConcurrentExecutions: Match.absent(),
      Environment: { Variables: { FIREBREAK_FUNCTION: 'record', INCIDENT_TABLE_NAME: 'incidents', FIREBREAK_CONFIG: '{"retentionDays":30}' } },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    // No AWS managed policy (AWSLambdaBasicExecutionRole): the role writes only to its own log group.
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });

  it('fails synth naming the variables when the environment would exceed Lambda’s 4 KB', () => {
    const principals = Array.from({ length: 80 }, (_, i) => `arn:aws:iam::123456789012:role/break-glass-role-number-${i}`);
    const { app } = stackWithFunction({ allowlists: { principals } });

    expect(() => app.synth()).toThrow(
      /record function: environment variables take ~\d+ bytes, over Lambda's 4096-byte limit \(largest: FIREBREAK_CONFIG \d+ B.*\); shorten the firebreak config/,
    );
  });

  it('counts a reference in a variable at its longest, so a map of ARNs cannot slip past the check', () => {
    const { app, fn } = stackWithFunction({});
    const arns = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`playbook-${i}`, fn.deadLetterQueue.queueArn]));
    fn.addEnvironment('PLAYBOOK_ARNS', Stack.of(fn).toJsonString(arns));

    expect(() => app.synth()).toThrow(/PLAYBOOK_ARNS \d{4} B/);
  });
});

describe('bundling', () => {
  it('bundles every handler of the real stack with the local esbuild (no Docker), as ESM modules that load', { timeout: 60_000 }, async () => {
    // Inside the repository, so the bundles resolve the AWS SDK (left to the Lambda runtime) from node_modules when loaded.
    mkdirSync(join(REPO_ROOT, 'cdk.out'), { recursive: true });
    const outdir = mkdtempSync(join(REPO_ROOT, 'cdk.out', 'test-bundling-'));
    onTestFinished(() => rmSync(outdir, { recursive: true, force: true }));
    const app = new App({ outdir, builtinCloudFormationValidation: false, context: { 'aws:cdk:enable-asset-metadata': true } });
    const started = Date.now();

    const stack = new FirebreakStack(app, 'Firebreak', { config: configFromObject({}), playbooks: [TEST_PLAYBOOK] });
    const assembly = app.synth();
    const elapsed = Date.now() - started;

    const template = assembly.getStackArtifact(stack.artifactId).template as {
      Resources: Record<string, { Type: string; Metadata?: Record<string, string>; Properties?: unknown }>;
    };
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(functions).toHaveLength(7);
    for (const fn of functions) {
      const assetDir = join(outdir, fn.Metadata!['aws:asset:path']!);
      const bundle = join(assetDir, 'index.mjs');
      expect(existsSync(bundle), bundle).toBe(true);
      // The SDK comes from the runtime: a bundle that swallowed it would be megabytes.
      expect(statSync(bundle).size).toBeLessThan(1_500_000);
      expect(readdirSync(assetDir).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    }
    expect(elapsed).toBeLessThan(20_000);

    // Loading runs a module's top level (imports, CommonJS interop through the banner's require) as a cold start does. The
    // act bundle has the widest import surface (every action's SDK client, Powertools, zod); detect has the rule packs.
    for (const kind of ['act', 'detect']) {
      const fn = functions.find((candidate) => (candidate.Properties as { Environment: { Variables: Record<string, string> } }).Environment.Variables.FIREBREAK_FUNCTION === kind)!;
      const loaded = (await import(pathToFileURL(join(outdir, fn.Metadata!['aws:asset:path']!, 'index.mjs')).href)) as { handler?: unknown };
      expect(typeof loaded.handler, kind).toBe('function');
    }
  });
});
