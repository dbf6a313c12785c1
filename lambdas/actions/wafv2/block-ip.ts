import { GetIPSetCommand, ListIPSetsCommand, UpdateIPSetCommand, type WAFV2Client } from '@aws-sdk/client-wafv2';
import { z } from 'zod';
import { parseOrThrow } from '../../core/zod-issues.js';
import type { Outcome } from '../define-action.js';
import { awsCall } from '../aws-session.js';
import { defineAction, refused } from '../define-action.js';
import { hostCidr, IpSchema, isIpv6, remoteIpOf, trustedIpReason } from '../safety/ip-target.js';

/** The team creates these once (REGIONAL, one per IP version) and references them in a block rule of their web ACLs. */
export const blocklistName = (ip: string) => (isIpv6(ip) ? 'firebreak-blocklist-v6' : 'firebreak-blocklist-v4');
/** WAF IP sets hold at most 10,000 addresses. */
const MAX_ADDRESSES = 10_000;

const ParamsSchema = z.strictObject({ ip: IpSchema });
type Params = z.infer<typeof ParamsSchema>;
const PriorStateSchema = z.object({ name: z.string(), id: z.string(), cidr: z.string(), alreadyListed: z.boolean() });

async function findIpSet(waf: WAFV2Client, name: string): Promise<{ Name: string; Id: string } | undefined> {
  let marker: string | undefined;
  do {
    const page = await waf.send(new ListIPSetsCommand({ Scope: 'REGIONAL', Limit: 100, ...(marker ? { NextMarker: marker } : {}) }));
    const found = page.IPSets?.find((s) => s.Name === name);
    if (found?.Id) return { Name: name, Id: found.Id };
    marker = page.IPSets?.length ? page.NextMarker : undefined;
  } while (marker);
  return undefined;
}

/** Read-modify-write under WAF's lock token; a concurrent writer (WAFOptimisticLockException) gets one more try. */
async function changeAddresses(waf: WAFV2Client, set: { Name: string; Id: string }, change: (addresses: string[]) => string[] | undefined): Promise<'changed' | 'unchanged'> {
  for (let attempt = 0; ; attempt++) {
    const current = await waf.send(new GetIPSetCommand({ Name: set.Name, Scope: 'REGIONAL', Id: set.Id }));
    const next = change(current.IPSet?.Addresses ?? []);
    if (!next) return 'unchanged';
    try {
      await waf.send(new UpdateIPSetCommand({ Name: set.Name, Scope: 'REGIONAL', Id: set.Id, Addresses: next, LockToken: current.LockToken }));
      return 'changed';
    } catch (error) {
      if ((error as Error).name !== 'WAFOptimisticLockException' || attempt >= 1) throw error;
    }
  }
}

/** Adds the finding's remote IP to the team's WAF block list, so web ACLs that reference it drop its requests. */
export const blockIp = defineAction<Params>({
  id: 'wafv2/block-ip',
  description: 'add the remote IP to the firebreak-blocklist WAF IP set',
  params: ParamsSchema,
  destructive: true,
  permissions: [{ actions: ['wafv2:ListIPSets', 'wafv2:GetIPSet', 'wafv2:UpdateIPSet'], resources: ['arn:*:wafv2:*:*:regional/ipset/*/*'] }],

  paramsFromFinding: (finding) => {
    const ip = remoteIpOf(finding);
    return ip ? { ip } : undefined;
  },
  target: (p) => `waf/${blocklistName(p.ip)}/${hostCidr(p.ip)}`,
  precheck: (p, ctx) => {
    const reason = trustedIpReason(p.ip, ctx.allowlists);
    return reason ? refused(reason) : undefined;
  },
  plan: (p) => [awsCall('wafv2', 'UpdateIPSet', { Name: blocklistName(p.ip), Scope: 'REGIONAL', Id: `{id of ${blocklistName(p.ip)}}`, Addresses: [`{current addresses}`, hostCidr(p.ip)], LockToken: '{from GetIPSet}' })],

  async apply(p, _ctx, aws): Promise<Outcome> {
    const waf = aws.client('wafv2');
    const name = blocklistName(p.ip);
    const set = await findIpSet(waf, name);
    if (!set) {
      return { status: 'skipped', reason: `WAF IP set ${name} (REGIONAL) does not exist`, refused: true, escalation: `create the REGIONAL IP set ${name} and reference it in a block rule of your web ACLs; then block ${p.ip}` };
    }
    const cidr = hostCidr(p.ip);
    let full = false;
    const outcome = await changeAddresses(waf, set, (addresses) => {
      if (addresses.includes(cidr)) return undefined;
      if (addresses.length >= MAX_ADDRESSES) {
        full = true;
        return undefined;
      }
      return [...addresses, cidr];
    });
    if (full) return { status: 'failed', cause: `WAF IP set ${name} is full (${MAX_ADDRESSES} addresses)`, errorName: 'IpSetFull' };
    const prior = { name: set.Name, id: set.Id, cidr, alreadyListed: outcome === 'unchanged' };
    if (outcome === 'unchanged') return { status: 'done', summary: `already contained: ${cidr} is in ${name}`, priorState: prior, appliedState: { listed: true } };
    return { status: 'done', summary: `added ${cidr} to WAF IP set ${name}`, priorState: prior, appliedState: { listed: true } };
  },

  rollbackPlan(record) {
    const prior = parseOrThrow(PriorStateSchema, record.priorState, 'recorded prior state');
    return prior.alreadyListed ? [] : [awsCall('wafv2', 'UpdateIPSet', { Name: prior.name, Scope: 'REGIONAL', Id: prior.id, Addresses: [`{current addresses without ${prior.cidr}}`], LockToken: '{from GetIPSet}' })];
  },

  async revert(record, _ctx, aws) {
    const prior = parseOrThrow(PriorStateSchema, record.priorState, 'recorded prior state');
    if (prior.alreadyListed) return { status: 'skipped', reason: `${prior.cidr} was already listed before Firebreak acted: nothing to restore` };
    const outcome = await changeAddresses(aws.client('wafv2'), { Name: prior.name, Id: prior.id }, (addresses) =>
      addresses.includes(prior.cidr) ? addresses.filter((a) => a !== prior.cidr) : undefined,
    );
    if (outcome === 'unchanged') return { status: 'skipped', reason: `changed since containment: ${prior.cidr} is no longer in ${prior.name}; not touched` };
    return { status: 'done', summary: `removed ${prior.cidr} from ${prior.name}` };
  },
});
