import { DescribeHubCommand, EnableSecurityHubCommand } from '@aws-sdk/client-securityhub';
import { z } from 'zod';
import { awsCall } from '../aws-session.js';
import { defineAction } from '../define-action.js';
import { findingIsAbout } from '../safety/finding-is-about.js';

const ParamsSchema = z.strictObject({});
type Params = z.infer<typeof ParamsSchema>;

/** Security Hub reports "not subscribed" as InvalidAccessException (or ResourceNotFoundException) on DescribeHub. */
const NOT_ENABLED = new Set(['InvalidAccessException', 'ResourceNotFoundException']);

/** Re-enables Security Hub (with its default standards). Rollback never disables it. */
export const enableHub = defineAction<Params>({
  id: 'securityhub/enable-hub',
  description: 'enable Security Hub in the Region (with the default standards)',
  params: ParamsSchema,
  destructive: false,
  permissions: [{ actions: ['securityhub:DescribeHub', 'securityhub:EnableSecurityHub'], resources: ['*'] }],

  paramsFromFinding: (finding) => (findingIsAbout(finding, { rules: ['securityhub-disabled'], controls: ['SecurityHub.1'] }) ? {} : undefined),
  target: () => 'securityhub/hub',
  plan: () => [awsCall('securityHub', 'EnableSecurityHub', { EnableDefaultStandards: true })],

  async apply(_p, _ctx, aws) {
    const hub = aws.client('securityHub');
    try {
      const described = await hub.send(new DescribeHubCommand({}));
      return { status: 'done', summary: `already contained: Security Hub is enabled (${described.HubArn ?? 'hub'})`, priorState: { enabled: true }, appliedState: { enabled: true } };
    } catch (error) {
      if (!NOT_ENABLED.has((error as Error).name)) throw error;
    }
    await hub.send(new EnableSecurityHubCommand({ EnableDefaultStandards: true }));
    return { status: 'done', summary: 're-enabled Security Hub with the default standards', priorState: { enabled: false }, appliedState: { enabled: true } };
  },

  rollbackPlan: () => [],
  async revert() {
    return { status: 'skipped', reason: 'Firebreak never disables Security Hub again; do it by hand if that is really intended' };
  },
});
