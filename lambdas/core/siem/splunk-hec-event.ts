import type { NotificationDocument } from '../notifications/render-notification.js';

/**
 * A Splunk HTTP Event Collector event (the JSON event protocol of /services/collector/event): `time` in epoch seconds with
 * millisecond precision, `host`, `source`, `sourcetype`, the `event` payload and `fields` (index-time fields: flat string
 * values only, searchable without extraction). A subscriber (SQS → HEC forwarder, Lambda, Firehose) posts it unchanged.
 */
export const SPLUNK_SOURCE = 'firebreak';
export const SPLUNK_SOURCETYPE = 'aws:firebreak:incident';

export interface SplunkHecEvent {
  readonly time: number;
  readonly host: string;
  readonly source: typeof SPLUNK_SOURCE;
  readonly sourcetype: typeof SPLUNK_SOURCETYPE;
  readonly event: NotificationDocument;
  readonly fields: Readonly<Record<string, string>>;
}

export function splunkHecEvent(document: NotificationDocument): SplunkHecEvent {
  const { incident } = document;
  return {
    // The time of the incident change the notification reports, not of the delivery: re-deliveries index at the same time.
    time: Date.parse(incident.updatedAt) / 1000,
    // The account and region the incident is in: what a Splunk search groups AWS data by.
    host: `${incident.accountId}.${incident.region}`,
    source: SPLUNK_SOURCE,
    sourcetype: SPLUNK_SOURCETYPE,
    event: document,
    fields: {
      incident_id: incident.incidentId,
      firebreak_event: document.event,
      severity: incident.severity,
      status: incident.status,
      playbook: incident.playbook,
      account_id: incident.accountId,
      region: incident.region,
      finding_type: incident.primaryFinding.type,
    },
  };
}
