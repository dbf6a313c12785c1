/**
 * IPv4/IPv6 CIDR membership, precompiled: used by Sigma's `|cidr` modifier and by the allowlisted-CIDR score adjustment.
 * A CIDR that does not parse throws at compile time (rules, config), never at match time.
 */
export type CidrMatcher = (ip: string) => boolean;

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  let input = text;
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hextets.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(input);
  if (v4?.[1]) {
    const n = parseIpv4(v4[1]);
    if (n === undefined) return undefined;
    input = `${input.slice(0, -v4[1].length)}${((n >> 16n) & 0xffffn).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const halves = input.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 0) return undefined;
  const groups = [...head, ...Array<string>(Math.max(0, missing)).fill('0'), ...tail];
  let value = 0n;
  for (const group of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    value = (value << 16n) | BigInt(parseInt(group, 16));
  }
  return value;
}

export function parseIp(text: string): { version: 4 | 6; value: bigint } | undefined {
  if (text.includes(':')) {
    const value = parseIpv6(text);
    return value === undefined ? undefined : { version: 6, value };
  }
  const value = parseIpv4(text);
  return value === undefined ? undefined : { version: 4, value };
}

export function compileCidr(cidr: string): CidrMatcher {
  const [address, bitsText] = cidr.split('/');
  const network = address ? parseIp(address) : undefined;
  const width = network?.version === 6 ? 128 : 32;
  const bits = bitsText === undefined ? width : Number(bitsText);
  if (!network || !Number.isInteger(bits) || bits < 0 || bits > width) throw new Error(`invalid CIDR '${cidr}'`);
  const shift = BigInt(width - bits);
  const prefix = network.value >> shift;
  return (ip: string) => {
    const parsed = parseIp(ip);
    return parsed !== undefined && parsed.version === network.version && parsed.value >> shift === prefix;
  };
}

export function compileCidrs(cidrs: readonly string[]): CidrMatcher {
  const matchers = cidrs.map(compileCidr);
  return (ip: string) => matchers.some((match) => match(ip));
}
