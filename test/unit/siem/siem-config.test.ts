import { describe, expect, it } from 'vitest';
import { parseFirebreakConfig, SUPPORTED_SIEM_PLATFORMS } from '../../../lambdas/core/config/firebreak-config.js';
import { ValidationError } from '../../../lambdas/core/errors.js';
import { SIEM_PLATFORMS } from '../../../lambdas/core/siem/siem-platform.js';

describe('config siemPlatform', () => {
  it('accepts exactly the platforms formatForSiem implements, and defaults to none', () => {
    // Act
    const accepted = SIEM_PLATFORMS.map((siemPlatform) => parseFirebreakConfig({ siemPlatform }).siemPlatform);

    // Assert
    expect(SUPPORTED_SIEM_PLATFORMS).toEqual(SIEM_PLATFORMS);
    expect(accepted).toEqual(['none', 'ocsf', 'splunk']);
    expect(parseFirebreakConfig({}).siemPlatform).toBe('none');
  });

  it.each(['sentinel', 'elastic', 'qradar', 'OCSF', ''])("rejects '%s' as not supported, naming what is", (siemPlatform) => {
    // Act
    const parse = () => parseFirebreakConfig({ siemPlatform });

    // Assert
    expect(parse).toThrow(ValidationError);
    expect(parse).toThrow(`invalid firebreak config: siemPlatform: siemPlatform '${siemPlatform}' is not supported yet (supported: none, ocsf, splunk)`);
  });

  it('rejects a non-string value', () => {
    expect(() => parseFirebreakConfig({ siemPlatform: 1 })).toThrow('siemPlatform: Invalid input: expected string, received number');
  });
});
