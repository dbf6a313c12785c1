import { CreateNetworkAclEntryCommand, DeleteNetworkAclEntryCommand, DescribeNetworkAclsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetIPSetCommand, ListIPSetsCommand, UpdateIPSetCommand, WAFV2Client } from '@aws-sdk/client-wafv2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { denyIpInNetworkAcl } from '../../../../lambdas/actions/ec2/deny-ip-in-network-acl.js';
import { blockIp } from '../../../../lambdas/actions/wafv2/block-ip.js';
import { actionContext, doneRecord } from '../action-test-kit.js';
import { instanceFinding } from '../ec2/ec2-fixtures.js';

const waf = mockClient(WAFV2Client);
const ec2 = mockClient(EC2Client);
const ATTACKER = '198.51.100.23';
const bruteForce = { ...instanceFinding, type: 'UnauthorizedAccess:EC2/SSHBruteForce', network: { remoteIp: ATTACKER, localPort: 22 } };
const ACL = 'acl-0123456789abcdef0';

describe('malicious IP actions', () => {
  beforeEach(() => {
    waf.reset();
    ec2.reset();
  });

  it('never blocks the remote address of a finding whose instance is the ACTOR: that address is the victim', () => {
    // Prepare
    const outbound = { ...bruteForce, network: { ...bruteForce.network, resourceRole: 'ACTOR' as const } };
    const inbound = { ...bruteForce, network: { ...bruteForce.network, resourceRole: 'TARGET' as const } };
    // Act
    const outboundParams = [blockIp.paramsFromFinding(outbound), denyIpInNetworkAcl.paramsFromFinding(outbound)];
    const inboundParams = blockIp.paramsFromFinding(inbound);
    // Assert
    expect(outboundParams).toEqual([undefined, undefined]);
    expect(inboundParams).toEqual({ ip: ATTACKER });
  });

  describe('wafv2/block-ip', () => {
    it('adds /32 to the REGIONAL firebreak-blocklist-v4 with the lock token; second run already contained', async () => {
      // Prepare
      waf.on(ListIPSetsCommand).resolves({ IPSets: [{ Name: 'firebreak-blocklist-v4', Id: 'ipset-1', ARN: 'arn', LockToken: 'x', Description: '' }] });
      waf.on(GetIPSetCommand)
        .resolvesOnce({ IPSet: { Name: 'firebreak-blocklist-v4', Id: 'ipset-1', ARN: 'arn', IPAddressVersion: 'IPV4', Addresses: ['203.0.113.0/24'] }, LockToken: 'token-1' })
        .resolves({ IPSet: { Name: 'firebreak-blocklist-v4', Id: 'ipset-1', ARN: 'arn', IPAddressVersion: 'IPV4', Addresses: ['203.0.113.0/24', `${ATTACKER}/32`] }, LockToken: 'token-2' });
      const params = blockIp.paramsFromFinding(bruteForce)!;
      // Act
      const first = await blockIp.execute(params, actionContext());
      const second = await blockIp.execute(params, actionContext());
      // Assert
      expect(waf.commandCalls(UpdateIPSetCommand).map((c) => c.args[0].input)).toEqual([
        { Name: 'firebreak-blocklist-v4', Scope: 'REGIONAL', Id: 'ipset-1', Addresses: ['203.0.113.0/24', `${ATTACKER}/32`], LockToken: 'token-1' },
      ]);
      expect(first).toMatchObject({ status: 'done', priorState: { alreadyListed: false } });
      expect(second).toMatchObject({ status: 'done', summary: expect.stringMatching(/^already contained/) });
    });

    it('retries once on WAFOptimisticLockException', async () => {
      waf.on(ListIPSetsCommand).resolves({ IPSets: [{ Name: 'firebreak-blocklist-v4', Id: 'ipset-1', ARN: 'arn', LockToken: 'x', Description: '' }] });
      waf.on(GetIPSetCommand).resolves({ IPSet: { Name: 'firebreak-blocklist-v4', Id: 'ipset-1', ARN: 'arn', IPAddressVersion: 'IPV4', Addresses: [] }, LockToken: 't' });
      waf.on(UpdateIPSetCommand).rejectsOnce(Object.assign(new Error('stale'), { name: 'WAFOptimisticLockException' })).resolves({ NextLockToken: 'n' });
      const result = await blockIp.execute({ ip: ATTACKER }, actionContext());
      expect(waf.commandCalls(UpdateIPSetCommand)).toHaveLength(2);
      expect(result.status).toBe('done');
    });

    it('refuses an address in allowlists.cidrs before any call, and escalates when the IP set does not exist', async () => {
      const trusted = await blockIp.execute({ ip: ATTACKER }, actionContext({ allowlists: { principals: [], cidrs: ['198.51.100.0/24'], resourceTags: [] } }));
      expect(waf.calls()).toHaveLength(0);
      waf.on(ListIPSetsCommand).resolves({ IPSets: [] });
      const missing = await blockIp.execute({ ip: ATTACKER }, actionContext());
      expect(trusted).toMatchObject({ status: 'skipped', refused: true, reason: expect.stringContaining('allowlists.cidrs') });
      expect(missing).toMatchObject({ status: 'skipped', escalation: expect.stringContaining('firebreak-blocklist-v4') });
    });

    it('rollback removes the address only if it is still listed', async () => {
      waf.on(GetIPSetCommand).resolves({ IPSet: { Name: 'firebreak-blocklist-v4', Id: 'ipset-1', ARN: 'arn', IPAddressVersion: 'IPV4', Addresses: ['203.0.113.0/24', `${ATTACKER}/32`] }, LockToken: 't' });
      const result = await blockIp.rollback(doneRecord('wafv2/block-ip', 't', { name: 'firebreak-blocklist-v4', id: 'ipset-1', cidr: `${ATTACKER}/32`, alreadyListed: false }, { listed: true }), actionContext());
      expect(waf.commandCalls(UpdateIPSetCommand).map((c) => c.args[0].input.Addresses)).toEqual([['203.0.113.0/24']]);
      expect(result.status).toBe('done');
    });
  });

  describe('ec2/deny-ip-in-network-acl', () => {
    it('adds inbound and outbound deny entries at the lowest free numbers; second run already contained', async () => {
      // Prepare
      ec2.on(DescribeNetworkAclsCommand)
        .resolvesOnce({ NetworkAcls: [{ NetworkAclId: ACL, Entries: [{ RuleNumber: 1, Egress: false, RuleAction: 'deny', CidrBlock: '203.0.113.9/32', Protocol: '-1' }, { RuleNumber: 100, Egress: false, RuleAction: 'allow', CidrBlock: '0.0.0.0/0', Protocol: '-1' }] }] })
        .resolves({ NetworkAcls: [{ NetworkAclId: ACL, Entries: [{ RuleNumber: 2, Egress: false, RuleAction: 'deny', CidrBlock: `${ATTACKER}/32`, Protocol: '-1' }, { RuleNumber: 1, Egress: true, RuleAction: 'deny', CidrBlock: `${ATTACKER}/32`, Protocol: '-1' }] }] });
      const params = denyIpInNetworkAcl.paramsFromFinding(bruteForce)!;
      // Act
      const first = await denyIpInNetworkAcl.execute(params, actionContext());
      const second = await denyIpInNetworkAcl.execute(params, actionContext());
      // Assert
      expect(ec2.commandCalls(DescribeNetworkAclsCommand)[0]?.args[0].input).toEqual({ Filters: [{ Name: 'association.subnet-id', Values: ['subnet-d58b7123'] }] });
      expect(ec2.commandCalls(CreateNetworkAclEntryCommand).map((c) => c.args[0].input)).toEqual([
        { NetworkAclId: ACL, RuleNumber: 2, Protocol: '-1', RuleAction: 'deny', Egress: false, CidrBlock: `${ATTACKER}/32` },
        { NetworkAclId: ACL, RuleNumber: 1, Protocol: '-1', RuleAction: 'deny', Egress: true, CidrBlock: `${ATTACKER}/32` },
      ]);
      expect(first.status).toBe('done');
      expect(second).toMatchObject({ status: 'done', summary: expect.stringMatching(/^already contained/) });
    });

    it('rollback deletes the entries still as Firebreak left them', async () => {
      ec2.on(DescribeNetworkAclsCommand).resolves({ NetworkAcls: [{ NetworkAclId: ACL, Entries: [{ RuleNumber: 2, Egress: false, RuleAction: 'deny', CidrBlock: `${ATTACKER}/32` }, { RuleNumber: 1, Egress: true, RuleAction: 'allow', CidrBlock: '0.0.0.0/0' }] }] });
      const record = doneRecord('ec2/deny-ip-in-network-acl', 't', { cidr: `${ATTACKER}/32`, entries: [{ networkAclId: ACL, ruleNumber: 2, egress: false }, { networkAclId: ACL, ruleNumber: 1, egress: true }] }, {});
      const result = await denyIpInNetworkAcl.rollback(record, actionContext());
      expect(ec2.commandCalls(DeleteNetworkAclEntryCommand).map((c) => c.args[0].input)).toEqual([{ NetworkAclId: ACL, RuleNumber: 2, Egress: false }]);
      expect(result.status).toBe('done');
    });
  });
});
