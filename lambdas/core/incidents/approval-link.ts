import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/*
 * An approval link carries an opaque one-time id, its expiry and an HMAC over both; never the Step Functions task token.
 * The id is stored only as its SHA-256 (the approval key), so a table read does not yield working links, and the HMAC lets the
 * endpoint refuse forged or tampered links before touching the table.
 */

export interface ApprovalLinkFields {
  readonly approvalId: string;
  /** Epoch seconds after which the link is refused. */
  readonly validUntil: number;
}

/** 256 random bits, URL-safe. */
export function newApprovalId(): string {
  return randomBytes(32).toString('base64url');
}

/** What the table stores and the timeline names (first characters only): the id's SHA-256. */
export function approvalKeyOf(approvalId: string): string {
  return createHash('sha256').update(approvalId).digest('hex');
}

function payload(fields: ApprovalLinkFields): string {
  return `firebreak-approval-v1\n${fields.approvalId}\n${fields.validUntil}`;
}

export function signApprovalLink(secret: string, fields: ApprovalLinkFields): string {
  return createHmac('sha256', secret).update(payload(fields)).digest('base64url');
}

/** Constant-time check of a link's signature. */
export function verifyApprovalLink(secret: string, fields: ApprovalLinkFields, signature: string): boolean {
  const expected = Buffer.from(signApprovalLink(secret, fields), 'base64url');
  const given = Buffer.from(signature, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function approvalUrl(baseUrl: string, fields: ApprovalLinkFields, signature: string): string {
  const url = new URL(baseUrl);
  url.searchParams.set('id', fields.approvalId);
  url.searchParams.set('exp', String(fields.validUntil));
  url.searchParams.set('sig', signature);
  return url.toString();
}
