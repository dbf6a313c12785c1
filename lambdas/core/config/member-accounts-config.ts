import { z } from 'zod';

/** An AWS account id: exactly 12 digits (leading zeros are part of it, so it stays a string). */
export const AccountIdSchema = z.string().regex(/^\d{12}$/, { message: 'expected a 12-digit AWS account id' });

/** IAM role names: 1..64 of `[\w+=,.@-]` (no path: the act function builds `arn:<partition>:iam::<account>:role/<name>`). */
const RoleNameSchema = z
  .string()
  .regex(/^[\w+=,.@-]{1,64}$/, { message: 'expected an IAM role name (1-64 letters, digits or +=,.@_-, no path)' });

/** STS ExternalId: 2..1224 of `[\w+=,.@:/-]`. */
const ExternalIdSchema = z
  .string()
  .regex(/^[\w+=,.@:/-]{2,1224}$/, { message: 'expected an STS external id (2-1224 letters, digits or +=,.@:/_-)' });

/** The role the member-account stack creates and the act function assumes when `roleName` is not given. */
export const DEFAULT_MEMBER_ROLE_NAME = 'FirebreakResponder';
/** Containment steps are short; 15 minutes (STS's minimum) limits what leaked session credentials could do. */
export const DEFAULT_SESSION_DURATION_SECONDS = 900;

/**
 * Delegated-admin deployments: Firebreak runs in the security account and contains findings of member accounts by assuming
 * `roleName` there (lib/member-account-role.ts creates it). Every setting has an effect: `roleName` is the role assumed (and
 * the only role the act function may assume), `externalId` is sent with AssumeRole and required by the role's trust policy,
 * `allowedAccounts` limits both the accounts the act function is allowed to assume into (IAM) and the accounts it tries
 * (refused before any STS call), `sessionDurationSeconds` is the AssumeRole DurationSeconds. Without this section, Firebreak
 * acts only in its own account and skips findings of any other.
 */
export const MemberAccountsConfigSchema = z.strictObject({
  roleName: RoleNameSchema.default(DEFAULT_MEMBER_ROLE_NAME),
  externalId: ExternalIdSchema.optional(),
  /** Member accounts containment may act in; empty = any account whose role trusts this deployment. */
  allowedAccounts: z
    .array(AccountIdSchema)
    .default([])
    .refine((ids) => new Set(ids).size === ids.length, { message: 'lists an account more than once' }),
  /**
   * The Lambda's own credentials are an assumed role already, so this is role chaining: STS refuses more than an hour.
   */
  sessionDurationSeconds: z.number().int().min(900).max(3600).default(DEFAULT_SESSION_DURATION_SECONDS),
});
export type MemberAccountsConfig = z.infer<typeof MemberAccountsConfigSchema>;
