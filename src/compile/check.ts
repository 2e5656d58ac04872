// The findings about specs that need the compiler. Validation (src/workspace)
// builds the model without compiling anything; what can only be judged
// against compiled output — custom dashboards reading series no recording
// rule records, titles giving one dashboard uid — is judged here, on what
// validation built, and reported with validation's findings, at the field in
// the file. A model with any finding is not compiled.
import { compareDiagnostics } from "../workspace/diagnostics.js";
import type { LoadResult } from "../workspace/workspace.js";
import { customDashboardFindings } from "./dashboards/custom-dashboard.js";

/** The load result with the compile stage's findings added; no model when there are any. */
export function checkWorkspace(loaded: LoadResult): LoadResult {
  const findings = customDashboardFindings(loaded.partial, loaded.locator);
  if (findings.length === 0) return loaded;
  return { ...loaded, model: undefined, diagnostics: [...loaded.diagnostics, ...findings].sort(compareDiagnostics) };
}
