import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lambdas/core/errors.js';
import { compileEventPattern, explainMismatch, matchesEventPattern } from '../../../lib/local/event-pattern-matcher.js';

// Patterns and events follow the examples of the EventBridge user guide ("Content filtering in Amazon EventBridge event
// patterns", "Comparison operators for use in event patterns", "Matching events on null values and empty strings").

const ec2StateChange = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

function withDetail(detail: Record<string, unknown>): Record<string, unknown> {
  return { ...ec2StateChange, detail };
}

describe('exact values and structure', () => {
  it('matches when every key matches and ignores fields the pattern does not name', () => {
    // Prepare
    const pattern = { source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'], detail: { state: ['terminated'] } };
    // Act
    const matched = matchesEventPattern(pattern, ec2StateChange);
    // Assert
    expect(matched).toBe(true);
  });

  it('does not match when one key differs (AND across keys) and is case-sensitive', () => {
    expect(matchesEventPattern({ source: ['aws.ec2'], detail: { state: ['running'] } }, ec2StateChange)).toBe(false);
    expect(matchesEventPattern({ source: ['AWS.EC2'] }, ec2StateChange)).toBe(false);
  });

  it('matches any of the values listed for one key (OR within a key)', () => {
    expect(matchesEventPattern({ detail: { state: ['running', 'terminated'] } }, ec2StateChange)).toBe(true);
    expect(matchesEventPattern({ detail: { state: ['running', 'stopped'] } }, ec2StateChange)).toBe(false);
  });

  it('requires the field to exist: a missing field never equals a value', () => {
    expect(matchesEventPattern({ detail: { reason: ['terminated'] } }, ec2StateChange)).toBe(false);
    expect(matchesEventPattern({ nothere: { state: ['terminated'] } }, ec2StateChange)).toBe(false);
  });

  it('does not treat a nested object as a leaf value, nor a leaf as an object', () => {
    expect(matchesEventPattern({ detail: ['terminated'] }, ec2StateChange)).toBe(false);
    expect(matchesEventPattern({ source: { inner: ['x'] } }, ec2StateChange)).toBe(false);
  });

  it('matches numbers and booleans by value and type', () => {
    const event = withDetail({ count: 5, enabled: true, code: '5' });
    expect(matchesEventPattern({ detail: { count: [5], enabled: [true] } }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { count: ['5'] } }, event)).toBe(false);
    expect(matchesEventPattern({ detail: { code: [5] } }, event)).toBe(false);
    expect(matchesEventPattern({ detail: { enabled: [false] } }, event)).toBe(false);
  });

  it('an empty pattern matches every event; a non-object event matches nothing', () => {
    expect(matchesEventPattern({}, ec2StateChange)).toBe(true);
    expect(matchesEventPattern({}, 'not an event')).toBe(false);
  });

  it('accepts the pattern as a JSON string (as CloudFormation stores it)', () => {
    expect(matchesEventPattern(JSON.stringify({ source: ['aws.ec2'] }), ec2StateChange)).toBe(true);
  });
});

describe('arrays in events', () => {
  const event = {
    ...ec2StateChange,
    resources: [
      'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
      'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
    ],
  };

  it('matches when any element of the event array matches', () => {
    const pattern = { resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f', 'arn:aws:ec2:us-east-1:000000000000:instance/i-x'] };
    expect(matchesEventPattern(pattern, event)).toBe(true);
  });

  it('does not match when no element does', () => {
    expect(matchesEventPattern({ resources: ['arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f'] }, event)).toBe(false);
  });

  it('matches arrays of objects element by element (fields must come from the same element)', () => {
    const findings = withDetail({ findings: [{ ProductName: 'GuardDuty', Severity: { Label: 'LOW' } }, { ProductName: 'Inspector', Severity: { Label: 'HIGH' } }] });
    expect(matchesEventPattern({ detail: { findings: { ProductName: ['Inspector'], Severity: { Label: ['HIGH'] } } } }, findings)).toBe(true);
    expect(matchesEventPattern({ detail: { findings: { ProductName: ['GuardDuty'], Severity: { Label: ['HIGH'] } } } }, findings)).toBe(false);
  });
});

describe('null values and empty strings', () => {
  const event = withDetail({ eventVersion: '', responseElements: null });

  it('matches an empty string and a null value where the pattern asks for them', () => {
    expect(matchesEventPattern({ detail: { eventVersion: [''] } }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { responseElements: [null] } }, event)).toBe(true);
  });

  it('does not treat null and the empty string as interchangeable, and a missing field is neither', () => {
    expect(matchesEventPattern({ detail: { eventVersion: [null] } }, event)).toBe(false);
    expect(matchesEventPattern({ detail: { responseElements: [''] } }, event)).toBe(false);
    expect(matchesEventPattern({ detail: { missing: [null] } }, event)).toBe(false);
  });
});

describe('prefix and suffix', () => {
  const event = withDetail({ service: 'EventBridge', FileName: 'image.PNG', time: '2017-10-02T18:43:48Z' });

  it('prefix matches the start of a string value', () => {
    expect(matchesEventPattern({ detail: { time: [{ prefix: '2017-10-02' }] } }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { time: [{ prefix: '2017-10-03' }] } }, event)).toBe(false);
  });

  it('prefix with equals-ignore-case ignores the case of the start', () => {
    expect(matchesEventPattern({ detail: { service: [{ prefix: { 'equals-ignore-case': 'eventb' } }] } }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { service: [{ prefix: { 'equals-ignore-case': 'eventx' } }] } }, event)).toBe(false);
    expect(matchesEventPattern({ detail: { service: [{ prefix: 'eventb' }] } }, event)).toBe(false);
  });

  it('suffix matches the end, and suffix with equals-ignore-case ignores its case', () => {
    expect(matchesEventPattern({ detail: { FileName: [{ suffix: '.PNG' }] } }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { FileName: [{ suffix: '.png' }] } }, event)).toBe(false);
    expect(matchesEventPattern({ detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { FileName: [{ suffix: { 'equals-ignore-case': '.jpg' } }] } }, event)).toBe(false);
  });

  it('prefix never matches a number', () => {
    expect(matchesEventPattern({ detail: { n: [{ prefix: '1' }] } }, withDetail({ n: 12 }))).toBe(false);
  });
});

describe('equals-ignore-case', () => {
  it('matches a value in any casing', () => {
    expect(matchesEventPattern({ 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state-change notification' }] }, ec2StateChange)).toBe(true);
  });

  it('does not match a different value', () => {
    expect(matchesEventPattern({ 'detail-type': [{ 'equals-ignore-case': 'ec2 instance launch' }] }, ec2StateChange)).toBe(false);
  });
});

describe('wildcard', () => {
  const event = withDetail({ EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/myEventBus', path: 'dir/*/file' });

  it('matches any run of characters at each star', () => {
    expect(matchesEventPattern({ detail: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] } }, event)).toBe(true);
  });

  it('does not match when the literal parts differ', () => {
    expect(matchesEventPattern({ detail: { EventBusArn: [{ wildcard: 'arn:aws:events:us-west-2:*:event-bus/*' }] } }, event)).toBe(false);
  });

  it('treats \\* as a literal star', () => {
    expect(matchesEventPattern({ detail: { path: [{ wildcard: 'dir/\\*/file' }] } }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { path: [{ wildcard: 'dir/\\*/x' }] } }, event)).toBe(false);
  });
});

describe('anything-but', () => {
  it('matches any value other than a string or a number', () => {
    expect(matchesEventPattern({ detail: { state: [{ 'anything-but': 'initializing' }] } }, ec2StateChange)).toBe(true);
    expect(matchesEventPattern({ detail: { state: [{ 'anything-but': 'terminated' }] } }, ec2StateChange)).toBe(false);
    expect(matchesEventPattern({ detail: { 'x-limit': [{ 'anything-but': 123 }] } }, withDetail({ 'x-limit': 124 }))).toBe(true);
    expect(matchesEventPattern({ detail: { 'x-limit': [{ 'anything-but': 123 }] } }, withDetail({ 'x-limit': 123 }))).toBe(false);
  });

  it('excludes every value of a list', () => {
    const pattern = { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } };
    expect(matchesEventPattern(pattern, withDetail({ state: 'running' }))).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ state: 'overloaded' }))).toBe(false);
  });

  it('does not match a missing field', () => {
    expect(matchesEventPattern({ detail: { reason: [{ 'anything-but': 'x' }] } }, ec2StateChange)).toBe(false);
  });

  it('excludes a prefix, a suffix and a wildcard', () => {
    expect(matchesEventPattern({ region: [{ 'anything-but': { prefix: 'us-' } }] }, { ...ec2StateChange, region: 'eu-west-1' })).toBe(true);
    expect(matchesEventPattern({ region: [{ 'anything-but': { prefix: 'us-' } }] }, ec2StateChange)).toBe(false);
    expect(matchesEventPattern({ detail: { FileName: [{ 'anything-but': { suffix: '.png' } }] } }, withDetail({ FileName: 'a.txt' }))).toBe(true);
    expect(matchesEventPattern({ detail: { FileName: [{ 'anything-but': { suffix: '.png' } }] } }, withDetail({ FileName: 'a.png' }))).toBe(false);
    expect(matchesEventPattern({ detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } }, withDetail({ FilePath: '/usr/bin/x' }))).toBe(true);
    expect(matchesEventPattern({ detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } }, withDetail({ FilePath: '/usr/lib/x' }))).toBe(false);
  });

  it('excludes a list of prefixes and a value in any casing', () => {
    const prefixes = { region: [{ 'anything-but': { prefix: ['us-', 'eu-'] } }] };
    expect(matchesEventPattern(prefixes, { ...ec2StateChange, region: 'ap-south-1' })).toBe(true);
    expect(matchesEventPattern(prefixes, { ...ec2StateChange, region: 'eu-west-1' })).toBe(false);
    const ignoreCase = { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] } };
    expect(matchesEventPattern(ignoreCase, withDetail({ state: 'running' }))).toBe(true);
    expect(matchesEventPattern(ignoreCase, withDetail({ state: 'INITIALIZING' }))).toBe(false);
  });
});

describe('numeric', () => {
  const pattern = {
    detail: {
      'c-count': [{ numeric: ['>', 0, '<=', 5] }],
      'd-count': [{ numeric: ['<', 10] }],
      'x-limit': [{ numeric: ['=', 3.018e2] }],
    },
  };

  it('matches values inside every range', () => {
    expect(matchesEventPattern(pattern, withDetail({ 'c-count': 5, 'd-count': 7, 'x-limit': 301.8 }))).toBe(true);
  });

  it('does not match a value outside a range, or a numeric string', () => {
    expect(matchesEventPattern(pattern, withDetail({ 'c-count': 0, 'd-count': 7, 'x-limit': 301.8 }))).toBe(false);
    expect(matchesEventPattern(pattern, withDetail({ 'c-count': 5, 'd-count': 10, 'x-limit': 301.8 }))).toBe(false);
    expect(matchesEventPattern(pattern, withDetail({ 'c-count': '5', 'd-count': 7, 'x-limit': 301.8 }))).toBe(false);
  });

  it('matches GuardDuty severities at the range edges', () => {
    const high = { detail: { severity: [{ numeric: ['>=', 7] }] } };
    expect(matchesEventPattern(high, withDetail({ severity: 7 }))).toBe(true);
    expect(matchesEventPattern(high, withDetail({ severity: 6.9 }))).toBe(false);
  });
});

describe('exists', () => {
  it('exists true matches a present leaf (even null) and not a missing one', () => {
    const pattern = { detail: { state: [{ exists: true }] } };
    expect(matchesEventPattern(pattern, ec2StateChange)).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ state: null }))).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({}))).toBe(false);
  });

  it('exists false matches a missing field (also under a missing parent) and not a present one', () => {
    const pattern = { detail: { errorCode: [{ exists: false }] } };
    expect(matchesEventPattern(pattern, ec2StateChange)).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ errorCode: 'AccessDenied' }))).toBe(false);
    expect(matchesEventPattern({ other: { errorCode: [{ exists: false }] } }, ec2StateChange)).toBe(true);
  });

  it('works on leaf nodes only: an object is not an existing leaf', () => {
    expect(matchesEventPattern({ detail: [{ exists: true }] }, ec2StateChange)).toBe(false);
  });
});

describe('cidr', () => {
  const event = withDetail({ sourceIPAddress: '10.0.0.255', v6: '2001:db8::1' });

  it('matches an IPv4 or IPv6 address inside the block', () => {
    expect(matchesEventPattern({ detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { v6: [{ cidr: '2001:db8::/32' }] } }, event)).toBe(true);
  });

  it('does not match an address outside the block, a non-IP string, or the other IP family', () => {
    expect(matchesEventPattern({ detail: { sourceIPAddress: [{ cidr: '10.0.1.0/24' }] } }, event)).toBe(false);
    expect(matchesEventPattern({ detail: { v6: [{ cidr: '2001:db9::/32' }] } }, event)).toBe(false);
    expect(matchesEventPattern({ detail: { sourceIPAddress: [{ cidr: '10.0.0.0/8' }] } }, withDetail({ sourceIPAddress: 'ec2.amazonaws.com' }))).toBe(false);
    expect(matchesEventPattern({ detail: { sourceIPAddress: [{ cidr: '::/0' }] } }, event)).toBe(false);
  });
});

describe('$or', () => {
  const pattern = {
    detail: {
      $or: [{ 'c-count': [{ numeric: ['>', 0, '<=', 5] }] }, { 'd-count': [{ numeric: ['<', 10] }] }, { 'x-limit': [{ numeric: ['=', 3.018e2] }] }],
    },
  };

  it('matches when any branch matches', () => {
    expect(matchesEventPattern(pattern, withDetail({ 'd-count': 3 }))).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ 'x-limit': 301.8 }))).toBe(true);
  });

  it('does not match when no branch matches; other keys still AND with it', () => {
    expect(matchesEventPattern(pattern, withDetail({ 'c-count': 9, 'd-count': 10 }))).toBe(false);
    const mixed = { source: ['aws.s3'], $or: [{ region: ['us-west-1'] }, { account: ['1'] }] };
    expect(matchesEventPattern(mixed, ec2StateChange)).toBe(false);
    expect(matchesEventPattern({ ...mixed, source: ['aws.ec2'] }, ec2StateChange)).toBe(true);
  });
});

describe('the shapes the generated CloudTrail patterns use (disjoint partition)', () => {
  // "Not Root, or no type at all": anything-but alone never matches a missing field, so the exclusion is a $or under the
  // field's parent object, beside other keys and beside a $or one level up.
  const pattern = {
    'detail-type': ['AWS API Call via CloudTrail'],
    detail: {
      eventName: [{ prefix: 'Create' }, 'DeleteUser'],
      userIdentity: { $or: [{ type: [{ 'anything-but': ['Root'] }] }, { type: [{ exists: false }] }] },
      $or: [{ eventSource: [{ 'anything-but': ['iam.amazonaws.com', 'sts.amazonaws.com'] }] }, { eventSource: [{ exists: false }] }],
    },
  };
  const call = (detail: Record<string, unknown>) => ({ ...ec2StateChange, 'detail-type': 'AWS API Call via CloudTrail', detail });

  it('matches a listed name from another source by a non-root identity, also with no type or no userIdentity at all', () => {
    expect(matchesEventPattern(pattern, call({ eventSource: 'ec2.amazonaws.com', eventName: 'CreateVolume', userIdentity: { type: 'IAMUser' } }))).toBe(true);
    expect(matchesEventPattern(pattern, call({ eventSource: 'ec2.amazonaws.com', eventName: 'DeleteUser', userIdentity: { invokedBy: 'AWS Internal' } }))).toBe(true);
    expect(matchesEventPattern(pattern, call({ eventName: 'CreateVolume' }))).toBe(true);
  });

  it('does not match the excluded identity, an excluded source, or an unlisted name', () => {
    expect(matchesEventPattern(pattern, call({ eventSource: 'ec2.amazonaws.com', eventName: 'CreateVolume', userIdentity: { type: 'Root' } }))).toBe(false);
    expect(matchesEventPattern(pattern, call({ eventSource: 'iam.amazonaws.com', eventName: 'CreateUser', userIdentity: { type: 'IAMUser' } }))).toBe(false);
    expect(matchesEventPattern(pattern, call({ eventSource: 'ec2.amazonaws.com', eventName: 'DescribeVolumes', userIdentity: { type: 'IAMUser' } }))).toBe(false);
  });

  it('anything-but a list of names selects exactly the names a listed-names pattern does not', () => {
    const listed = { detail: { eventName: ['GetSecretValue', 'ListUsers'] } };
    const others = { detail: { eventName: [{ 'anything-but': ['GetSecretValue', 'ListUsers'] }] } };
    for (const eventName of ['GetSecretValue', 'ListUsers', 'CreateUser', '']) {
      const event = withDetail({ eventName });
      expect(matchesEventPattern(listed, event) !== matchesEventPattern(others, event)).toBe(true);
    }
    expect(explainMismatch(others, withDetail({ eventName: 'ListUsers' }))).toMatch(/^detail\.eventName: expected \[\{"anything-but"/);
  });
});

describe('invalid patterns fail at compile time with the path', () => {
  it.each([
    [{ detail: { state: 'terminated' } }, 'detail.state'],
    [{ detail: { state: [] } }, 'detail.state'],
    [{ detail: { state: [{ contains: 'x' }] } }, "unsupported operator 'contains'"],
    [{ detail: { n: [{ numeric: ['>>', 1] }] } }, 'detail.n.0.numeric.0'],
    [{ detail: { ip: [{ cidr: '10.0.0.0/33' }] } }, 'not a CIDR block'],
    [{ $or: [{ a: ['x'] }] }, '$or'],
    [{ a: [{ prefix: 'x', suffix: 'y' }] }, 'exactly one operator'],
  ])('rejects %j', (pattern, expected) => {
    // Act
    const compile = () => compileEventPattern(pattern);
    // Assert
    expect(compile).toThrow(ValidationError);
    expect(compile).toThrow(expected);
  });

  it('rejects a pattern string that is not JSON', () => {
    expect(() => compileEventPattern('{source:')).toThrow(/not JSON/);
  });
});

describe('explainMismatch', () => {
  it('names the first failing field with what the pattern expects and what the event has', () => {
    // Prepare
    const pattern = { source: ['aws.ec2'], detail: { state: ['running', 'pending'] } };
    // Act
    const reason = explainMismatch(pattern, ec2StateChange);
    // Assert
    expect(reason).toBe('detail.state: expected ["running","pending"], the event has "terminated"');
  });

  it('says when a field is missing and returns undefined for a match', () => {
    expect(explainMismatch({ detail: { reason: ['x'] } }, ec2StateChange)).toBe('detail.reason: expected ["x"], the event has no such field');
    expect(explainMismatch({ source: ['aws.ec2'] }, ec2StateChange)).toBeUndefined();
  });

  it('reports a failing $or as a whole', () => {
    expect(explainMismatch({ detail: { $or: [{ a: ['1'] }, { b: ['2'] }] } }, ec2StateChange)).toBe('detail: none of the $or alternatives match');
  });
});
