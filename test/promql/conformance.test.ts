/**
 * Runs Prometheus's own PromQL test scripts (vendored under ../shared) and
 * ratchets the number of passing evals per file: the counts in
 * conformance-ratchet.json may only go up.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { runPromQLTestScript } from "../../src/promql/promqltest.js";
import { describeWithShared, sharedPath } from "../support/shared.js";

const here = dirname(fileURLToPath(import.meta.url));
const scriptsDir = sharedPath("conformance", "promql");
const ratchet = JSON.parse(readFileSync(join(here, "conformance-ratchet.json"), "utf8")) as Record<string, number>;

describeWithShared(scriptsDir, "PromQL conformance scripts", () => {
  for (const [file, minPassed] of Object.entries(ratchet)) {
    it(`${file}: at least ${minPassed} evals pass`, () => {
      const result = runPromQLTestScript(readFileSync(join(scriptsDir, file), "utf8"));
      const failures = result.outcomes.filter((o) => o.status === "failed").map((o) => `line ${o.line}: ${o.expr}\n  ${o.message}`);
      expect(result.error, result.error).toBeUndefined();
      expect(result.passed, failures.join("\n")).toBeGreaterThanOrEqual(minPassed);
    });
  }
});
