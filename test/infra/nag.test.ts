import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { PLAYBOOKS } from '../../lib/playbooks/index.js';
import { synthFirebreak } from './support/synth-firebreak.js';

function findings(stack: Parameters<typeof Annotations.fromStack>[0]) {
  const annotations = Annotations.fromStack(stack);
  const describe = (entries: ReturnType<typeof annotations.findError>) => entries.map((entry) => `${entry.id}: ${String(entry.entry.data)}`);
  return {
    errors: describe(annotations.findError('*', Match.anyValue())),
    warnings: describe(annotations.findWarning('*', Match.anyValue())),
  };
}

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in the default stack', () => {
    // Act
    const { stack } = synthFirebreak({ nag: true });

    // Assert
    expect(findings(stack)).toEqual({ errors: [], warnings: [] });
  });

  it('finds nothing unacknowledged with the shipped playbooks', () => {
    const { stack } = synthFirebreak({ nag: true, playbooks: PLAYBOOKS });

    expect(findings(stack)).toEqual({ errors: [], warnings: [] });
  });

  it('finds nothing unacknowledged with every subscription protocol configured', () => {
    const { stack } = synthFirebreak({
      nag: true,
      config: {
        notifications: {
          subscriptions: [
            { protocol: 'email', endpoint: 'secops@example.com', filter: { severity: ['HIGH', 'CRITICAL'] } },
            { protocol: 'https', endpoint: 'https://hooks.example.com/firebreak' },
            { protocol: 'sqs', endpoint: 'arn:aws:sqs:us-east-1:123456789012:soc-intake' },
            { protocol: 'lambda', endpoint: 'arn:aws:lambda:us-east-1:123456789012:function:pager', filter: { playbook: ['credential-compromise'] } },
            { protocol: 'sms', endpoint: '+15555550100', filter: { severity: ['CRITICAL'] } },
          ],
        },
      },
    });

    expect(findings(stack)).toEqual({ errors: [], warnings: [] });
  });

  it('acknowledges every finding with a reason of substance', () => {
    const { template } = synthFirebreak({ nag: true });

    // cdk-nag records acknowledgements in resource metadata; each must say why, not just "ok".
    const reasons = Object.values(template.toJSON().Resources as Record<string, { Metadata?: { cdk_nag?: { rules_to_suppress?: { id: string; reason: string }[] } } }>)
      .flatMap((resource) => resource.Metadata?.cdk_nag?.rules_to_suppress ?? []);
    expect(reasons.length).toBeGreaterThan(0);
    for (const suppression of reasons) expect(suppression.reason.length, suppression.id).toBeGreaterThan(40);
  });
});
