import { describe, expect, it } from 'vitest';
import { COMPLIANCE_FRAMEWORKS, FRAMEWORK_MAPPINGS } from '../../../lambdas/core/compliance/compliance-framework.js';
import { parseFirebreakConfig, SUPPORTED_COMPLIANCE_FRAMEWORKS } from '../../../lambdas/core/config/firebreak-config.js';
import { ValidationError } from '../../../lambdas/core/errors.js';

describe('config complianceFramework', () => {
  it('accepts exactly the frameworks that have a mapping, and defaults to none', () => {
    // Act
    const accepted = COMPLIANCE_FRAMEWORKS.map((complianceFramework) => parseFirebreakConfig({ complianceFramework }).complianceFramework);

    // Assert
    expect(SUPPORTED_COMPLIANCE_FRAMEWORKS).toEqual(COMPLIANCE_FRAMEWORKS);
    expect(accepted).toEqual(['none', 'nist-800-61', 'pci-dss-4', 'soc2']);
    expect(Object.keys(FRAMEWORK_MAPPINGS).sort()).toEqual(COMPLIANCE_FRAMEWORKS.filter((framework) => framework !== 'none').sort());
    expect(parseFirebreakConfig({}).complianceFramework).toBe('none');
  });

  it.each(['iso27001', 'hipaa', 'nist-csf', 'PCI-DSS-4', 'soc-2'])("rejects '%s' as not supported, naming what is", (complianceFramework) => {
    // Act
    const parse = () => parseFirebreakConfig({ complianceFramework });

    // Assert
    expect(parse).toThrow(ValidationError);
    expect(parse).toThrow(
      `invalid firebreak config: complianceFramework: complianceFramework '${complianceFramework}' is not supported yet (supported: none, nist-800-61, pci-dss-4, soc2)`,
    );
  });
});
