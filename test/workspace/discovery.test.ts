// Finding and reading spec files on disk: only regular files are specs, and
// anything else with a spec's name is refused with what it is — never skipped
// (a skipped spec is an SLO nobody monitors) and never opened (a FIFO would
// block the build forever). Real directories, links, FIFOs and sockets.
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { discoverSpecFiles, loadWorkspace, WorkspaceIOError } from "../../src/workspace/workspace.js";
import { formatDiagnostic } from "../../src/workspace/diagnostics.js";

const base = path.join(import.meta.dirname, "..", "fixtures", "base");
const BASE_FILES = ["monac.yaml", "slos/shop.yaml", "alerts/shop.yaml"];

let scratch: string;
let ws: string;

beforeEach(() => {
  scratch = mkdtempSync(path.join(tmpdir(), "monac-discovery-"));
  ws = path.join(scratch, "ws");
  for (const rel of BASE_FILES) {
    mkdirSync(path.dirname(path.join(ws, rel)), { recursive: true });
    copyFileSync(path.join(base, rel), path.join(ws, rel));
  }
});

afterEach(() => {
  chmodSync(scratch, 0o700);
  rmSync(scratch, { recursive: true, force: true });
});

/** The WorkspaceIOError's message, or a failure when loading did not throw one. */
async function refusal(dir = ws): Promise<string> {
  try {
    await loadWorkspace(dir);
  } catch (e) {
    expect(e).toBeInstanceOf(WorkspaceIOError);
    return (e as Error).message;
  }
  throw new Error("expected loadWorkspace to refuse the workspace");
}

const canMkfifo = (() => {
  try {
    execFileSync("mkfifo", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
const isRoot = process.getuid?.() === 0;

describe("regular files and links to them", () => {
  it("loads the base workspace", async () => {
    expect((await loadWorkspace(ws)).model).toBeDefined();
    expect(await discoverSpecFiles(ws)).toEqual(["alerts/shop.yaml", "monac.yaml", "slos/shop.yaml"]);
  });

  it("follows links to files and directories, inside the workspace and outside it", async () => {
    const outside = path.join(scratch, "shared");
    mkdirSync(path.join(outside, "more"), { recursive: true });
    writeFileSync(path.join(outside, "checkout.yaml"), "service: checkout\nteam: shop\nslos:\n  - { name: a, objective: 99, sli: { boolGauge: { metric: up } } }\n");
    writeFileSync(path.join(outside, "more", "cart.yaml"), "service: cart\nteam: shop\nslos:\n  - { name: a, objective: 99, sli: { boolGauge: { metric: up } } }\n");
    symlinkSync(path.join(outside, "checkout.yaml"), path.join(ws, "slos", "checkout.yaml"));
    symlinkSync(path.join(outside, "more"), path.join(ws, "slos", "more"));
    mkdirSync(path.join(ws, "library"));
    copyFileSync(path.join(base, "alerts/shop.yaml"), path.join(ws, "library", "cpu.yaml"));
    symlinkSync("../library", path.join(ws, "alerts", "library"));
    symlinkSync(path.join(ws, "monac.yaml"), path.join(scratch, "monac-link.yaml"));
    expect(await discoverSpecFiles(ws)).toEqual(["alerts/library/cpu.yaml", "alerts/shop.yaml", "monac.yaml", "slos/checkout.yaml", "slos/more/cart.yaml", "slos/shop.yaml"]);
    const findings = (await loadWorkspace(ws)).diagnostics.map(formatDiagnostic);
    // Both alert files describe service shop: read and validated, not skipped.
    expect(findings.some((f) => f.startsWith("alerts/shop.yaml:") && f.includes('duplicate alert "HighCpu"'))).toBe(true);
  });

  it("accepts monac.yaml as a link to a file", async () => {
    const real = path.join(scratch, "monac.yaml");
    copyFileSync(path.join(ws, "monac.yaml"), real);
    rmSync(path.join(ws, "monac.yaml"));
    symlinkSync(real, path.join(ws, "monac.yaml"));
    expect((await loadWorkspace(ws)).model).toBeDefined();
  });

  it("still reports a missing monac.yaml as a finding, not an I/O error", async () => {
    rmSync(path.join(ws, "monac.yaml"));
    expect((await loadWorkspace(ws)).diagnostics.map(formatDiagnostic)).toContain(
      "monac.yaml:1:1: missing workspace file: monac.yaml declares the receivers and teams that alerts are routed to",
    );
  });

  it("ignores files and dangling links without a spec's name", async () => {
    writeFileSync(path.join(ws, "slos", "README.md"), "notes\n");
    symlinkSync("../nowhere", path.join(ws, "slos", "old-notes"));
    expect(await discoverSpecFiles(ws)).toEqual(["alerts/shop.yaml", "monac.yaml", "slos/shop.yaml"]);
  });
});

describe("links that lead nowhere", () => {
  it("refuses a dangling link with a spec's name, naming its target", async () => {
    symlinkSync("../nowhere.yaml", path.join(ws, "slos", "a.yaml"));
    expect(await refusal()).toBe("slos/a.yaml: dangling symbolic link (to ../nowhere.yaml)");
  });

  it("refuses a link loop, direct or through another link", async () => {
    symlinkSync("loop.yaml", path.join(ws, "slos", "loop.yaml"));
    expect(await refusal()).toBe("slos/loop.yaml: symbolic link loop");
    rmSync(path.join(ws, "slos", "loop.yaml"));
    symlinkSync("b.yaml", path.join(ws, "alerts", "a.yaml"));
    symlinkSync("a.yaml", path.join(ws, "alerts", "b.yaml"));
    expect(await refusal()).toBe("alerts/a.yaml: symbolic link loop");
  });

  it("refuses a dangling monac.yaml and a dangling spec directory", async () => {
    rmSync(path.join(ws, "monac.yaml"));
    symlinkSync("config/monac.yaml", path.join(ws, "monac.yaml"));
    expect(await refusal()).toBe("monac.yaml: dangling symbolic link (to config/monac.yaml)");
    copyFileSync(path.join(base, "monac.yaml"), path.join(scratch, "monac.yaml"));
    rmSync(path.join(ws, "monac.yaml"));
    symlinkSync(path.join(scratch, "monac.yaml"), path.join(ws, "monac.yaml"));
    rmSync(path.join(ws, "alerts"), { recursive: true });
    symlinkSync("../team-alerts", path.join(ws, "alerts"));
    expect(await refusal()).toBe("alerts: dangling symbolic link (to ../team-alerts)");
  });

  it("walks a directory cycle no further than once round", async () => {
    symlinkSync(".", path.join(ws, "slos", "self"));
    expect(await refusal()).toBe("slos/self: symbolic link to a directory that contains it (a directory cycle)");
    rmSync(path.join(ws, "slos", "self"));
    mkdirSync(path.join(ws, "slos", "team", "inner"), { recursive: true });
    symlinkSync(path.join(ws, "slos"), path.join(ws, "slos", "team", "inner", "back"));
    expect(await refusal()).toBe("slos/team/inner/back: symbolic link to a directory that contains it (a directory cycle)");
  });
});

describe("things that are not files", () => {
  it("refuses monac.yaml as a directory, or a link to one", async () => {
    rmSync(path.join(ws, "monac.yaml"));
    mkdirSync(path.join(ws, "monac.yaml"));
    expect(await refusal()).toBe("monac.yaml: is a directory, expected a file");
    rmSync(path.join(ws, "monac.yaml"), { recursive: true });
    symlinkSync("slos", path.join(ws, "monac.yaml"));
    expect(await refusal()).toBe("monac.yaml: is a directory, expected a file");
  });

  it("refuses a spec directory that is a file", async () => {
    rmSync(path.join(ws, "slos"), { recursive: true });
    writeFileSync(path.join(ws, "slos"), "service: shop\n");
    expect(await refusal()).toBe("slos: is a file, expected a directory of spec files");
  });

  it.skipIf(!canMkfifo)("refuses a FIFO with a spec's name, or a link to one, without opening it", async () => {
    execFileSync("mkfifo", [path.join(ws, "alerts", "p.yaml")]);
    expect(await refusal()).toBe("alerts/p.yaml: is a FIFO, not a regular file");
    rmSync(path.join(ws, "alerts", "p.yaml"));
    execFileSync("mkfifo", [path.join(scratch, "pipe")]);
    symlinkSync(path.join(scratch, "pipe"), path.join(ws, "slos", "piped.yml"));
    expect(await refusal()).toBe("slos/piped.yml: is a FIFO, not a regular file");
    // The same FIFO as monac.yaml.
    rmSync(path.join(ws, "monac.yaml"));
    symlinkSync(path.join(scratch, "pipe"), path.join(ws, "monac.yaml"));
    expect(await refusal()).toBe("monac.yaml: is a FIFO, not a regular file");
  });

  it.skipIf(process.platform === "win32")("refuses a socket and a device with a spec's name", async () => {
    const socketPath = path.join(ws, "slos", "s.yaml");
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      expect(await refusal()).toBe("slos/s.yaml: is a socket, not a regular file");
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(socketPath, { force: true });
    }
    symlinkSync("/dev/null", path.join(ws, "slos", "null.yaml"));
    expect(await refusal()).toBe("slos/null.yaml: is a character device, not a regular file");
  });
});

describe("files that cannot be read", () => {
  it("says so when the workspace directory is missing or a file", async () => {
    expect(await refusal(path.join(scratch, "absent"))).toBe(`cannot read workspace directory ${path.join(scratch, "absent")}: no such directory`);
    expect(await refusal(path.join(ws, "monac.yaml"))).toBe(`cannot read workspace directory ${path.join(ws, "monac.yaml")}: is a file, expected a directory of spec files`);
  });

  it.skipIf(process.platform !== "linux")("reports a read error in words, without the absolute path", async () => {
    // /proc/self/mem is a regular file whose first page cannot be read, even by root.
    symlinkSync("/proc/self/mem", path.join(ws, "slos", "mem.yaml"));
    expect(await refusal()).toBe("slos/mem.yaml: cannot read: input/output error");
  });

  // Root reads every file whatever its mode; CI runs as root, so this runs on developer machines.
  it.skipIf(isRoot)("refuses a file and a directory it may not read", async () => {
    chmodSync(path.join(ws, "slos", "shop.yaml"), 0o000);
    expect(await refusal()).toBe("slos/shop.yaml: cannot read: permission denied");
    chmodSync(path.join(ws, "slos", "shop.yaml"), 0o644);
    chmodSync(path.join(ws, "alerts"), 0o000);
    try {
      expect(await refusal()).toBe("alerts/: cannot read directory: permission denied");
    } finally {
      chmodSync(path.join(ws, "alerts"), 0o755);
    }
  });

  it("reports bytes that are not UTF-8 as a finding at their line and column", async () => {
    const slo = Buffer.concat([Buffer.from("service: shop\nteam: shop\ndescription: caf"), Buffer.from([0xe9]), Buffer.from("\nslos: []\n")]);
    writeFileSync(path.join(ws, "slos", "shop.yaml"), slo);
    expect((await loadWorkspace(ws)).diagnostics.map(formatDiagnostic)).toEqual([
      "slos/shop.yaml:3:17: not valid UTF-8 (byte 0xE9): spec files must be saved as UTF-8",
    ]);
  });

  it("reads a file with a UTF-8 byte-order mark, with columns as an editor shows them", async () => {
    const text = "service: shop\nteam: shop\nslos:\n  - name: availability\n    objective: 100\n    sli: { boolGauge: { metric: up } }\n";
    writeFileSync(path.join(ws, "slos", "shop.yaml"), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
    writeFileSync(path.join(ws, "slos", "bom-first-line.yaml"), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("service: [x]\n")]));
    expect((await loadWorkspace(ws)).diagnostics.map(formatDiagnostic)).toEqual([
      'slos/bom-first-line.yaml:1:1: slos: missing required field "slos"',
      'slos/bom-first-line.yaml:1:1: team: missing required field "team"',
      "slos/bom-first-line.yaml:1:10: service: expected a string, got a list",
      "slos/shop.yaml:5:16: slos[0].objective: objective must be between 0 and 100 (exclusive), got 100",
    ]);
  });
});
