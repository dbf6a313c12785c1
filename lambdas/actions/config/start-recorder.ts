import { DescribeConfigurationRecorderStatusCommand, StartConfigurationRecorderCommand } from '@aws-sdk/client-config-service';
import { z } from 'zod';
import { awsCall } from '../aws-session.js';
import { defineAction } from '../define-action.js';
import { findingIsAbout } from '../safety/finding-is-about.js';

const ParamsSchema = z.strictObject({});
type Params = z.infer<typeof ParamsSchema>;

/** Restarts every stopped AWS Config recorder of the Region. A deleted recorder needs its role and delivery channel: escalated. */
export const startRecorder = defineAction<Params>({
  id: 'config/start-recorder',
  description: 'restart the stopped AWS Config configuration recorders',
  params: ParamsSchema,
  destructive: false,
  permissions: [{ actions: ['config:DescribeConfigurationRecorderStatus', 'config:StartConfigurationRecorder'], resources: ['*'] }],

  paramsFromFinding: (finding) => (findingIsAbout(finding, { rules: ['config-recording-stopped'], controls: ['Config.1', 'cis-1.2.0/2.5'] }) ? {} : undefined),
  target: () => 'config/recorders',
  plan: () => [awsCall('configService', 'StartConfigurationRecorder', { ConfigurationRecorderName: '{each stopped recorder}' })],

  async apply(_p, _ctx, aws) {
    const config = aws.client('configService');
    const statuses = (await config.send(new DescribeConfigurationRecorderStatusCommand({}))).ConfigurationRecordersStatus ?? [];
    if (statuses.length === 0) {
      return { status: 'skipped', reason: 'no AWS Config recorder exists in this Region (deleted?)', refused: true, escalation: 'recreate the configuration recorder and its delivery channel' };
    }
    const stopped = statuses.filter((s) => !s.recording && s.name).map((s) => s.name as string);
    if (stopped.length === 0) return { status: 'done', summary: 'already contained: every AWS Config recorder is recording', priorState: { stopped: [] }, appliedState: { recording: true } };
    for (const name of stopped) await config.send(new StartConfigurationRecorderCommand({ ConfigurationRecorderName: name }));
    return { status: 'done', summary: `restarted AWS Config recorder(s) ${stopped.join(', ')}`, priorState: { stopped }, appliedState: { recording: true } };
  },

  rollbackPlan: () => [],
  async revert() {
    return { status: 'skipped', reason: 'Firebreak never stops AWS Config recording again; do it by hand if that is really intended' };
  },
});
