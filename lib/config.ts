import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Node } from 'constructs';
import { FirebreakError, ValidationError } from '../lambdas/core/errors.js';
import { parseFirebreakConfig, type FirebreakConfig } from '../lambdas/core/config/firebreak-config.js';

/** Default config file, relative to the working directory of `cdk synth` (the repository root). */
export const DEFAULT_CONFIG_PATH = 'firebreak.config.json';
/** CDK context key that points at another config file: `cdk synth -c firebreakConfig=path/to/config.json`. */
export const CONFIG_CONTEXT_KEY = 'firebreakConfig';

/**
 * The validated config plus the JSON it was read from. Handlers receive `json` (env FIREBREAK_CONFIG) and parse it with the
 * same schema at cold start: the parsed form holds transformed values (durations in seconds) that the schema would not accept
 * again, so the written form is what travels.
 */
export interface LoadedConfig {
  readonly config: FirebreakConfig;
  /** Compact JSON of the config as written (validated). */
  readonly json: string;
  /** Where it came from (a path, or `inline`). */
  readonly source: string;
}

/** Validates an in-memory config (tests, the local runtime). Throws a ValidationError naming each bad key. */
export function configFromObject(input: unknown, source = 'inline'): LoadedConfig {
  try {
    const config = parseFirebreakConfig(input);
    return Object.freeze({ config, json: JSON.stringify(input ?? {}), source });
  } catch (error) {
    if (error instanceof ValidationError) {
      throw new ValidationError(`${source}: ${error.message}`, error.issues, { cause: error });
    }
    throw error;
  }
}

/** Reads and validates a config file; a missing file, bad JSON or an invalid value fails with one message naming it. */
export function loadConfigFile(path: string): LoadedConfig {
  const absolute = resolve(path);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    throw new FirebreakError(`firebreak config ${path}: cannot read file (${(error as NodeJS.ErrnoException).code ?? String(error)})`, {
      cause: error,
    });
  }
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    throw new FirebreakError(`firebreak config ${path}: invalid JSON (${(error as Error).message})`, { cause: error });
  }
  return configFromObject(input, path);
}

/** The config file named by context `firebreakConfig`, else `firebreak.config.json`. */
export function loadConfigFromContext(node: Node): LoadedConfig {
  const fromContext: unknown = node.tryGetContext(CONFIG_CONTEXT_KEY);
  if (fromContext !== undefined && (typeof fromContext !== 'string' || fromContext.length === 0)) {
    throw new FirebreakError(`context ${CONFIG_CONTEXT_KEY}: expected a file path, got ${JSON.stringify(fromContext)}`);
  }
  return loadConfigFile(fromContext ?? DEFAULT_CONFIG_PATH);
}
