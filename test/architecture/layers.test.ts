// Enforced layers (issue 9). Every import in src/**/*.ts — static, dynamic,
// re-exports and type-only imports alike — is an edge from the importing
// file's layer (its first folder under src/; src/index.ts is "api") to the
// imported file's. The build fails on an edge the graph below does not allow,
// on a cycle between layers, and on any import of src/cli from outside it.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const SRC = path.resolve(import.meta.dirname, "..", "..", "src");

/** Which layers each layer may import (its own always). */
const ALLOWED: Record<string, readonly string[]> = {
  go: [],
  // Reading untrusted YAML safely (only the yaml package), for spec files and promtool's files alike.
  yaml: [],
  template: ["go"],
  promql: ["go"],
  workspace: ["yaml", "promql", "go"],
  ruletest: ["yaml", "promql", "template", "go"],
  // Alertmanager routing, inhibition and time intervals, and the routing test format.
  routetest: ["yaml", "go"],
  // The rule-test generator runs the emitted rules on the runner to derive $value.
  // The instrumentation contract: the metrics the specs read, as a prom-client module, and the check of a scrape.
  instrument: ["workspace", "promql", "go"],
  compile: ["instrument", "workspace", "yaml", "promql", "template", "ruletest", "go"],
  // Other tools' SLO specs (Sloth, Pyrra, OpenSLO) as monac spec files, checked by the workspace loader.
  import: ["workspace", "yaml", "promql", "go"],
  // History for recorded series: compiled rules evaluated by the rule-test evaluator on series read from Prometheus.
  backfill: ["ruletest", "promql", "go"],
  // Linting any rule file, the specs and an Alertmanager config, offline.
  lint: ["workspace", "ruletest", "routetest", "yaml", "promql", "template", "go"],
  // The semantic difference of two builds (rule files and alertmanager.yml as written).
  diff: ["ruletest", "routetest", "yaml", "promql", "go"],
  cli: ["api", "backfill", "lint", "diff", "compile", "import", "instrument", "ruletest", "routetest", "workspace", "yaml", "promql", "template", "go"],
  // The library entry point; it must not reach into the command (see below).
  api: ["import", "backfill", "lint", "diff", "compile", "instrument", "ruletest", "routetest", "workspace", "yaml", "promql", "template", "go"],
};
const LAYERS = Object.keys(ALLOWED);

interface ImportEdge {
  /** Importing file, relative to src/ (forward slashes). */
  from: string;
  /** Imported file, relative to src/. */
  to: string;
  line: number;
  kind: "static" | "dynamic" | "re-export" | "type";
}

function layerOf(file: string): string {
  if (file === "index.ts") return "api";
  const slash = file.indexOf("/");
  return slash < 0 ? `(top-level ${file})` : file.slice(0, slash);
}

/** Every problem with a set of edges, one line each; empty when the layering holds. */
function layerViolations(edges: readonly ImportEdge[]): string[] {
  const problems: string[] = [];
  const at = (e: ImportEdge) => `src/${e.from}:${e.line} imports src/${e.to} (${e.kind})`;
  const graph = new Map<string, Set<string>>();
  for (const e of edges) {
    const from = layerOf(e.from);
    const to = layerOf(e.to);
    if (!(from in ALLOWED)) problems.push(`${at(e)}: src/${e.from} is in no layer (${LAYERS.join(", ")}); move it into one`);
    if (to === "cli" && from !== "cli") problems.push(`${at(e)}: nothing outside src/cli may import the command`);
    else if (from !== to && from in ALLOWED && !ALLOWED[from]!.includes(to)) {
      problems.push(`${at(e)}: forbidden edge ${from} -> ${to} (${from} may import ${ALLOWED[from]!.join(", ") || "nothing in src"})`);
    }
    if (from !== to) {
      const set = graph.get(from) ?? new Set<string>();
      set.add(to);
      graph.set(from, set);
    }
  }
  for (const cycle of layerCycles(graph)) problems.push(`import cycle between layers: ${cycle.join(", ")} import each other`);
  return problems;
}

/** Strongly connected components of more than one layer (Tarjan), each in a stable order. */
function layerCycles(graph: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of [...(graph.get(v) ?? [])].sort()) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return out;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) out.push(full);
  }
  return out.sort();
}

const isFile = (p: string) => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

/** The .ts file a relative specifier names (NodeNext: "./x.js" is x.ts), or undefined outside src/. */
function resolve(fromFile: string, specifier: string): string | undefined {
  const target = path.resolve(path.dirname(fromFile), specifier);
  const candidates = [target.replace(/\.(m|c)?js$/, ".$1ts"), target, `${target}.ts`, path.join(target, "index.ts")];
  const found = candidates.find(isFile) ?? candidates[0]!;
  const rel = path.relative(SRC, found);
  return rel.startsWith("..") || path.isAbsolute(rel) ? undefined : rel.split(path.sep).join("/");
}

/** Every import edge between files of src/, the packages each file imports, and the imports that cannot be checked. */
function importEdges(): { edges: ImportEdge[]; packages: Array<{ from: string; name: string; line: number }>; unresolvable: string[] } {
  const edges: ImportEdge[] = [];
  const packages: Array<{ from: string; name: string; line: number }> = [];
  const unresolvable: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, "utf8");
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const from = path.relative(SRC, file).split(path.sep).join("/");
    const add = (node: ts.Node, spec: ts.Expression | ts.TypeNode | undefined, kind: ImportEdge["kind"]) => {
      const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
      let literal: string | undefined;
      if (spec && (ts.isStringLiteral(spec) || ts.isNoSubstitutionTemplateLiteral(spec))) literal = spec.text;
      else if (spec && ts.isLiteralTypeNode(spec) && ts.isStringLiteral(spec.literal)) literal = spec.literal.text;
      if (literal === undefined) {
        unresolvable.push(`src/${from}:${line}: ${kind} import with a computed specifier cannot be checked`);
        return;
      }
      if (!literal.startsWith(".")) {
        packages.push({ from, name: literal, line }); // a package or node: builtin
        return;
      }
      const to = resolve(file, literal);
      if (to !== undefined) edges.push({ from, to, line, kind });
    };
    const walk = (node: ts.Node): void => {
      if (ts.isImportDeclaration(node)) {
        add(node, node.moduleSpecifier, node.importClause?.isTypeOnly ? "type" : "static");
      } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
        add(node, node.moduleSpecifier, node.isTypeOnly ? "type" : "re-export");
      } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
        add(node, node.moduleReference.expression, "static");
      } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        add(node, node.arguments[0], "dynamic");
      } else if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "require") {
        add(node, node.arguments[0], "dynamic");
      } else if (ts.isImportTypeNode(node)) {
        add(node, node.argument, "type");
      }
      ts.forEachChild(node, walk);
    };
    walk(sf);
  }
  return { edges, packages, unresolvable };
}

describe("layers", () => {
  const { edges, packages, unresolvable } = importEdges();

  it("sees the imports, dynamic ones included", () => {
    expect(edges.length).toBeGreaterThan(100);
    // `monac build` loads its command when run.
    expect(edges).toContainEqual(expect.objectContaining({ from: "cli/main.ts", to: "cli/build.ts", kind: "dynamic" }));
    expect(unresolvable).toEqual([]);
  });

  it("every file of src is in a layer", () => {
    const stray = sourceFiles(SRC)
      .map((f) => path.relative(SRC, f).split(path.sep).join("/"))
      .filter((f) => !(layerOf(f) in ALLOWED));
    expect(stray).toEqual([]);
  });

  it("has only the allowed edges, no cycle between layers, and no import of src/cli from outside it", () => {
    expect(layerViolations(edges)).toEqual([]);
  });

  it("the yaml layer uses only the yaml package", () => {
    const yamlLayer = packages.filter((p) => layerOf(p.from) === "yaml");
    expect(yamlLayer.length).toBeGreaterThan(0);
    expect(yamlLayer.filter((p) => p.name !== "yaml").map((p) => `src/${p.from}:${p.line} imports ${p.name}`)).toEqual([]);
  });
});

describe("the layer check itself", () => {
  const edge = (from: string, to: string): ImportEdge => ({ from, to, line: 1, kind: "static" });

  it("reports a forbidden edge", () => {
    expect(layerViolations([edge("workspace/validate.ts", "compile/slo-rules.ts")])).toEqual([
      "src/workspace/validate.ts:1 imports src/compile/slo-rules.ts (static): forbidden edge workspace -> compile (workspace may import yaml, promql, go)",
    ]);
    expect(layerViolations([edge("go/math.ts", "promql/ast.ts")])[0]).toMatch(/forbidden edge go -> promql \(go may import nothing in src\)/);
    expect(layerViolations([edge("yaml/safe.ts", "go/strings.ts")])[0]).toMatch(/forbidden edge yaml -> go \(yaml may import nothing in src\)/);
    expect(layerViolations([edge("ruletest/yaml-nodes.ts", "workspace/yaml-source.ts")])[0]).toMatch(/forbidden edge ruletest -> workspace/);
  });

  it("reports a cycle between layers", () => {
    const problems = layerViolations([edge("promql/a.ts", "go/b.ts"), edge("go/b.ts", "template/c.ts"), edge("template/c.ts", "promql/a.ts")]);
    expect(problems).toContain("import cycle between layers: go, promql, template import each other");
  });

  it("reports an import of the command from outside src/cli, the api included", () => {
    expect(layerViolations([edge("index.ts", "cli/main.ts")])).toEqual([
      "src/index.ts:1 imports src/cli/main.ts (static): nothing outside src/cli may import the command",
    ]);
    expect(layerViolations([edge("cli/build.ts", "cli/io.ts"), edge("cli/main.ts", "index.ts")])).toEqual([]);
  });
});
