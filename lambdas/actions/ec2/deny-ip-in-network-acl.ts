import { CreateNetworkAclEntryCommand, DeleteNetworkAclEntryCommand, DescribeNetworkAclsCommand, type NetworkAcl } from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { parseOrThrow } from '../../core/zod-issues.js';
import { awsCall } from '../aws-session.js';
import { defineAction, refused } from '../define-action.js';
import { instanceFromFinding } from './instance-params.js';
import { hostCidr, IpSchema, isIpv6, remoteIpOf, trustedIpReason } from '../safety/ip-target.js';

/** Rule numbers Firebreak uses: below the usual 100 "allow" rules, so the deny is evaluated first. */
const FIRST_RULE = 1;
const LAST_RULE = 99;

const ParamsSchema = z.strictObject({ ip: IpSchema, subnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/)).min(1) });
type Params = z.infer<typeof ParamsSchema>;
const EntrySchema = z.object({ networkAclId: z.string(), ruleNumber: z.number().int(), egress: z.boolean() });
const PriorStateSchema = z.object({ cidr: z.string(), entries: z.array(EntrySchema) });

const cidrOf = (entry: { CidrBlock?: string; Ipv6CidrBlock?: string }) => entry.CidrBlock ?? entry.Ipv6CidrBlock;
const entryRequest = (networkAclId: string, ruleNumber: number, egress: boolean, ip: string) => ({
  NetworkAclId: networkAclId,
  RuleNumber: ruleNumber,
  Protocol: '-1',
  RuleAction: 'deny' as const,
  Egress: egress,
  ...(isIpv6(ip) ? { Ipv6CidrBlock: hostCidr(ip) } : { CidrBlock: hostCidr(ip) }),
});

/**
 * Denies all traffic to and from the remote IP in the network ACLs of the instance's subnets. Network ACLs are stateless
 * and evaluated before security groups, so this also cuts established connections with that address.
 */
export const denyIpInNetworkAcl = defineAction<Params>({
  id: 'ec2/deny-ip-in-network-acl',
  description: 'add inbound and outbound deny entries for the remote IP to the network ACLs of the instance\'s subnets',
  params: ParamsSchema,
  destructive: true,
  permissions: [{ actions: ['ec2:DescribeNetworkAcls', 'ec2:CreateNetworkAclEntry', 'ec2:DeleteNetworkAclEntry'], resources: ['*'] }],

  paramsFromFinding(finding) {
    const ip = remoteIpOf(finding);
    const subnetIds = instanceFromFinding(finding)?.subnetIds ?? [];
    return ip && subnetIds.length > 0 ? { ip, subnetIds } : undefined;
  },
  target: (p) => `network-acl/${p.subnetIds.join('+')}/${hostCidr(p.ip)}`,
  precheck: (p, ctx) => {
    const reason = trustedIpReason(p.ip, ctx.allowlists);
    return reason ? refused(reason) : undefined;
  },
  plan: (p) =>
    [false, true].map((egress) => awsCall('ec2', 'CreateNetworkAclEntry', { ...entryRequest(`{network ACL of ${p.subnetIds.join(', ')}}`, 0, egress, p.ip), RuleNumber: `{lowest free number ${FIRST_RULE}-${LAST_RULE}}` })),

  async apply(p, _ctx, aws) {
    const ec2 = aws.client('ec2');
    const acls: NetworkAcl[] = (await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'association.subnet-id', Values: p.subnetIds }] }))).NetworkAcls ?? [];
    if (acls.length === 0) return { status: 'skipped', reason: `no network ACL found for ${p.subnetIds.join(', ')}` };
    const cidr = hostCidr(p.ip);
    const created: z.infer<typeof EntrySchema>[] = [];
    for (const acl of acls) {
      const entries = acl.Entries ?? [];
      for (const egress of [false, true]) {
        if (entries.some((e) => e.Egress === egress && e.RuleAction === 'deny' && cidrOf(e) === cidr)) continue;
        const used = new Set(entries.filter((e) => e.Egress === egress).map((e) => e.RuleNumber));
        let ruleNumber = FIRST_RULE;
        while (used.has(ruleNumber) && ruleNumber <= LAST_RULE) ruleNumber += 1;
        if (ruleNumber > LAST_RULE) return { status: 'failed', cause: `network ACL ${acl.NetworkAclId ?? ''} has no free rule number ${FIRST_RULE}-${LAST_RULE}`, errorName: 'NetworkAclFull' };
        await ec2.send(new CreateNetworkAclEntryCommand(entryRequest(acl.NetworkAclId ?? '', ruleNumber, egress, p.ip)));
        created.push({ networkAclId: acl.NetworkAclId ?? '', ruleNumber, egress });
      }
    }
    if (created.length === 0) return { status: 'done', summary: `already contained: ${cidr} is denied in ${acls.length} network ACL(s)`, priorState: { cidr, entries: [] }, appliedState: { entries: [] } };
    return { status: 'done', summary: `denied ${cidr} in ${new Set(created.map((c) => c.networkAclId)).size} network ACL(s)`, priorState: { cidr, entries: created }, appliedState: { entries: created } };
  },

  rollbackPlan(record) {
    const prior = parseOrThrow(PriorStateSchema, record.priorState, 'recorded prior state');
    return prior.entries.map((e) => awsCall('ec2', 'DeleteNetworkAclEntry', { NetworkAclId: e.networkAclId, RuleNumber: e.ruleNumber, Egress: e.egress }));
  },

  async revert(record, _ctx, aws) {
    const prior = parseOrThrow(PriorStateSchema, record.priorState, 'recorded prior state');
    if (prior.entries.length === 0) return { status: 'skipped', reason: 'no entry was added: nothing to remove' };
    const ec2 = aws.client('ec2');
    const acls = (await ec2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [...new Set(prior.entries.map((e) => e.networkAclId))] }))).NetworkAcls ?? [];
    let removed = 0;
    for (const entry of prior.entries) {
      const current = acls.find((a) => a.NetworkAclId === entry.networkAclId)?.Entries?.find((e) => e.RuleNumber === entry.ruleNumber && e.Egress === entry.egress);
      if (!current || current.RuleAction !== 'deny' || cidrOf(current) !== prior.cidr) continue;
      await ec2.send(new DeleteNetworkAclEntryCommand({ NetworkAclId: entry.networkAclId, RuleNumber: entry.ruleNumber, Egress: entry.egress }));
      removed += 1;
    }
    if (removed === 0) return { status: 'skipped', reason: 'changed since containment: none of the deny entries is as Firebreak left it; not touched' };
    return { status: 'done', summary: `removed ${removed} deny entr${removed === 1 ? 'y' : 'ies'} for ${prior.cidr}` };
  },
});
