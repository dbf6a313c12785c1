import {
  DeleteBucketPolicyCommand,
  DeletePublicAccessBlockCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetPublicAccessBlockCommand,
  PutBucketPolicyCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand,
  PutPublicAccessBlockCommand as PutAccountPublicAccessBlockCommand,
  S3ControlClient,
} from '@aws-sdk/client-s3-control';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { blockAccountPublicAccess } from '../../../../lambdas/actions/s3/block-account-public-access.js';
import { BLOCK_ALL, blockBucketPublicAccess } from '../../../../lambdas/actions/s3/block-public-access.js';
import { isPublicStatement, removePublicPolicyStatements } from '../../../../lambdas/actions/s3/remove-public-policy-statements.js';
import { ACCOUNT, actionContext, doneRecord, finding, sentRequests } from '../action-test-kit.js';

const s3 = mockClient(S3Client);
const s3Control = mockClient(S3ControlClient);
const BUCKET = 'example-data-bucket';
const bucketFinding = finding({
  type: 'Policy:S3/BucketPublicAccessGranted',
  resourceClass: 'S3Bucket',
  resources: [{ type: 'AWS::S3::Bucket', id: BUCKET, arn: `arn:aws:s3:::${BUCKET}`, tags: {}, details: { bucketName: BUCKET } }],
});
const params = { bucketName: BUCKET, tags: {} };
const error = (name: string) => Object.assign(new Error(name), { name });

const PUBLIC_READ = { Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` };
const ORG_ONLY = { Sid: 'OrgRead', Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*`, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } };
const DENY_HTTP = { Sid: 'DenyHttp', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: `arn:aws:s3:::${BUCKET}/*`, Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
const POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [PUBLIC_READ, ORG_ONLY, DENY_HTTP] });
const WITHOUT_PUBLIC = JSON.stringify({ Version: '2012-10-17', Statement: [ORG_ONLY, DENY_HTTP] });

describe('S3 exposure actions', () => {
  beforeEach(() => {
    s3.reset();
    s3Control.reset();
    s3.on(GetBucketTaggingCommand).rejects(error('NoSuchTagSet'));
  });

  describe('s3/block-public-access', () => {
    it('derives the bucket from the finding, puts all four settings, records there were none', async () => {
      // Prepare
      s3.on(GetPublicAccessBlockCommand).rejects(error('NoSuchPublicAccessBlockConfiguration'));
      // Act
      const result = await blockBucketPublicAccess.execute(blockBucketPublicAccess.paramsFromFinding(bucketFinding)!, actionContext());
      // Assert
      expect(sentRequests(s3)).toEqual([
        ['GetBucketTagging', { Bucket: BUCKET }],
        ['GetPublicAccessBlock', { Bucket: BUCKET }],
        ['PutPublicAccessBlock', { Bucket: BUCKET, PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } }],
      ]);
      expect(result).toMatchObject({ status: 'done', priorState: { bucketName: BUCKET, configuration: null } });
    });

    it('second run is already contained; a protected tag refuses; a missing bucket is skipped', async () => {
      // Prepare
      s3.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: BLOCK_ALL });
      // Act
      const second = await blockBucketPublicAccess.execute(params, actionContext());
      s3.on(GetBucketTaggingCommand).resolves({ TagSet: [{ Key: 'public-website', Value: 'true' }] });
      const protectedBucket = await blockBucketPublicAccess.execute(params, actionContext({ allowlists: { principals: [], cidrs: [], resourceTags: [{ key: 'public-website', value: 'true' }] } }));
      s3.on(GetBucketTaggingCommand).rejects(error('NoSuchBucket'));
      const missing = await blockBucketPublicAccess.execute(params, actionContext());
      // Assert
      expect(second).toMatchObject({ status: 'done', summary: expect.stringMatching(/^already contained/) });
      expect(protectedBucket).toMatchObject({ status: 'skipped', refused: true });
      expect(missing).toMatchObject({ status: 'skipped', reason: expect.stringContaining('NoSuchBucket') });
      expect(s3.commandCalls(PutPublicAccessBlockCommand)).toHaveLength(0);
    });

    it('rollback deletes the configuration when there was none, only while it still blocks all', async () => {
      // Prepare
      s3.on(GetPublicAccessBlockCommand).resolvesOnce({ PublicAccessBlockConfiguration: BLOCK_ALL }).resolves({ PublicAccessBlockConfiguration: { ...BLOCK_ALL, BlockPublicPolicy: false } });
      const record = doneRecord('s3/block-public-access', 't', { bucketName: BUCKET, configuration: null }, { configuration: BLOCK_ALL });
      // Act
      const restored = await blockBucketPublicAccess.rollback(record, actionContext());
      const changed = await blockBucketPublicAccess.rollback(record, actionContext());
      // Assert
      expect(s3.commandCalls(DeletePublicAccessBlockCommand).map((c) => c.args[0].input)).toEqual([{ Bucket: BUCKET }]);
      expect(restored.status).toBe('done');
      expect(changed).toMatchObject({ status: 'skipped', reason: expect.stringContaining('changed since containment') });
    });
  });

  describe('s3/remove-public-policy-statements', () => {
    it('tells public statements from conditioned and deny ones', () => {
      expect(isPublicStatement(PUBLIC_READ)).toBe(true);
      expect(isPublicStatement(ORG_ONLY)).toBe(false);
      expect(isPublicStatement(DENY_HTTP)).toBe(false);
    });

    it('removes only the public statement; second run finds none; rollback puts the original back', async () => {
      // Prepare
      s3.on(GetBucketPolicyCommand).resolvesOnce({ Policy: POLICY }).resolves({ Policy: WITHOUT_PUBLIC });
      // Act
      const first = await removePublicPolicyStatements.execute(params, actionContext());
      const second = await removePublicPolicyStatements.execute(params, actionContext());
      const rollback = await removePublicPolicyStatements.rollback(doneRecord('s3/remove-public-policy-statements', 't', { bucketName: BUCKET, policy: POLICY, removedSids: ['PublicRead'] }, { policy: WITHOUT_PUBLIC }), actionContext());
      // Assert
      expect(s3.commandCalls(PutBucketPolicyCommand).map((c) => c.args[0].input)).toEqual([
        { Bucket: BUCKET, Policy: WITHOUT_PUBLIC },
        { Bucket: BUCKET, Policy: POLICY },
      ]);
      expect(first).toMatchObject({ status: 'done', priorState: { policy: POLICY, removedSids: ['PublicRead'] } });
      expect(second).toMatchObject({ status: 'done', summary: expect.stringMatching(/^already contained/) });
      expect(rollback.status).toBe('done');
    });

    it('deletes the policy when only public statements were in it', async () => {
      s3.on(GetBucketPolicyCommand).resolves({ Policy: JSON.stringify({ Version: '2012-10-17', Statement: [PUBLIC_READ] }) });
      const result = await removePublicPolicyStatements.execute(params, actionContext());
      expect(s3.commandCalls(DeleteBucketPolicyCommand).map((c) => c.args[0].input)).toEqual([{ Bucket: BUCKET }]);
      expect(result).toMatchObject({ status: 'done', appliedState: { policy: null } });
    });
  });

  describe('s3/block-account-public-access', () => {
    it('applies only to the account-level finding, and puts all four settings for the account', async () => {
      // Prepare
      s3Control.on(GetAccountPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: { BlockPublicAcls: false } });
      const accountFinding = finding({ type: 'Policy:S3/AccountBlockPublicAccessDisabled', resourceClass: 'S3Bucket' });
      // Act
      const params = blockAccountPublicAccess.paramsFromFinding(accountFinding)!;
      const result = await blockAccountPublicAccess.execute(params, actionContext());
      // Assert
      expect(blockAccountPublicAccess.paramsFromFinding(bucketFinding)).toBeUndefined();
      expect(sentRequests(s3Control)).toEqual([
        ['GetPublicAccessBlock', { AccountId: ACCOUNT }],
        ['PutPublicAccessBlock', { AccountId: ACCOUNT, PublicAccessBlockConfiguration: BLOCK_ALL }],
      ]);
      expect(result).toMatchObject({ status: 'done', priorState: { configuration: { BlockPublicAcls: false } } });
      expect(s3Control.commandCalls(PutAccountPublicAccessBlockCommand)).toHaveLength(1);
    });
  });
});
