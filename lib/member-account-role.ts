import { Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { ActionPermission } from '../lambdas/actions/action.js';
import { actionPermissions } from '../lambdas/actions/registry.js';
import type { MemberAccountsConfig } from '../lambdas/core/config/member-accounts-config.js';
import { FirebreakError, ValidationError } from '../lambdas/core/errors.js';
import type { LoadedConfig } from './config.js';
import { grantContainment } from './containment-policy.js';

/** CDK context naming the act function's role (the Firebreak stack's `ResponderRoleArn` output) the member role trusts. */
export const RESPONDER_ROLE_CONTEXT_KEY = 'firebreakResponderRoleArn';
/** The stack users deploy in every member account (e.g. with a service-managed StackSet). */
export const MEMBER_ROLE_STACK_ID = 'FirebreakMemberRole';

const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/[\w+=,.@/-]+$/;

export interface MemberAccountRoleProps {
  readonly memberAccounts: MemberAccountsConfig;
  /** ARN of the act function's role in the security account. */
  readonly responderRoleArn: string;
  /** @default the registry's (the same declarations the act function's own policy is built from) */
  readonly permissions?: readonly ActionPermission[];
}

/**
 * The role Firebreak's act function assumes in a member account (memberAccounts.roleName): the containment statements of
 * the action registry, as the act function has them at home, and a trust policy that admits only that function's role
 * (plus the external id, when configured).
 *
 * Trust is given to the security account with `aws:PrincipalArn` = the act role's ARN rather than to the role ARN as the
 * principal: IAM pins a role principal to the role's unique id, so a replaced act role would silently lose access.
 */
export class MemberAccountRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: MemberAccountRoleProps) {
    super(scope, id);
    const match = ROLE_ARN.exec(props.responderRoleArn);
    if (!match) {
      throw new ValidationError(`responder role ARN '${props.responderRoleArn}': expected arn:aws:iam::<12-digit account>:role/<name> (the Firebreak stack's ResponderRoleArn output)`);
    }
    const securityAccount = match[2]!;
    const { memberAccounts } = props;
    const conditions: Record<string, Record<string, string>> = { ArnEquals: { 'aws:PrincipalArn': props.responderRoleArn } };
    if (memberAccounts.externalId !== undefined) conditions.StringEquals = { 'sts:ExternalId': memberAccounts.externalId };

    this.role = new iam.Role(this, 'Role', {
      roleName: memberAccounts.roleName,
      description: `Firebreak containment, assumed by the responder in security account ${securityAccount}`,
      assumedBy: new iam.AccountPrincipal(securityAccount).withConditions(conditions),
      // Role chaining caps sessions at an hour anyway; the config's duration (900..3600) always fits.
    });
    grantContainment(this.role, props.permissions ?? actionPermissions());
  }
}

export interface MemberRoleStackProps extends StackProps {
  readonly config: LoadedConfig;
  readonly responderRoleArn: string;
}

/** `FirebreakMemberRole`: only the member role; environment-agnostic, so one template serves every member account. */
export class MemberRoleStack extends Stack {
  readonly memberRole: MemberAccountRole;

  constructor(scope: Construct, id: string, props: MemberRoleStackProps) {
    super(scope, id, { description: 'Firebreak: the role the security account\'s responder assumes to contain findings here', ...props });
    const memberAccounts = props.config.config.memberAccounts;
    if (!memberAccounts) {
      throw new FirebreakError(`${props.config.source}: memberAccounts is not configured, so no member role is needed (add "memberAccounts": {} to contain in member accounts)`);
    }
    this.memberRole = new MemberAccountRole(this, 'Responder', { memberAccounts, responderRoleArn: props.responderRoleArn });
  }
}
