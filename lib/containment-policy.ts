import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { NagSuppressions } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type { ActionPermission } from '../lambdas/actions/action.js';
import { actionPermissions } from '../lambdas/actions/registry.js';
import type { MemberAccountsConfig } from '../lambdas/core/config/member-accounts-config.js';

/**
 * The statements containment needs: exactly the APIs the registered actions declare (lambdas/actions/registry.ts). One
 * source for both principals that run containment: the act function (its own account) and the member-account role
 * (lib/member-account-role.ts), so neither can drift from the code or from the other.
 */
export function containmentStatements(permissions: readonly ActionPermission[] = actionPermissions()): iam.PolicyStatement[] {
  return permissions.map(
    (permission, index) =>
      new iam.PolicyStatement({
        sid: `Containment${index}`,
        actions: [...permission.actions],
        resources: [...(permission.resources ?? ['*'])],
        ...(permission.conditions ? { conditions: permission.conditions as Record<string, unknown> } : {}),
      }),
  );
}

/** Grants the containment statements to `role` and acknowledges their resource wildcards (cdk-nag IAM5) with the reason. */
export function grantContainment(role: iam.Role, permissions: readonly ActionPermission[] = actionPermissions()): void {
  for (const statement of containmentStatements(permissions)) role.addToPolicy(statement);
  // Containment targets whichever user or role a finding names, so resources are patterns like `arn:*:iam::*:user/*`.
  const wildcardResources = [...new Set(permissions.flatMap((permission) => permission.resources ?? ['*']))].filter((resource) => resource.includes('*'));
  if (wildcardResources.length > 0) {
    NagSuppressions.addResourceSuppressions(
      role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'Containment acts on whichever IAM user, role or resource a finding names, so the actions declared in lambdas/actions/registry.ts are scoped by resource type, not by ARNs known at deploy time; allowlists, dry-run and the approval gate limit what they touch.',
          appliesTo: wildcardResources.map((resource) => `Resource::${resource}`),
        },
      ],
      true,
    );
  }
}

/**
 * The member roles the act function may assume: `roleName` in the allowed accounts, or in any account when none are listed
 * (each member role's trust policy still names only this function's role). Nothing else: no other role, no other STS call.
 */
export function memberRoleArns(memberAccounts: MemberAccountsConfig): string[] {
  const accounts = memberAccounts.allowedAccounts.length > 0 ? memberAccounts.allowedAccounts : ['*'];
  return accounts.map((account) => `arn:${Aws.PARTITION}:iam::${account}:role/${memberAccounts.roleName}`);
}

/** Lets `role` (the act function's) assume the member role, and acknowledges the account wildcard when no list narrows it. */
export function grantAssumeMemberRole(role: iam.Role, memberAccounts: MemberAccountsConfig): void {
  const resources = memberRoleArns(memberAccounts);
  role.addToPolicy(new iam.PolicyStatement({ sid: 'AssumeMemberRole', actions: ['sts:AssumeRole'], resources }));
  const wildcards = resources.filter((resource) => resource.includes('*'));
  if (wildcards.length > 0) {
    NagSuppressions.addResourceSuppressions(
      role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'Delegated-admin containment: the member role has one fixed name in every member account (memberAccounts.roleName) and the accounts are the organization\'s, not known at deploy time (memberAccounts.allowedAccounts narrows them); each member role trusts only this role.',
          appliesTo: wildcards.map((resource) => `Resource::${resource.replace(Aws.PARTITION, '<AWS::Partition>')}`),
        },
      ],
      true,
    );
  }
}
