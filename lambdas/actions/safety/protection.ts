import type { Allowlists } from '../action.js';
import { globMatches } from './glob.js';

/** What an action is about to touch, as far as the allowlists care. */
export interface ProtectionSubject {
  /** Every ARN that names the principal (user ARN, role ARN, assumed-role session ARN). */
  readonly principalArns?: readonly (string | undefined)[];
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * Fail closed: returns the refusal reason when the subject is allowlisted or carries a protected tag, otherwise undefined.
 * A protected tag entry's value may use `*` globs (`{key: "firebreak:protected", value: "*"}` protects any value).
 */
export function refusalReason(subject: ProtectionSubject, allowlists: Allowlists): string | undefined {
  for (const arn of subject.principalArns ?? []) {
    if (!arn) continue;
    const pattern = allowlists.principals.find((p) => globMatches(p, arn));
    if (pattern) return `principal ${arn} is allowlisted (allowlists.principals: ${pattern})`;
  }
  for (const [key, value] of Object.entries(subject.tags ?? {})) {
    const rule = allowlists.resourceTags.find((t) => t.key === key && globMatches(t.value, value));
    if (rule) return `resource carries protected tag ${key}=${value} (allowlists.resourceTags)`;
  }
  return undefined;
}

/** AWS tag lists (`[{Key, Value}]`) as a record. */
export function tagRecord(tags: readonly { Key?: string; Value?: string }[] | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  for (const tag of tags ?? []) if (tag.Key !== undefined) record[tag.Key] = tag.Value ?? '';
  return record;
}
