// Every command answers --help / -h and `monac help COMMAND` with its usage
// (exit 0, stdout), and a usage error with the message and the same usage
// (exit 2, stderr).
import { describe, expect, it } from "vitest";
import { COMMAND_USAGE } from "../../src/cli/usage.js";
import { run } from "../support/cli.js";

const COMMANDS = Object.keys(COMMAND_USAGE) as (keyof typeof COMMAND_USAGE)[];

describe("monac COMMAND --help", () => {
  for (const command of COMMANDS) {
    it(command, async () => {
      for (const argv of [[command, "--help"], [command, "-h"], ["help", command]]) {
        const r = await run(...argv);
        expect(r.code, argv.join(" ")).toBe(0);
        expect(r.out, argv.join(" ")).toBe(COMMAND_USAGE[command]);
        expect(r.err).toBe("");
      }
      expect(COMMAND_USAGE[command]).toMatch(new RegExp(`^usage: monac ${command}\\b`));
      expect(COMMAND_USAGE[command]).toMatch(/Exit status: 0/);
    });
  }

  it("wins over other options, even wrong ones", async () => {
    expect(await run("build", "--dir", "/nonexistent", "--help")).toEqual({ code: 0, out: COMMAND_USAGE.build, err: "" });
    expect((await run("build", "--bogus", "-h")).code).toBe(0);
    // After `--`, -h is a path.
    expect((await run("test", "--", "-h")).code).not.toBe(0);
  });
});

describe("monac help", () => {
  it("lists every command, with exit codes", async () => {
    for (const argv of [["help"], ["--help"], ["-h"]]) {
      const r = await run(...argv);
      expect(r.code).toBe(0);
      for (const command of COMMANDS) expect(r.out).toContain(`monac ${command}`);
      expect(r.out).toContain("Exit status: 0 ok, 1 findings or failed tests, 2 usage or I/O error.");
    }
  });

  it("exits 2 without a command, or on an unknown one", async () => {
    const none = await run();
    expect(none.code).toBe(2);
    expect(none.err).toContain("Usage:");
    const unknown = await run("help", "frobnicate");
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('monac help: unknown command "frobnicate"');
    expect((await run("frobnicate", "--help")).code).toBe(2);
  });
});

describe("usage errors", () => {
  it("name the command and print its usage on stderr", async () => {
    const r = await run("build", "--bogus");
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toMatch(/^monac build: Unknown option '--bogus'/);
    expect(r.err).toContain(COMMAND_USAGE.build);
    for (const argv of [["test", "--bogus"], ["promqltest", "--bogus"], ["schema", "--bogus"], ["init", "a", "b"], ["validate", "--check=x"]]) {
      const e = await run(...argv);
      expect(e.code, argv.join(" ")).toBe(2);
      expect(e.err, argv.join(" ")).toContain(COMMAND_USAGE[argv[0] as keyof typeof COMMAND_USAGE]);
    }
  });
});
