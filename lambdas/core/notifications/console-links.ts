import type { Incident } from '../incidents/incident.js';
import type { NotificationLinks } from './render-notification.js';

/** Console links for a message: the source finding and the playbook execution, when known. */
export function consoleLinks(incident: Incident): NotificationLinks {
  const finding = incident.primaryFinding;
  const region = finding.region;
  const console = `https://${region}.console.aws.amazon.com`;
  let findingLink: string | undefined;
  if (finding.source === 'guardduty') {
    const id = finding.productRefs.asffId?.split('/').pop() ?? finding.dedupKey.split(':').pop();
    if (id) findingLink = `${console}/guardduty/home?region=${region}#/findings?fId=${encodeURIComponent(id)}`;
  } else if (finding.source === 'securityhub' && finding.productRefs.asffId) {
    findingLink = `${console}/securityhub/home?region=${region}#/findings?search=Id%3D%255Coperator%255C%253AEQUALS%255C%253A${encodeURIComponent(
      encodeURIComponent(finding.productRefs.asffId),
    )}`;
  } else if (finding.source === 'cloudtrail' && finding.sourceEventIds[0]) {
    findingLink = `${console}/cloudtrailv2/home?region=${region}#/events/${encodeURIComponent(finding.sourceEventIds[0])}`;
  }
  const execution = incident.executionArn
    ? `https://${incident.executionArn.split(':')[3] ?? region}.console.aws.amazon.com/states/home#/v2/executions/details/${encodeURIComponent(incident.executionArn)}`
    : undefined;
  return { ...(findingLink ? { finding: findingLink } : {}), ...(execution ? { execution } : {}) };
}
