// The deploy targets monac.yaml enables, each packaging the same compile
// output for where it runs (see target.ts). Plain Prometheus is not one of
// them: its files are always written, and the generated tests run on them.
import type { Artifact } from "../artifact.js";
import { mimirArtifacts } from "./mimir.js";
import { operatorArtifacts } from "./operator.js";
import { vmalertArtifacts } from "./vmalert.js";
import { TargetCheckError, type TargetInput, type TargetOutput } from "./target.js";
import { thanosArtifacts } from "./thanos.js";

export { TargetCheckError, type TargetInput, type TargetOutput } from "./target.js";

/** Every enabled target's files and warnings; throws TargetCheckError with every target's problems. */
export function targetArtifacts(input: TargetInput): { artifacts: Artifact[]; warnings: string[] } {
  const t = input.model.targets ?? {};
  const outputs: TargetOutput[] = [];
  if (t.operator) outputs.push(operatorArtifacts(input, t.operator));
  if (t.mimir) outputs.push(mimirArtifacts(input, t.mimir));
  if (t.thanos) outputs.push(thanosArtifacts(input, t.thanos));
  if (t.vmalert) outputs.push(vmalertArtifacts(input));
  const problems = outputs.flatMap((o) => o.problems);
  if (problems.length > 0) throw new TargetCheckError(problems);
  return { artifacts: outputs.flatMap((o) => o.artifacts), warnings: outputs.flatMap((o) => o.warnings) };
}
