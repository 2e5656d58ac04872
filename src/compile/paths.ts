// Where the plain Prometheus and Alertmanager files go in out/; the deploy
// targets name their files after them.

export const RULES_DIR = "prometheus/rules";
export const ALERTMANAGER_FILE = "alertmanager/alertmanager.yml";

/** The rule file of one SLO, relative to out/. */
export function sloRulesPath(service: string, slo: string): string {
  return `${RULES_DIR}/${service}.${slo}.slo.rules.yaml`;
}

/** The rule file of one service's threshold alerts, relative to out/. */
export function thresholdRulesPath(service: string): string {
  return `${RULES_DIR}/${service}.alerts.rules.yaml`;
}
