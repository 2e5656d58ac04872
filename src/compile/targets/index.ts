// The deploy targets monac.yaml enables, each packaging the same compile
// output for where it runs (see target.ts). Plain Prometheus is not one of
// them: its files are always written, and the generated tests run on them.
import type { Artifact } from "../artifact.js";
import { mimirArtifacts } from "./mimir.js";
import { operatorArtifacts } from "./operator.js";
import { vmalertArtifacts } from "./vmalert.js";
import { TargetCheckError, type TargetInput, type TargetOutput } from "./target.js";
import { thanosArtifacts } from "./thanos.js";

export { TargetCheckError, type TargetInput, type TargetOutput, type TargetProblem } from "./target.js";

/** Every enabled target's files and warnings; throws TargetCheckError with every target's problems. */
export function targetArtifacts(input: TargetInput): { artifacts: Artifact[]; warnings: string[] } {
  const t = input.model.targets ?? {};
  const outputs: Array<TargetOutput & { target: string }> = [];
  if (t.operator) outputs.push({ target: "prometheus-operator", ...operatorArtifacts(input, t.operator) });
  if (t.mimir) outputs.push({ target: "mimir", ...mimirArtifacts(input, t.mimir) });
  if (t.thanos) outputs.push({ target: "thanos", ...thanosArtifacts(input, t.thanos) });
  if (t.vmalert) outputs.push({ target: "vmalert", ...vmalertArtifacts(input, t.vmalert) });
  const problems = outputs.flatMap((o) => o.problems.map((message) => ({ target: o.target, message })));
  if (problems.length > 0) throw new TargetCheckError(problems);
  return { artifacts: outputs.flatMap((o) => o.artifacts), warnings: outputs.flatMap((o) => o.warnings) };
}
