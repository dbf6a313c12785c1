#!/usr/bin/env node
// Runs the TypeScript CLI without a build step, so `npx firebreak ...` works right after `npm ci`.
import { register } from 'tsx/esm/api';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
await import('./firebreak.ts');
