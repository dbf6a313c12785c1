import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import type { LoadedConfig } from '../config.js';
import { FirebreakStack } from '../firebreak-stack.js';
import { PLAYBOOKS } from '../playbooks/index.js';
import type { CloudFormationTemplate, TemplateTarget } from './template-intrinsics.js';

/**
 * Synthesizes the real Firebreak stack in-process, fast: Lambda bundling off (the local runtime runs the handlers' source, not
 * bundles) and CloudFormation validation off (~7 s of WebAssembly per synth; `cdk synth` and the infra tests still run it).
 */
export function synthesizeFirebreakTemplate(config: LoadedConfig, target: TemplateTarget): CloudFormationTemplate {
  // Same config and target → same template: in-process callers (tests running the CLI repeatedly) synthesize once.
  const key = JSON.stringify([config.json, target.accountId, target.region, target.stackName]);
  const cached = synthesized.get(key);
  if (cached) return structuredClone(cached);
  const template = synthesize(config, target);
  synthesized.set(key, template);
  return structuredClone(template);
}

const synthesized = new Map<string, CloudFormationTemplate>();

function synthesize(config: LoadedConfig, target: TemplateTarget): CloudFormationTemplate {
  const outdir = mkdtempSync(join(tmpdir(), 'firebreak-local-'));
  try {
    const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
    const stack = new FirebreakStack(app, target.stackName ?? 'Firebreak', {
      config,
      playbooks: PLAYBOOKS,
      env: { account: target.accountId, region: target.region },
    });
    return app.synth().getStackArtifact(stack.artifactId).template as CloudFormationTemplate;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
