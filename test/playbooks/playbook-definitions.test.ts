import { describe, expect, it } from 'vitest';
import { findAction } from '../../lambdas/actions/registry.js';
import { PLAYBOOK_IDS } from '../../lambdas/core/config/firebreak-config.js';
import { parsePlaybookDefinition } from '../../lambdas/core/playbooks/playbook-definition.js';
import { CONTAINMENT_PLAYBOOKS } from '../../lambdas/core/routing/routing-table.js';
import { PLAYBOOKS } from '../../lib/playbooks/index.js';

describe('playbook definitions', () => {
  it('one definition per configurable playbook id, and every id is one the routing table knows', () => {
    expect(PLAYBOOKS.map((p) => p.id).sort()).toEqual([...PLAYBOOK_IDS].sort());
    for (const id of PLAYBOOK_IDS) expect(CONTAINMENT_PLAYBOOKS).toContain(id);
  });

  it.each(PLAYBOOKS.map((p) => [p.id, p] as const))('%s is valid and runs only registered actions', (_id, definition) => {
    expect(parsePlaybookDefinition(definition)).toEqual(definition);
    for (const step of definition.steps) expect(findAction(step.actionId), `${definition.id}.${step.name}: ${step.actionId}`).toBeDefined();
  });

  it('destructive steps that cannot be cleanly undone (stop, terminate-like) ask for approval', () => {
    const needsApproval = new Set(['ec2/stop-instance', 'ecs/stop-task', 'iam/force-password-reset']);
    for (const definition of PLAYBOOKS) {
      for (const step of definition.steps) {
        if (needsApproval.has(step.actionId)) expect(step.requiresApproval, `${definition.id}.${step.name}`).toBe(true);
      }
    }
  });
});
