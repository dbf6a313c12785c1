#!/usr/bin/env node
// The CDK app: `npx cdk synth` / `npx cdk deploy`. Works offline with no AWS credentials (the stack is environment-agnostic).
import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FirebreakError } from '../lambdas/core/errors.js';
import { loadConfigFromContext } from '../lib/config.js';
import { FirebreakStack } from '../lib/firebreak-stack.js';
import { PLAYBOOKS } from '../lib/playbooks/index.js';

const app = new App();
try {
  // An invalid config fails here, before any construct, with one message naming the key and what is allowed.
  const config = loadConfigFromContext(app.node);

  new FirebreakStack(app, 'Firebreak', {
    config,
    playbooks: PLAYBOOKS,
    // Environment-agnostic unless the caller's environment names one (cdk deploy with a profile): synth needs no credentials.
    env: process.env.CDK_DEFAULT_ACCOUNT
      ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION ?? 'us-east-1' }
      : undefined,
  });

  // cdk-nag AwsSolutions on every synth: an unacknowledged finding is an error annotation, and the CLI fails on it.
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  app.synth();
} catch (error) {
  // A bad config or a synth-time check (e.g. the 4 KB environment limit) is the user's to fix: one line, no stack trace.
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof FirebreakError || message.startsWith('Validation failed')) {
    console.error(`firebreak: ${message}`);
    process.exit(1);
  }
  throw error;
}
