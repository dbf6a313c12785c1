/** `*` (any run) and `?` (one character) wildcards, case-sensitive, anchored: for ARNs and types in config. */
export function globToRegExp(pattern: string, flags = ''): RegExp {
  let source = '';
  for (const char of pattern) {
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, flags);
}
