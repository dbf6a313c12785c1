import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACTIONS, actionPermissions, findAction } from '../../../lambdas/actions/registry.js';

const actionsDir = new URL('../../../lambdas/actions/', import.meta.url);

/** Action files: lambdas/actions/<service>/<action>.ts that export a defineAction(...). */
function actionFiles(): string[] {
  const files: string[] = [];
  for (const service of readdirSync(actionsDir, { withFileTypes: true })) {
    if (!service.isDirectory() || service.name === 'safety') continue;
    for (const file of readdirSync(new URL(`${service.name}/`, actionsDir))) {
      if (file.endsWith('.ts')) files.push(`${service.name}/${file.replace(/\.ts$/, '')}`);
    }
  }
  return files;
}

describe('action registry', () => {
  it('ids are unique, `<service>/<action>`, and each is the path of its file', () => {
    const ids = ACTIONS.map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    const files = new Set(actionFiles());
    for (const id of ids) {
      expect(id).toMatch(/^[a-z0-9]+\/[a-z0-9-]+$/);
      expect(files.has(id), `lambdas/actions/${id}.ts`).toBe(true);
    }
  });

  it('finds an action by id', () => {
    expect(findAction('iam/deactivate-access-key')?.id).toBe('iam/deactivate-access-key');
    expect(findAction('iam/nope')).toBeUndefined();
  });

  it('the union of permissions is sorted, de-duplicated and grouped by resources', () => {
    const permissions = actionPermissions();
    const iamUser = permissions.find((p) => p.resources?.includes('arn:*:iam::*:user/*'));
    expect(iamUser?.actions).toContain('iam:UpdateAccessKey');
    expect(iamUser?.actions.filter((a) => a === 'iam:GetUser')).toHaveLength(1);
    expect([...(iamUser?.actions ?? [])]).toEqual([...(iamUser?.actions ?? [])].sort());
    for (const permission of permissions) for (const action of permission.actions) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
  });

  it('iam:PassRole is only ever granted towards the service that needs it', () => {
    const passRole = actionPermissions().filter((p) => p.actions.includes('iam:PassRole'));
    expect(passRole.map((p) => p.conditions?.StringEquals?.['iam:PassedToService']).sort()).toEqual(['ec2.amazonaws.com', 'vpc-flow-logs.amazonaws.com']);
    expect(passRole.every((p) => p.actions.length === 1)).toBe(true);
  });
});
