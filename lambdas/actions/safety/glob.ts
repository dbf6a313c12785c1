/** `*` matches any run of characters (including `/` and `:`), everything else is literal; case-sensitive like IAM ARNs. */
export function globMatches(pattern: string, value: string): boolean {
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`).test(value);
}
