#!/usr/bin/env node
// The CDK app: `npx cdk synth` / `npx cdk deploy`. Works offline with no AWS credentials (the stack is environment-agnostic).
import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadConfigFromContext } from '../lib/config.js';
import { FirebreakStack } from '../lib/firebreak-stack.js';
import { PLAYBOOKS } from '../lib/playbooks/index.js';

const app = new App();
// An invalid config fails here, before any construct, with one message naming the key and what is allowed.
const config = loadConfigFromContext(app.node);

new FirebreakStack(app, 'Firebreak', {
  config,
  playbooks: PLAYBOOKS,
  // Environment-agnostic unless the caller's environment names one (cdk deploy with a profile): synth needs no credentials.
  env: process.env.CDK_DEFAULT_ACCOUNT ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION ?? 'us-east-1' } : undefined,
});

// cdk-nag AwsSolutions on every synth: an unacknowledged finding is an error annotation, and the CLI fails on it.
Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
