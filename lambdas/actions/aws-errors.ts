/** Error names AWS uses for request-rate limits; these must reach Step Functions so its Retry backs off. */
const THROTTLING_NAMES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ProvisionedThroughputExceededException',
  'BandwidthLimitExceeded',
  'WAFLimitsExceededException',
]);

export function isThrottlingError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const retryable = (error as { $retryable?: { throttling?: boolean } }).$retryable;
  return THROTTLING_NAMES.has(error.name) || retryable?.throttling === true;
}

export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'Error';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** True for the "it is not there" family across services (IAM NoSuchEntity, EC2 *.NotFound, S3 NoSuchBucket ...). */
export function isNotFoundError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (
    error.name === 'NoSuchEntity' ||
    error.name === 'NoSuchEntityException' ||
    error.name === 'ResourceNotFoundException' ||
    error.name === 'NotFoundException' ||
    error.name === 'NoSuchBucket' ||
    error.name === 'NoSuchBucketPolicy' ||
    error.name === 'WAFNonexistentItemException' ||
    error.name === 'TargetGroupNotFound' ||
    error.name === 'TrailNotFoundException' ||
    (error.name === 'BadRequestException' && /not found|does not exist/i.test(error.message)) ||
    /\.NotFound$|NotFound$/.test(error.name)
  );
}
