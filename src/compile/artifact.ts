// One generated file: what every compile stage (rules, Alertmanager,
// dashboards, rule tests) hands back, and what write.ts puts on disk.
export interface Artifact {
  /** Path relative to the output directory, forward slashes. */
  path: string;
  content: string;
}
