import type { ConditionIR, ConstraintIR, FieldTestIR, SearchIR } from './sigma-ir.js';

/**
 * What a rule requires of one field (eventName, eventSource ...) for it to possibly match, derived from its condition.
 * Sound by construction: `not` yields "any", `and` keeps the tighter side, `or` unions. Used for the rule index and for
 * the EventBridge patterns.
 */
const ANY: ConstraintIR = { kind: 'any' };

function mapConstraint(map: FieldTestIR[], field: string): ConstraintIR {
  const test = map.find((t) => t.field === field && !t.all);
  if (!test) return ANY;
  const exact: string[] = [];
  const prefixes: string[] = [];
  for (const t of test.tests) {
    if (t.op === 'eq') exact.push(t.original);
    else if (t.op === 'startswith') prefixes.push(t.original);
    else return ANY;
  }
  return { kind: 'values', exact, prefixes };
}

function union(parts: ConstraintIR[]): ConstraintIR {
  if (parts.some((p) => p.kind === 'any')) return ANY;
  const values = parts as Extract<ConstraintIR, { kind: 'values' }>[];
  return { kind: 'values', exact: [...new Set(values.flatMap((p) => p.exact))], prefixes: [...new Set(values.flatMap((p) => p.prefixes))] };
}

/** Sound narrowing for AND: the tighter side is a superset of the intersection. */
function narrow(parts: ConstraintIR[]): ConstraintIR {
  const values = parts.filter((p): p is Extract<ConstraintIR, { kind: 'values' }> => p.kind === 'values');
  if (values.length === 0) return ANY;
  return values.reduce((best, p) => (p.exact.length + p.prefixes.length * 10 < best.exact.length + best.prefixes.length * 10 ? p : best));
}

export function constraintOf(condition: ConditionIR, searches: Record<string, SearchIR>, field: string): ConstraintIR {
  switch (condition.op) {
    case 'ref':
      return union(searches[condition.name]!.maps.map((m) => mapConstraint(m, field)));
    case 'not':
      return ANY;
    case 'and':
      return narrow(condition.args.map((a) => constraintOf(a, searches, field)));
    case 'or':
      return union(condition.args.map((a) => constraintOf(a, searches, field)));
    case 'of': {
      const parts = condition.names.map((name) => constraintOf({ op: 'ref', name }, searches, field));
      return condition.quantifier === 'all' ? narrow(parts) : union(parts);
    }
  }
}

