// The instrumentation contract: what each service must expose for its specs
// (contract.ts), as a generated prom-client module (module.ts), and the check
// of a scrape against it (exposition.ts).
import type { WorkspaceModel } from "../workspace/model.js";
import { deriveContracts } from "./contract.js";
import { instrumentModule, instrumentModulePath } from "./module.js";

export { deriveContract, deriveContracts, contractServices, parseBound, PROM_CLIENT_DEFAULT_BUCKETS, type InstrumentContract, type MetricContract, type MetricKind } from "./contract.js";
export { instrumentModule, instrumentModulePath, MODULE_MARKER } from "./module.js";
export { checkExposition, parseExposition, type Exposition, type ExpositionSample, type Problem } from "./exposition.js";

/** out/instrument/<service>.ts for every service with SLOs whose SLIs read a metric it declares (only `services`, when given). */
export function instrumentArtifacts(model: WorkspaceModel, services?: readonly string[]): { path: string; content: string }[] {
  return deriveContracts(model)
    .filter((c) => services === undefined || services.includes(c.service))
    .map((c) => ({ path: instrumentModulePath(c.service), content: instrumentModule(c) }));
}
