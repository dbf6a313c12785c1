import { z } from 'zod';
import type { Finding } from '../../core/findings/finding.js';
import { compileCidrs, parseIp } from '../../core/rules/cidr-match.js';
import type { Allowlists } from '../action.js';

export const IpSchema = z.string().refine((ip) => parseIp(ip) !== undefined, { message: 'expected an IPv4 or IPv6 address' });

/** `/32` or `/128`: the single address as the CIDR WAF and network ACLs want. */
export function hostCidr(ip: string): string {
  return parseIp(ip)?.version === 6 ? `${ip}/128` : `${ip}/32`;
}

export function isIpv6(ip: string): boolean {
  return parseIp(ip)?.version === 6;
}

/**
 * The remote address of a finding when it is the adversary (the caller, the prober, the C2 server). When the resource is the
 * ACTOR (an instance brute-forcing or attacking others), the remote address is its victim: blocking it would cut a
 * bystander and not the attack, so there is nothing to block (contain the instance instead).
 */
export function remoteIpOf(finding: Finding): string | undefined {
  if (finding.network?.resourceRole === 'ACTOR') return undefined;
  const ip = finding.network?.remoteIp;
  return ip && parseIp(ip) ? ip : undefined;
}

/** Never block an address the team trusts (allowlists.cidrs: the VPN, the office). */
export function trustedIpReason(ip: string, allowlists: Allowlists): string | undefined {
  return compileCidrs(allowlists.cidrs)(ip) ? `${ip} is in allowlists.cidrs` : undefined;
}
