import { expandTemplate, GoSlice, type TemplateSample, type Value } from "../../src/template/index.js";

/** Runs a template the way Prometheus's template_test.go does: name "test", fixed time and URL. */
export async function run(text: string, data?: Value, query: TemplateSample[] = []): Promise<{ out?: string; err?: string }> {
  try {
    const out = await expandTemplate("test", text, data, {
      labels: {},
      value: 0,
      query: () => query,
      timestampMs: 1353755652000,
      externalURL: "http://testhost:9090/path/prefix",
    });
    return { out };
  } catch (e) {
    return { err: (e as Error).message };
  }
}

export const floats = (...xs: number[]) => new GoSlice("[]float64", xs);
export const ints = (...xs: bigint[]) => new GoSlice("[]int", xs);
export const strings = (...xs: string[]) => new GoSlice("[]string", xs);
