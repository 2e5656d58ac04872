/**
 * Parse-tree nodes of Go text/template (text/template/parse/node.go).
 *
 * `nodeString` reproduces each node's String method, because execution
 * errors quote it: `executing "x" at <humanize "one">: ...`.
 */
import { quote } from "../go/strconv.js";

interface Base {
  /** Position in the template text (JS string index). */
  pos: number;
}

export interface ListNode extends Base { kind: "list"; nodes: Node[] }
export interface TextNode extends Base { kind: "text"; text: string }
export interface ActionNode extends Base { kind: "action"; line: number; pipe: PipeNode }
export interface BranchNode extends Base {
  line: number;
  pipe: PipeNode;
  list: ListNode;
  elseList: ListNode | undefined;
}
export interface IfNode extends BranchNode { kind: "if" }
export interface RangeNode extends BranchNode { kind: "range" }
export interface WithNode extends BranchNode { kind: "with" }
export interface TemplateNode extends Base { kind: "template"; line: number; name: string; pipe: PipeNode | undefined }
export interface BreakNode extends Base { kind: "break"; line: number }
export interface ContinueNode extends Base { kind: "continue"; line: number }
export interface EndNode extends Base { kind: "end" }
export interface ElseNode extends Base { kind: "else"; line: number }
export interface PipeNode extends Base {
  kind: "pipe";
  line: number;
  isAssign: boolean;
  decl: VariableNode[];
  cmds: CommandNode[];
}
export interface CommandNode extends Base { kind: "command"; args: Node[] }
export interface FieldNode extends Base { kind: "field"; ident: string[] }
export interface VariableNode extends Base { kind: "variable"; ident: string[] }
export interface ChainNode extends Base { kind: "chain"; node: Node; field: string[] }
export interface IdentifierNode extends Base { kind: "identifier"; ident: string }
export interface DotNode extends Base { kind: "dot" }
export interface NilNode extends Base { kind: "nil" }
export interface BoolNode extends Base { kind: "bool"; value: boolean }
export interface StringNode extends Base { kind: "string"; quoted: string; text: string }
export interface NumberNode extends Base {
  kind: "number";
  text: string;
  isInt: boolean;
  isUint: boolean;
  isFloat: boolean;
  isComplex: boolean;
  int64: bigint;
  uint64: bigint;
  float64: number;
}

export type Node =
  | ListNode | TextNode | ActionNode | IfNode | RangeNode | WithNode | TemplateNode
  | BreakNode | ContinueNode | EndNode | ElseNode | PipeNode | CommandNode | FieldNode
  | VariableNode | ChainNode | IdentifierNode | DotNode | NilNode | BoolNode | StringNode | NumberNode;

function pipeString(p: PipeNode): string {
  let s = "";
  if (p.decl.length > 0) {
    s += p.decl.map(nodeString).join(", ");
    s += p.isAssign ? " = " : " := ";
  }
  return s + p.cmds.map(nodeString).join(" | ");
}

function branchString(name: string, b: BranchNode): string {
  const tail = b.elseList ? `{{else}}${nodeString(b.elseList)}` : "";
  return `{{${name} ${pipeString(b.pipe)}}}${nodeString(b.list)}${tail}{{end}}`;
}

export function nodeString(n: Node): string {
  switch (n.kind) {
    case "list":
      return n.nodes.map(nodeString).join("");
    case "text":
      return quote(n.text);
    case "action":
      return `{{${pipeString(n.pipe)}}}`;
    case "if":
    case "range":
    case "with":
      return branchString(n.kind, n);
    case "template":
      return n.pipe ? `{{template ${quote(n.name)} ${pipeString(n.pipe)}}}` : `{{template ${quote(n.name)}}}`;
    case "break":
      return "{{break}}";
    case "continue":
      return "{{continue}}";
    case "end":
      return "{{end}}";
    case "else":
      return "{{else}}";
    case "pipe":
      return pipeString(n);
    case "command":
      return n.args.map((a) => (a.kind === "pipe" ? `(${nodeString(a)})` : nodeString(a))).join(" ");
    case "field":
      return n.ident.map((id) => "." + id).join("");
    case "variable":
      return n.ident.join(".");
    case "chain": {
      const base = n.node.kind === "pipe" ? `(${nodeString(n.node)})` : nodeString(n.node);
      return base + n.field.map((f) => "." + f).join("");
    }
    case "identifier":
      return n.ident;
    case "dot":
      return ".";
    case "nil":
      return "nil";
    case "bool":
      return n.value ? "true" : "false";
    case "string":
      return n.quoted;
    case "number":
      return n.text;
  }
}

/** True if the tree holds nothing but white space (parse.IsEmptyTree). */
export function isEmptyTree(n: Node | undefined): boolean {
  if (n === undefined) return true;
  switch (n.kind) {
    case "list":
      return n.nodes.every(isEmptyTree);
    case "text":
      return n.text.trim().length === 0;
    default:
      return false;
  }
}
