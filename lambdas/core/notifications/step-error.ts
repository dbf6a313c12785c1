/**
 * The readable error of a playbook outcome. Step Functions passes a Catch's `{Error, Cause}` (under `error`, `rejection` or
 * `timeout` in Firebreak's playbooks); a Lambda's Cause is itself JSON `{errorType, errorMessage}`, of which the message is kept.
 */
export function stepErrorText(detail: unknown, maxLength = 300): string {
  if (typeof detail === 'string') return detail.slice(0, maxLength);
  if (!detail || typeof detail !== 'object') return '';
  const record = detail as Record<string, unknown>;
  const caught = ['error', 'rejection', 'timeout', 'approvalTimeout'].map((key) => record[key]).find((value) => value && typeof value === 'object') as
    | Record<string, unknown>
    | undefined;
  const source = record.Error !== undefined || record.Cause !== undefined ? record : caught;
  if (!source) return '';
  const name = source.Error ?? source.error;
  let cause: unknown = source.Cause ?? source.cause;
  if (typeof cause === 'string') {
    try {
      const parsed = JSON.parse(cause) as { errorMessage?: unknown };
      if (typeof parsed.errorMessage === 'string') cause = parsed.errorMessage;
    } catch {
      // not JSON: the text as is
    }
  } else if (cause !== undefined) {
    cause = JSON.stringify(cause);
  }
  return [name, cause]
    .filter((part) => part !== undefined && part !== '')
    .map(String)
    .join(': ')
    .slice(0, maxLength);
}
