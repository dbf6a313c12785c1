/** What the bench bundles: the detection entry points the detect Lambda uses. */
export { detectEvents } from '../lambdas/core/detection/detect-events.js';
export { parseFirebreakConfig } from '../lambdas/core/config/firebreak-config.js';
export { InMemoryCorrelationWindowStore } from '../lambdas/core/rules/correlation-window.js';
