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
