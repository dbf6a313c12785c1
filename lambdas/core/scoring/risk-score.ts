import type { FirebreakConfig } from '../config/firebreak-config.js';
import type { Finding } from '../findings/finding.js';
import { labelForNormalized, severityRank } from '../findings/severity.js';
import { compileCidrs, type CidrMatcher } from '../rules/cidr-match.js';
import { globToRegExp } from './glob.js';

export interface RiskAssessment {
  /** 0..100: the finding's normalized severity moved up or down by context. */
  riskScore: number;
  /** One line per adjustment, e.g. `-30 remote IP 10.1.2.3 is in an allowlisted CIDR`. */
  scoreReasons: string[];
  opensIncident: boolean;
}

/** Adjustments, in points of the 0..100 scale. */
export const SCORE_ADJUSTMENTS = {
  allowlistedCidr: -30,
  sample: -40,
  breakGlassPrincipal: 15,
  productionResource: 10,
  closedInProduct: -60,
} as const;

const PROD_TAG_KEY = /^(env|environment|stage)$/i;
const PROD_TAG_VALUE = /^prod(uction)?$/i;

export interface RiskScorer {
  score(finding: Finding): RiskAssessment;
}

/** Compiles the config's allowlists once; `score` then costs a few comparisons per finding. */
export function createRiskScorer(config: FirebreakConfig): RiskScorer {
  const inAllowlistedCidr: CidrMatcher = compileCidrs(config.allowlists.cidrs);
  const breakGlass = config.allowlists.principals.map((p) => globToRegExp(p));
  const thresholdRank = severityRank(config.severityThreshold);

  return {
    score(finding) {
      const reasons: string[] = [];
      let score = finding.severity.normalized;
      // Sample findings still open an incident (in notify mode, per the playbook contract) so the flow can be seen;
      // their lower score only sorts them last. Every other adjustment does move the threshold decision.
      let contextScore = score;
      const add = (points: number, reason: string, affectsThreshold = true) => {
        score += points;
        if (affectsThreshold) contextScore += points;
        reasons.push(`${points > 0 ? '+' : ''}${points} ${reason}`);
      };
      const ip = finding.network?.remoteIp;
      if (ip && inAllowlistedCidr(ip)) add(SCORE_ADJUSTMENTS.allowlistedCidr, `remote IP ${ip} is in an allowlisted CIDR`);
      const arn = finding.principal?.arn;
      if (arn && breakGlass.some((r) => r.test(arn))) {
        add(SCORE_ADJUSTMENTS.breakGlassPrincipal, `break-glass principal ${arn} in use (allowlisted: never contained, always reviewed)`);
      }
      const prod = finding.resources.find((r) =>
        Object.entries(r.tags).some(([key, value]) => PROD_TAG_KEY.test(key) && PROD_TAG_VALUE.test(value)),
      );
      if (prod) add(SCORE_ADJUSTMENTS.productionResource, `resource ${prod.id} is tagged as production`);
      if (finding.sample) add(SCORE_ADJUSTMENTS.sample, 'sample finding (generated, not real activity): notify only', false);
      if (finding.closedInProduct) add(SCORE_ADJUSTMENTS.closedInProduct, `closed in ${finding.product} (${finding.closedInProduct}): an update, not a new threat`);

      const clamp = (n: number) => Math.max(0, Math.min(100, Math.round(n)));
      const riskScore = clamp(score);
      const opensIncident = severityRank(labelForNormalized(clamp(contextScore))) >= thresholdRank;
      return { riskScore, scoreReasons: reasons, opensIncident };
    },
  };
}
