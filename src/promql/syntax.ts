// Syntax checks and selector inspection on the official PromQL grammar
// (@prometheus-io/lezer-promql, the one Prometheus's own UI uses).
import { parser } from "@prometheus-io/lezer-promql";
import type { SyntaxNode, Tree } from "@lezer/common";

// Validation asks several questions of the same expression (does it parse? is
// it a selector? what is at its top?); parse each text once.
const trees = new Map<string, Tree>();
function parseTree(expr: string): Tree {
  let tree = trees.get(expr);
  if (tree === undefined) {
    if (trees.size >= 10_000) trees.clear();
    tree = parser.parse(expr);
    trees.set(expr, tree);
  }
  return tree;
}

export interface PromQLSyntaxError {
  /** 0-based offset into the expression. */
  offset: number;
  message: string;
}

/** The first syntax error in an expression, or undefined when it parses. */
export function findSyntaxError(expr: string): PromQLSyntaxError | undefined {
  if (expr.trim() === "") return { offset: 0, message: "empty expression" };
  const tree = parseTree(expr);
  let error: PromQLSyntaxError | undefined;
  tree.iterate({
    enter(node) {
      if (error) return false;
      if (node.type.isError) {
        const at = expr.slice(node.from).trimStart();
        error = {
          offset: node.from,
          message: at === "" ? "unexpected end of expression" : `unexpected ${JSON.stringify(firstToken(at))}`,
        };
        return false;
      }
      return undefined;
    },
  });
  return error;
}

function firstToken(text: string): string {
  const m = /^([A-Za-z_:][\w:]*|\d[\w.]*|"(?:[^"\\]|\\.)*"?|\S)/.exec(text);
  return m ? m[1]! : text.slice(0, 1);
}

export interface LabelMatcher {
  name: string;
  op: "=" | "!=" | "=~" | "!~";
  value: string;
}

export interface SelectorInfo {
  metric: string | undefined;
  matchers: LabelMatcher[];
}

/**
 * The metric name and matchers of an expression that is exactly one instant
 * vector selector (`http_requests_total{code=~"5.."}`), else undefined.
 */
export function parseVectorSelector(expr: string): SelectorInfo | undefined {
  if (findSyntaxError(expr)) return undefined;
  const top = parseTree(expr).topNode.firstChild;
  if (!top || top.name !== "VectorSelector" || top.nextSibling) return undefined;
  let metric: string | undefined;
  const matchers: LabelMatcher[] = [];
  for (let child = top.firstChild; child; child = child.nextSibling) {
    if (child.name === "Identifier") metric = expr.slice(child.from, child.to);
    if (child.name === "LabelMatchers") {
      for (let m = child.firstChild; m; m = m.nextSibling) {
        const matcher = readMatcher(expr, m);
        if (matcher === undefined) continue;
        if (matcher === null) return undefined;
        if (matcher.name === "__name__" && matcher.op === "=") metric = matcher.value;
        else matchers.push(matcher);
      }
    }
  }
  return { metric, matchers };
}

function readMatcher(expr: string, node: SyntaxNode): LabelMatcher | null | undefined {
  if (node.name !== "UnquotedLabelMatcher" && node.name !== "QuotedLabelMatcher") return undefined;
  const nameNode = node.getChild("LabelName") ?? node.getChild("QuotedLabelName");
  const opNode = node.getChild("MatchOp");
  const valueNode = node.getChildren("StringLiteral").at(-1);
  if (!nameNode || !opNode || !valueNode) return null;
  const rawName = expr.slice(nameNode.from, nameNode.to);
  return {
    name: rawName.startsWith('"') ? unquote(rawName) : rawName,
    op: expr.slice(opNode.from, opNode.to) as LabelMatcher["op"],
    value: unquote(expr.slice(valueNode.from, valueNode.to)),
  };
}

/** Decodes a PromQL string literal ("..." or '...' with Go escapes, or `raw`). */
export function unquote(literal: string): string {
  const q = literal[0];
  const body = literal.slice(1, -1);
  if (q === "`") return body;
  return body.replace(/\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[0-7]{3}|.)/g, (_, esc: string) => {
    switch (esc[0]) {
      case "n": return "\n";
      case "t": return "\t";
      case "r": return "\r";
      case "a": return "\x07";
      case "b": return "\b";
      case "f": return "\f";
      case "v": return "\v";
      case "u":
      case "x": return String.fromCharCode(parseInt(esc.slice(1), 16));
      default: return /^[0-7]{3}$/.test(esc) ? String.fromCharCode(parseInt(esc, 8)) : esc;
    }
  });
}

/** A PromQL double-quoted string literal for any label value. */
export function quote(value: string): string {
  return JSON.stringify(value);
}

/** Prints a selector back, matchers in the order given. */
export function formatSelector(sel: SelectorInfo): string {
  const matchers = sel.matchers.map((m) => `${m.name}${m.op}${quote(m.value)}`).join(", ");
  if (sel.metric === undefined) return `{${matchers}}`;
  return matchers ? `${sel.metric}{${matchers}}` : sel.metric;
}

/** Name of the grammar node at the top of an expression ("BinaryExpr", "VectorSelector", ...). */
export function topLevelNodeName(expr: string): string | undefined {
  return parseTree(expr).topNode.firstChild?.name;
}
