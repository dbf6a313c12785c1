import { CreateDetectorCommand, GetDetectorCommand, ListDetectorsCommand, UpdateDetectorCommand } from '@aws-sdk/client-guardduty';
import { z } from 'zod';
import { awsCall } from '../aws-session.js';
import { defineAction } from '../define-action.js';
import { findingIsAbout } from '../safety/finding-is-about.js';

const ParamsSchema = z.strictObject({});
type Params = z.infer<typeof ParamsSchema>;

/** Re-enables GuardDuty in the account and Region (or creates the detector someone deleted). Rollback never disables it. */
export const enableDetector = defineAction<Params>({
  id: 'guardduty/enable-detector',
  description: 'enable the GuardDuty detector of the Region (create it if it was deleted)',
  params: ParamsSchema,
  destructive: false,
  permissions: [{ actions: ['guardduty:ListDetectors', 'guardduty:GetDetector', 'guardduty:UpdateDetector', 'guardduty:CreateDetector'], resources: ['*'] }],

  paramsFromFinding: (finding) => (findingIsAbout(finding, { rules: ['guardduty-disabled'], controls: ['GuardDuty.1'] }) ? {} : undefined),
  target: () => 'guardduty/detector',
  plan: () => [awsCall('guardDuty', 'UpdateDetector', { DetectorId: '{the Region\'s detector}', Enable: true })],

  async apply(_p, _ctx, aws) {
    const guardDuty = aws.client('guardDuty');
    const detectorId = (await guardDuty.send(new ListDetectorsCommand({}))).DetectorIds?.[0];
    if (!detectorId) {
      const created = await guardDuty.send(new CreateDetectorCommand({ Enable: true, FindingPublishingFrequency: 'FIFTEEN_MINUTES' }));
      return { status: 'done', summary: `created and enabled GuardDuty detector ${created.DetectorId ?? ''} (it had been deleted)`, priorState: { detector: null }, appliedState: { detectorId: created.DetectorId } };
    }
    const status = (await guardDuty.send(new GetDetectorCommand({ DetectorId: detectorId }))).Status;
    if (status === 'ENABLED') return { status: 'done', summary: `already contained: GuardDuty detector ${detectorId} is enabled`, priorState: { detectorId, status }, appliedState: { status: 'ENABLED' } };
    await guardDuty.send(new UpdateDetectorCommand({ DetectorId: detectorId, Enable: true }));
    return { status: 'done', summary: `re-enabled GuardDuty detector ${detectorId}`, priorState: { detectorId, status }, appliedState: { status: 'ENABLED' } };
  },

  rollbackPlan: () => [],
  async revert() {
    return { status: 'skipped', reason: 'Firebreak never disables GuardDuty again; do it by hand if that is really intended' };
  },
});
