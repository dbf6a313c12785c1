import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { SeverityLabel } from '../core/findings/finding.js';

/** What the SLA sweep reports to CloudWatch. */
export interface SlaMetrics {
  /** One incident newly escalated for missing its response-time target. */
  breach(severity: SeverityLabel, overdueSeconds: number): void;
  /** Incidents still unacknowledged at this sweep (a gauge for dashboards/alarms). */
  unacknowledged(count: number): void;
}

/** CloudWatch metrics as Embedded Metric Format log lines (Powertools), namespace from the Metrics instance. */
export function powertoolsSlaMetrics(metrics: Metrics): SlaMetrics {
  return {
    breach(severity, overdueSeconds) {
      const single = metrics.singleMetric();
      single.addDimension('severity', severity);
      single.addMetric('SlaBreaches', MetricUnit.Count, 1);
      const overdue = metrics.singleMetric();
      overdue.addDimension('severity', severity);
      overdue.addMetric('SlaOverdueSeconds', MetricUnit.Seconds, overdueSeconds);
    },
    unacknowledged(count) {
      const single = metrics.singleMetric();
      single.addMetric('UnacknowledgedIncidents', MetricUnit.Count, count);
    },
  };
}
