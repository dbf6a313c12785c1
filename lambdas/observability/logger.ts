import { Logger } from '@aws-lambda-powertools/logger';

/** Structured JSON logs; handlers append `incidentId` with logger.appendKeys once they know it. */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName, logLevel: (process.env.FIREBREAK_LOG_LEVEL as 'INFO' | undefined) ?? 'INFO' });
}
