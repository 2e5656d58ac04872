// One generated file: what every compile stage (rules, Alertmanager,
// dashboards, rule tests) hands back, and what write.ts puts on disk.
export interface Artifact {
  /** Path relative to the output directory, forward slashes. */
  path: string;
  content: string;
  /**
   * The key of what the file was made from (inputs-key.ts), when its maker
   * can name all of it (the generated rule tests): the build cache records it,
   * and the next build may take the file from out/ instead of making it again.
   */
  inputs?: string;
}

/** Orders files (or changes to them) by path, code unit by code unit: the order out/ is listed and written in. */
export function byPath(a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}
