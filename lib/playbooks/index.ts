import type { PlaybookDefinition } from '../../lambdas/core/playbooks/playbook-definition.js';
import { compromisedInstance } from './compromised-instance.js';
import { compromisedWorkload } from './compromised-workload.js';
import { credentialCompromise } from './credential-compromise.js';
import { dataExposure } from './data-exposure.js';
import { defenseTampering } from './defense-tampering.js';
import { maliciousIp } from './malicious-ip.js';
import { networkExposure } from './network-exposure.js';

/** Every playbook the stack deploys (one state machine each). Each id is also in PLAYBOOK_IDS (the config schema). */
export const PLAYBOOKS: readonly PlaybookDefinition[] = [
  credentialCompromise,
  compromisedInstance,
  dataExposure,
  networkExposure,
  defenseTampering,
  compromisedWorkload,
  maliciousIp,
];
