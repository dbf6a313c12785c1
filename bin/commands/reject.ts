import type { CliCommand } from './command.js';
import { createDecisionCommand } from './approve.js';

/** `firebreak reject`: the playbook's gate fails with Firebreak.ApprovalRejected and stops without containing. */
export const command: CliCommand = createDecisionCommand('reject');
