// compile/paths.ts names the generated tests' folder for the build, which must
// not load the rule-test generator just to know it.
import { describe, expect, it } from "vitest";
import { TESTS_DIR } from "../../src/compile/paths.js";
import { TESTS_DIR as GENERATOR_TESTS_DIR } from "../../src/compile/rule-tests/index.js";

describe("paths", () => {
  it("the generated tests' folder is the one the generator writes", () => {
    expect(TESTS_DIR).toBe(GENERATOR_TESTS_DIR);
  });
});
