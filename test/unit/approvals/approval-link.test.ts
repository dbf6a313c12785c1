import { describe, expect, it } from 'vitest';
import { approvalKeyOf, approvalUrl, newApprovalId, signApprovalLink, verifyApprovalLink } from '../../../lambdas/core/incidents/approval-link.js';

const SECRET = 'k'.repeat(48);

describe('approval links', () => {
  it('makes 256-bit URL-safe ids, stored only as their SHA-256', () => {
    const ids = new Set(Array.from({ length: 100 }, () => newApprovalId()));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [id] = ids;
    expect(approvalKeyOf(id!)).toMatch(/^[0-9a-f]{64}$/);
    expect(approvalKeyOf(id!)).not.toContain(id!);
  });

  it('verifies its own signature and refuses any change of id, expiry, signature or key', () => {
    const fields = { approvalId: newApprovalId(), validUntil: 1_800_000_000 };
    const signature = signApprovalLink(SECRET, fields);

    expect(verifyApprovalLink(SECRET, fields, signature)).toBe(true);
    expect(verifyApprovalLink(SECRET, { ...fields, validUntil: fields.validUntil + 1 }, signature)).toBe(false);
    expect(verifyApprovalLink(SECRET, { ...fields, approvalId: newApprovalId() }, signature)).toBe(false);
    expect(verifyApprovalLink('other'.repeat(10), fields, signature)).toBe(false);
    expect(verifyApprovalLink(SECRET, fields, signature.slice(0, -2))).toBe(false);
    expect(verifyApprovalLink(SECRET, fields, '')).toBe(false);
  });

  it('builds the link from the endpoint URL, id, expiry and signature only', () => {
    const url = new URL(approvalUrl('https://x.lambda-url.eu-west-1.on.aws/', { approvalId: 'abc', validUntil: 5 }, 'sig'));
    expect([...url.searchParams.keys()]).toEqual(['id', 'exp', 'sig']);
    expect(url.toString()).toBe('https://x.lambda-url.eu-west-1.on.aws/?id=abc&exp=5&sig=sig');
  });
});
