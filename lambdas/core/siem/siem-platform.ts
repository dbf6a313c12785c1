import type { NotificationDocument } from '../notifications/render-notification.js';
import { ocsfIncidentFinding } from './ocsf-incident-finding.js';
import { splunkHecEvent } from './splunk-hec-event.js';

/**
 * SIEM platforms whose format Firebreak really produces (the config schema accepts exactly these):
 * - `none`: the machine-readable SNS bodies carry Firebreak's own notification document;
 * - `ocsf`: an OCSF 1.1.0 Incident Finding (class 2005), for Security Lake, Sentinel/Chronicle OCSF parsers, Tenzir ...;
 * - `splunk`: a Splunk HTTP Event Collector event envelope (POST it as is to /services/collector/event).
 * Sentinel and Elastic are not listed: both ingest OCSF, and a native format is only added together with its mapping.
 */
export const SIEM_PLATFORMS = ['none', 'ocsf', 'splunk'] as const;
export type SiemPlatform = (typeof SIEM_PLATFORMS)[number];

/** The document a SIEM subscriber receives for one notification; `none` returns Firebreak's document unchanged. */
export function formatForSiem(platform: SiemPlatform, document: NotificationDocument): unknown {
  switch (platform) {
    case 'none':
      return document;
    case 'ocsf':
      return ocsfIncidentFinding(document);
    case 'splunk':
      return splunkHecEvent(document);
  }
}
