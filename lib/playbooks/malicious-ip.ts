import type { PlaybookDefinition } from '../../lambdas/core/playbooks/playbook-definition.js';

/**
 * An attacking address (brute force, scanning, a threat-list caller): block it at the edge (the team's WAF IP set) and in
 * the network ACLs of the targeted instance's subnets. Addresses in allowlists.cidrs are never blocked.
 */
export const maliciousIp: PlaybookDefinition = {
  id: 'malicious-ip',
  title: 'Malicious IP address',
  steps: [
    { name: 'BlockInWaf', actionId: 'wafv2/block-ip', optional: true },
    { name: 'DenyInNetworkAcl', actionId: 'ec2/deny-ip-in-network-acl' },
  ],
  approvalTimeoutSeconds: 3600,
  onApprovalTimeout: 'escalate',
};
