#!/usr/bin/env node
// The CDK app: `npx cdk synth` / `npx cdk deploy`. Works offline with no AWS credentials (the stack is environment-agnostic).
import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FirebreakError } from '../lambdas/core/errors.js';
import { loadConfigFromContext } from '../lib/config.js';
import { FirebreakStack } from '../lib/firebreak-stack.js';
import { MEMBER_ROLE_STACK_ID, MemberRoleStack, RESPONDER_ROLE_CONTEXT_KEY } from '../lib/member-account-role.js';
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

  // The member-account role, only when asked for: `cdk synth FirebreakMemberRole -c firebreakResponderRoleArn=<the
  // Firebreak stack's ResponderRoleArn output>`, then deployed to the member accounts (e.g. a service-managed StackSet).
  const responderRoleArn: unknown = app.node.tryGetContext(RESPONDER_ROLE_CONTEXT_KEY);
  if (responderRoleArn !== undefined) {
    if (typeof responderRoleArn !== 'string') throw new FirebreakError(`context ${RESPONDER_ROLE_CONTEXT_KEY}: expected a role ARN`);
    new MemberRoleStack(app, MEMBER_ROLE_STACK_ID, { config, responderRoleArn });
  }

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
