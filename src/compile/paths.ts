// Where the plain Prometheus and Alertmanager files go in out/; the deploy
// targets name their files after them.

export const RULES_DIR = "prometheus/rules";
export const ALERTMANAGER_FILE = "alertmanager/alertmanager.yml";
/** Where the generated rule tests go (rule-tests/index.ts writes them; test/compile/paths.test.ts keeps the two equal). */
export const TESTS_DIR = "prometheus/tests";
/** Where the generated routing tests go (routing-tests.ts). */
export const ROUTING_TESTS_DIR = "alertmanager/tests";

/** The rule file of one SLO, relative to out/. */
export function sloRulesPath(service: string, slo: string): string {
  return `${RULES_DIR}/${service}.${slo}.slo.rules.yaml`;
}

/** The rule file of one service's threshold alerts, relative to out/. */
export function thresholdRulesPath(service: string): string {
  return `${RULES_DIR}/${service}.alerts.rules.yaml`;
}
