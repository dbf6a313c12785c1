import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { ApprovalRefusal } from '../store/approval-store.js';

/** What the approval endpoint reports to CloudWatch: decisions, and refusals by reason (alarm on forged/replayed links). */
export interface ApprovalMetrics {
  decided(decision: 'approved' | 'rejected'): void;
  refused(refusal: ApprovalRefusal): void;
}

export function powertoolsApprovalMetrics(metrics: Metrics): ApprovalMetrics {
  const emit = (name: string, dimension: string, value: string) => {
    const single = metrics.singleMetric();
    single.addDimension(dimension, value);
    single.addMetric(name, MetricUnit.Count, 1);
  };
  return {
    decided: (decision) => emit('ApprovalDecisions', 'decision', decision),
    refused: (refusal) => emit('ApprovalRefusals', 'refusal', refusal),
  };
}
