import { DescribeTrailsCommand, GetTrailStatusCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { z } from 'zod';
import { awsCall } from '../aws-session.js';
import { defineAction } from '../define-action.js';
import { findingIsAbout } from '../safety/finding-is-about.js';

const ParamsSchema = z.strictObject({
  /** Trails the finding names; empty: every trail of the Region whose home is this Region. */
  trailNames: z.array(z.string().min(1)).default([]),
});
type Params = z.infer<typeof ParamsSchema>;

/** Turns CloudTrail logging back on where someone stopped it. Rollback never stops logging again. */
export const startLogging = defineAction<Params>({
  id: 'cloudtrail/start-logging',
  description: 'restart CloudTrail logging on the trails that were stopped',
  params: ParamsSchema,
  destructive: false,
  permissions: [{ actions: ['cloudtrail:DescribeTrails', 'cloudtrail:GetTrailStatus', 'cloudtrail:StartLogging'], resources: ['*'] }],

  paramsFromFinding(finding) {
    const about = findingIsAbout(finding, {
      rules: ['cloudtrail-logging-stopped', 'cloudtrail-selectors-changed'],
      guardDutyTypes: ['Stealth:IAMUser/CloudTrailLoggingDisabled'],
      controls: ['CloudTrail.1', 'CloudTrail.3', 'cis-1.2.0/2.1'],
    });
    if (!about) return undefined;
    return { trailNames: finding.resources.filter((r) => r.type === 'AWS::CloudTrail::Trail' || r.type === 'AwsCloudTrailTrail').map((r) => r.arn ?? r.id) };
  },
  target: (p) => `cloudtrail/${p.trailNames.length > 0 ? p.trailNames.join('+') : 'all-trails'}`,
  plan: (p) => (p.trailNames.length > 0 ? p.trailNames : ['{each trail of the Region that is not logging}']).map((name) => awsCall('cloudTrail', 'StartLogging', { Name: name })),

  async apply(p, ctx, aws) {
    const cloudTrail = aws.client('cloudTrail');
    const names =
      p.trailNames.length > 0
        ? p.trailNames
        : ((await cloudTrail.send(new DescribeTrailsCommand({ includeShadowTrails: false }))).trailList ?? [])
            .filter((t) => t.HomeRegion === undefined || t.HomeRegion === ctx.target.region)
            .map((t) => t.TrailARN ?? t.Name ?? '')
            .filter(Boolean);
    if (names.length === 0) return { status: 'skipped', reason: 'no CloudTrail trail in this Region', escalation: 'create a multi-Region trail', refused: true };
    const restarted: string[] = [];
    const gone: string[] = [];
    for (const name of names) {
      let logging: boolean | undefined;
      try {
        logging = (await cloudTrail.send(new GetTrailStatusCommand({ Name: name }))).IsLogging;
      } catch (error) {
        // A trail named by a DeleteTrail event: there is nothing left to restart.
        if ((error as { name?: string }).name !== 'TrailNotFoundException') throw error;
        gone.push(name);
        continue;
      }
      if (logging) continue;
      await cloudTrail.send(new StartLoggingCommand({ Name: name }));
      restarted.push(name);
    }
    if (gone.length === names.length) {
      return { status: 'skipped', reason: `trail ${gone.join(', ')} no longer exists (deleted)`, escalation: 'recreate the trail from its last known configuration (CloudTrail, or your infrastructure code)' };
    }
    const logging = names.filter((name) => !gone.includes(name));
    const missing = gone.length > 0 ? `; ${gone.join(', ')} no longer exist(s)` : '';
    if (restarted.length === 0) return { status: 'done', summary: `already contained: ${logging.length} trail(s) logging${missing}`, priorState: { stopped: [] }, appliedState: { logging } };
    return { status: 'done', summary: `restarted logging on ${restarted.join(', ')}${missing}`, priorState: { stopped: restarted }, appliedState: { logging } };
  },

  rollbackPlan: () => [],
  async revert() {
    return { status: 'skipped', reason: 'Firebreak never turns CloudTrail logging off again; stop it by hand if that is really intended' };
  },
});
