import type { PublicAccessBlockConfiguration } from '@aws-sdk/client-s3';

/** All four Block Public Access settings on (the same shape for a bucket and for the account). */
export const BLOCK_ALL: Required<Pick<PublicAccessBlockConfiguration, 'BlockPublicAcls' | 'IgnorePublicAcls' | 'BlockPublicPolicy' | 'RestrictPublicBuckets'>> = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};

export const blocksAll = (c: PublicAccessBlockConfiguration | null | undefined) =>
  Boolean(c?.BlockPublicAcls && c.IgnorePublicAcls && c.BlockPublicPolicy && c.RestrictPublicBuckets);
