/** Tags Firebreak puts on what it contains or creates as evidence. */
export const INCIDENT_TAG = 'firebreak:incident';
export const STATUS_TAG = 'firebreak:status';
