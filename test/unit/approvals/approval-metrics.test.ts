import { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it, vi } from 'vitest';
import { powertoolsApprovalMetrics } from '../../../lambdas/approve/approval-metrics.js';

describe('approval metrics', () => {
  it('emits EMF counts of decisions and refusals by reason', () => {
    // Dev mode routes EMF to the global console (spied here); it also disables metrics unless told otherwise.
    vi.stubEnv('POWERTOOLS_DEV', 'true');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    try {
      const metrics = powertoolsApprovalMetrics(new Metrics({ namespace: 'Firebreak', serviceName: 'firebreak-approve' }));
      metrics.decided('approved');
      metrics.refused('bad_signature');
    } finally {
      spy.mockRestore();
      vi.unstubAllEnvs();
    }
    const emf = lines.map((line) => JSON.parse(line) as Record<string, unknown> & { _aws: { CloudWatchMetrics: { Namespace: string }[] } });
    expect(emf[0]).toMatchObject({ ApprovalDecisions: 1, decision: 'approved', service: 'firebreak-approve' });
    expect(emf[1]).toMatchObject({ ApprovalRefusals: 1, refusal: 'bad_signature' });
    expect(emf.map((entry) => entry._aws.CloudWatchMetrics[0]!.Namespace)).toEqual(['Firebreak', 'Firebreak']);
  });
});
