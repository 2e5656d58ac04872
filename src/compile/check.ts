// The findings about specs that need the compiler. Validation (src/workspace)
// builds the model without compiling anything; what can only be judged
// against compiled output — custom dashboards reading series no recording
// rule records, titles giving one dashboard uid, alert templates Prometheus
// would not parse — is judged here, on what validation built, and reported
// with validation's findings, at the field in the file. A model with any
// error is not compiled (warnings are reported and compiled past).
import { compareDiagnostics, isError } from "../workspace/diagnostics.js";
import type { LoadResult } from "../workspace/workspace.js";
import { customDashboardFindings } from "./dashboards/custom-dashboard.js";
import { templateFindings } from "./template-check.js";

/** The load result with the compile stage's findings added; no model when any of them is an error. */
export function checkWorkspace(loaded: LoadResult): LoadResult {
  const specsComplete = !loaded.diagnostics.some((d) => isError(d) && /^(slos|alerts)\//.test(d.file));
  const findings = [...customDashboardFindings(loaded.partial, loaded.locator, { specsComplete }), ...templateFindings(loaded.partial, loaded.locator)];
  if (findings.length === 0) return loaded;
  return { ...loaded, model: findings.some(isError) ? undefined : loaded.model, diagnostics: [...loaded.diagnostics, ...findings].sort(compareDiagnostics) };
}
