import type { ConditionIR } from './sigma-ir.js';

/** Parses a Sigma condition (`selection and not 1 of filter_*`) against the rule's search identifiers. */
export function parseSigmaCondition(text: string, identifiers: readonly string[]): ConditionIR {
  if (text.includes('|')) {
    throw new Error(`condition '${text}': aggregation expressions ('| count() ...') are deprecated Sigma; write a correlation rule`);
  }
  const tokens = text.match(/\(|\)|[^\s()]+/g) ?? [];
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => tokens[pos++];
  const fail = (message: string): never => {
    throw new Error(`condition '${text}': ${message}`);
  };

  const expand = (pattern: string): string[] => {
    if (pattern === 'them') return identifiers.filter((id) => !id.startsWith('_'));
    if (!pattern.includes('*')) {
      if (!identifiers.includes(pattern)) fail(`unknown search identifier '${pattern}'`);
      return [pattern];
    }
    const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    const names = identifiers.filter((id) => regex.test(id));
    if (names.length === 0) fail(`'${pattern}' matches no search identifier`);
    return names;
  };

  const primary = (): ConditionIR => {
    const token = next();
    if (token === undefined) return fail('unexpected end');
    if (token === '(') {
      const inner = orExpr();
      if (next() !== ')') fail('missing )');
      return inner;
    }
    const lower = token.toLowerCase();
    if ((lower === '1' || lower === 'all' || lower === 'any') && peek()?.toLowerCase() === 'of') {
      next();
      const target = next();
      if (!target) return fail(`'${token} of' needs a target`);
      return { op: 'of', quantifier: lower === 'all' ? 'all' : 'any', names: expand(target) };
    }
    if (['and', 'or', 'not', ')'].includes(lower)) return fail(`unexpected '${token}'`);
    return { op: 'ref', name: expand(token)[0]! };
  };
  const notExpr = (): ConditionIR => {
    if (peek()?.toLowerCase() === 'not') {
      next();
      return { op: 'not', arg: notExpr() };
    }
    return primary();
  };
  const andExpr = (): ConditionIR => {
    const args = [notExpr()];
    while (peek()?.toLowerCase() === 'and') {
      next();
      args.push(notExpr());
    }
    return args.length === 1 ? args[0]! : { op: 'and', args };
  };
  function orExpr(): ConditionIR {
    const args = [andExpr()];
    while (peek()?.toLowerCase() === 'or') {
      next();
      args.push(andExpr());
    }
    return args.length === 1 ? args[0]! : { op: 'or', args };
  }
  const result = orExpr();
  if (pos < tokens.length) fail(`unexpected '${tokens[pos]}'`);
  return result;
}
