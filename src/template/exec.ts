/**
 * Executor for Go text/template (text/template/exec.go).
 *
 * The structure mirrors Go's on purpose: error messages name "the node
 * being evaluated", which is whatever Go last passed to `s.at(node)`, so the
 * same calls happen in the same places. E.g. `(query "x").banana` fails
 * `at <"x">` because the last node Go visited was the string argument.
 *
 * Execution is async only because a function (PromQL `query`) may be.
 */
import { formatValue } from "./gofmt.js";
import type { CommandNode, IdentifierNode, ListNode, Node, NumberNode, PipeNode, RangeNode, TemplateNode, VariableNode, FieldNode, ChainNode } from "./nodes.js";
import { nodeString } from "./nodes.js";
import type { Tree } from "./parser.js";
import { quote } from "../go/strconv.js";
import {
  compareGoStrings,
  GoCallError,
  GoFunc,
  GoMap,
  GoObject,
  GoSlice,
  goTypeString,
  isTrue,
  NO_FIELD,
  typeName,
  utf8Length,
  type GoType,
  type Value,
} from "./values.js";

export type MissingKey = "invalid" | "zero" | "error";

export type FuncMap = ReadonlyMap<string, GoFunc>;

/** An error from executing a template; the message is Go's, byte for byte. */
export class ExecError extends Error {}

const MISSING: unique symbol = Symbol("missing");
type Final = Value | typeof MISSING;

// Go allows 100000 nested {{template}} calls; our async frames are deeper
// than Go's, so we stop earlier rather than overflow the JS stack.
const MAX_EXEC_DEPTH = 1000;

class BreakSignal {}
class ContinueSignal {}
const BREAK = new BreakSignal();
const CONTINUE = new ContinueSignal();

const NOT_NILLABLE: ReadonlySet<string> = new Set(["string", "bool", "int", "float64", "time.Time", "time.Duration"]);

function canBeNil(t: GoType): boolean {
  return !NOT_NILLABLE.has(t);
}

function indirectInterface(v: Value): Value {
  return v === null ? undefined : v;
}

function truth(v: Value): boolean {
  return isTrue(indirectInterface(v)).truth;
}

interface Variable {
  name: string;
  value: Value;
}

export interface ExecContext {
  trees: ReadonlyMap<string, Tree>;
  funcs: FuncMap;
  builtins: FuncMap;
  missingKey: MissingKey;
}

class State {
  node: Node | undefined;

  constructor(
    private readonly ctx: ExecContext,
    private readonly tmpl: Tree,
    private vars: Variable[],
    private readonly depth: number,
    private readonly out: string[],
  ) {}

  private at(n: Node): void {
    this.node = n;
  }

  private errorf(msg: string): never {
    const name = this.tmpl.name;
    if (this.node === undefined) throw new ExecError(`template: ${name}: ${msg}`);
    const context = nodeString(this.node);
    throw new ExecError(`template: ${this.errorLocation(this.node)}: executing ${quote(name)} at <${context}>: ${msg}`);
  }

  /** parse.Tree.ErrorContext: line and zero-based *byte* column of the node. */
  private errorLocation(n: Node): string {
    const before = this.tmpl.text.slice(0, n.pos);
    const nl = before.lastIndexOf("\n");
    const col = utf8Length(nl < 0 ? before : before.slice(nl + 1));
    const line = 1 + (before.match(/\n/g)?.length ?? 0);
    return `${this.tmpl.parseName}:${line}:${col}`;
  }

  private mark(): number {
    return this.vars.length;
  }

  private pop(mark: number): void {
    this.vars.length = mark;
  }

  private push(name: string, value: Value): void {
    this.vars.push({ name, value });
  }

  private setVar(name: string, value: Value): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) {
        this.vars[i]!.value = value;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  private setTopVar(n: number, value: Value): void {
    this.vars[this.vars.length - n]!.value = value;
  }

  private varValue(name: string): Value {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) return this.vars[i]!.value;
    }
    this.errorf(`undefined variable: ${name}`);
  }

  async walk(dot: Value, node: Node): Promise<void> {
    this.at(node);
    switch (node.kind) {
      case "action": {
        // Variables declared by an action persist until the next {{end}}; a declaration prints nothing.
        const val = await this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, val);
        return;
      }
      case "break":
        throw BREAK;
      case "continue":
        throw CONTINUE;
      case "if":
      case "with":
        return this.walkIfOrWith(node.kind, dot, node.pipe, node.list, node.elseList);
      case "list":
        for (const n of node.nodes) await this.walk(dot, n);
        return;
      case "range":
        return this.walkRange(dot, node);
      case "template":
        return this.walkTemplate(dot, node);
      case "text":
        this.out.push(node.text);
        return;
      default:
        this.errorf(`unknown node: ${nodeString(node)}`);
    }
  }

  private async walkIfOrWith(kind: "if" | "with", dot: Value, pipe: PipeNode, list: ListNode, elseList: ListNode | undefined): Promise<void> {
    const mark = this.mark();
    try {
      const val = await this.evalPipeline(dot, pipe);
      const { truth: t, ok } = isTrue(indirectInterface(val));
      if (!ok) this.errorf(`if/with can't use ${formatValue(val)}`);
      if (t) await this.walk(kind === "with" ? val : dot, list);
      else if (elseList) await this.walk(dot, elseList);
    } finally {
      this.pop(mark);
    }
  }

  private async walkRange(dot: Value, r: RangeNode): Promise<void> {
    this.at(r);
    const outer = this.mark();
    try {
      let val = await this.evalPipeline(dot, r.pipe);
      if (val instanceof GoObject && val.kind === "ptr") val = val.deref() ?? null;
      val = indirectInterface(val);
      const mark = this.mark();
      const oneIteration = async (index: Value, elem: Value): Promise<void> => {
        const decl = r.pipe.decl;
        if (decl.length > 0) {
          if (r.pipe.isAssign) this.setVar(decl[0]!.ident[0]!, decl.length > 1 ? index : elem);
          else this.setTopVar(1, elem); // lexically the second variable if there are two
        }
        if (decl.length > 1) {
          if (r.pipe.isAssign) this.setVar(decl[1]!.ident[0]!, elem);
          else this.setTopVar(2, index);
        }
        try {
          await this.walk(elem, r.list);
        } catch (e) {
          if (e !== CONTINUE) throw e;
        } finally {
          this.pop(mark);
        }
      };
      let ran = false;
      if (val instanceof GoSlice) {
        for (let i = 0; i < val.items.length; i++) {
          ran = true;
          await oneIteration(BigInt(i), val.items[i]);
        }
      } else if (val instanceof GoMap) {
        // fmtsort order, so output is deterministic.
        for (const key of [...val.entries.keys()].sort(compareGoStrings)) {
          ran = true;
          await oneIteration(key, val.entries.get(key));
        }
      } else if (typeof val === "bigint" || (val instanceof GoObject && val.kind === "int")) {
        // Go 1.22+: range over an integer n yields 0..n-1 (nothing if n <= 0).
        if (r.pipe.decl.length > 1) this.errorf(`can't use ${formatValue(val)} to iterate over more than one variable`);
        const n = typeof val === "bigint" ? val : val.intValue();
        for (let i = 0n; i < n; i++) {
          ran = true;
          await oneIteration(undefined, i);
        }
      } else if (val !== undefined) {
        this.errorf(`range can't iterate over ${formatValue(val)}`);
      }
      if (!ran && r.elseList) await this.walk(dot, r.elseList);
    } catch (e) {
      // Like Go's deferred recover, this also swallows a break from the else branch.
      if (e !== BREAK) throw e;
    } finally {
      this.pop(outer);
    }
  }

  private async walkTemplate(dot: Value, t: TemplateNode): Promise<void> {
    this.at(t);
    const tmpl = this.ctx.trees.get(t.name);
    if (tmpl === undefined) this.errorf(`template ${quote(t.name)} not defined`);
    if (this.depth === MAX_EXEC_DEPTH) this.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
    // Variables declared by the pipeline persist in the caller.
    const newDot = await this.evalPipeline(dot, t.pipe);
    // No dynamic scoping: the called template sees only $.
    const inner = new State(this.ctx, tmpl, [{ name: "$", value: newDot }], this.depth + 1, this.out);
    await inner.walk(newDot, tmpl.root);
  }

  async evalPipeline(dot: Value, pipe: PipeNode | undefined): Promise<Value> {
    if (pipe === undefined) return undefined;
    this.at(pipe);
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) {
      value = await this.evalCommand(dot, cmd, value);
      // An interface{} result is unwrapped: a nil interface becomes "no value".
      if (value === null) value = undefined;
    }
    const result = value === MISSING ? undefined : value;
    for (const v of pipe.decl) {
      if (pipe.isAssign) this.setVar(v.ident[0]!, result);
      else this.push(v.ident[0]!, result);
    }
    return result;
  }

  private notAFunction(args: readonly Node[], final: Final): void {
    if (args.length > 1 || final !== MISSING) this.errorf(`can't give argument to non-function ${nodeString(args[0]!)}`);
  }

  private async evalCommand(dot: Value, cmd: CommandNode, final: Final): Promise<Value> {
    const first = cmd.args[0]!;
    switch (first.kind) {
      case "field":
        return this.evalFieldNode(dot, first, cmd.args, final);
      case "chain":
        return this.evalChainNode(dot, first, cmd.args, final);
      case "identifier":
        return this.evalFunction(dot, first, cmd, cmd.args, final);
      case "pipe":
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case "variable":
        return this.evalVariableNode(dot, first, cmd.args, final);
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.kind) {
      case "bool":
        return first.value;
      case "dot":
        return dot;
      case "nil":
        this.errorf("nil is not a command");
      case "number":
        return this.idealConstant(first);
      case "string":
        return first.text;
    }
    this.errorf(`can't evaluate command ${quote(nodeString(first))}`);
  }

  /** A number literal with no type context: its spelling decides int or float64. */
  private idealConstant(n: NumberNode): Value {
    this.at(n);
    if (n.isComplex) this.errorf(`complex constant ${n.text} is not supported`);
    const isHexInt = /^0[xX]/.test(n.text) && !/[pP]/.test(n.text);
    if (n.isFloat && !isHexInt && !n.text.startsWith("'") && /[.eEpP]/.test(n.text)) return n.float64;
    if (n.isInt) return n.int64;
    if (n.isUint) this.errorf(`${n.text} overflows int`);
    return undefined;
  }

  private evalFieldNode(dot: Value, field: FieldNode, args: readonly Node[] | undefined, final: Final): Promise<Value> {
    this.at(field);
    return this.evalFieldChain(dot, dot, field, field.ident, args, final);
  }

  private async evalChainNode(dot: Value, chain: ChainNode, args: readonly Node[] | undefined, final: Final): Promise<Value> {
    this.at(chain);
    if (chain.node.kind === "nil") this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = await this.evalArg(dot, null, chain.node);
    return this.evalFieldChain(dot, pipe, chain, chain.field, args, final);
  }

  private async evalVariableNode(dot: Value, v: VariableNode, args: readonly Node[] | undefined, final: Final): Promise<Value> {
    this.at(v);
    const value = this.varValue(v.ident[0]!);
    if (v.ident.length === 1) {
      if (args) this.notAFunction(args, final);
      else if (final !== MISSING) this.errorf(`can't give argument to non-function ${nodeString(v)}`);
      return value;
    }
    return this.evalFieldChain(dot, value, v, v.ident.slice(1), args, final);
  }

  private async evalFieldChain(dot: Value, receiver: Value, node: Node, ident: readonly string[], args: readonly Node[] | undefined, final: Final): Promise<Value> {
    const n = ident.length;
    for (let i = 0; i < n - 1; i++) {
      receiver = await this.evalField(dot, ident[i]!, node, undefined, MISSING, receiver);
    }
    // Only the last element of the chain gets the arguments, if it's a method.
    return this.evalField(dot, ident[n - 1]!, node, args, final, receiver);
  }

  private async evalFunction(dot: Value, node: IdentifierNode, cmd: Node, args: readonly Node[] | undefined, final: Final): Promise<Value> {
    this.at(node);
    const name = node.ident;
    let fn = this.ctx.funcs.get(name);
    let isBuiltin = false;
    if (fn === undefined) {
      fn = this.ctx.builtins.get(name);
      isBuiltin = true;
    }
    if (fn === undefined) this.errorf(`${quote(name)} is not a defined function`);
    return this.evalCall(dot, fn, isBuiltin, cmd, name, args, final);
  }

  private async evalField(dot: Value, fieldName: string, node: Node, args: readonly Node[] | undefined, final: Final, receiver: Value): Promise<Value> {
    if (receiver === undefined) {
      if (this.ctx.missingKey === "error") this.errorf(`nil data; no entry for key ${quote(fieldName)}`);
      return undefined;
    }
    if (receiver === null) this.errorf(`nil pointer evaluating interface {}.${fieldName}`);
    const typ = typeName(receiver);
    if (receiver instanceof GoObject) {
      const method = receiver.method(fieldName);
      if (method) return this.evalCall(dot, method, false, node, fieldName, args, final);
    }
    const hasArgs = (args !== undefined && args.length > 1) || final !== MISSING;
    if (receiver instanceof GoObject && receiver.kind !== "int") {
      const f = receiver.field(fieldName);
      if (f !== NO_FIELD) {
        if (hasArgs) this.errorf(`${fieldName} has arguments but cannot be invoked as function`);
        return f;
      }
    }
    if (receiver instanceof GoMap) {
      if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
      if (receiver.entries.has(fieldName)) return receiver.entries.get(fieldName);
      switch (this.ctx.missingKey) {
        case "invalid":
          return undefined;
        case "zero":
          return receiver.zero;
        case "error":
          this.errorf(`map has no entry for key ${quote(fieldName)}`);
      }
    }
    this.errorf(`can't evaluate field ${fieldName} in type ${typ}`);
  }

  private async evalCall(dot: Value, fn: GoFunc, isBuiltin: boolean, node: Node, name: string, argNodes: readonly Node[] | undefined, final: Final): Promise<Value> {
    const args = argNodes ? argNodes.slice(1) : []; // args[0] is the function itself
    const numIn = args.length + (final !== MISSING ? 1 : 0);
    let numFixed = args.length;
    if (fn.variadic !== undefined) {
      numFixed = fn.params.length;
      if (numIn < numFixed) this.errorf(`wrong number of args for ${name}: want at least ${fn.params.length} got ${args.length}`);
    } else if (numIn !== fn.params.length) {
      this.errorf(`wrong number of args for ${name}: want ${fn.params.length} got ${numIn}`);
    }

    // and/or short-circuit: later arguments are not evaluated.
    if (isBuiltin && (name === "and" || name === "or")) {
      const argType = fn.params[0]!;
      let v: Value;
      for (const arg of args) {
        v = await this.evalArg(dot, argType, arg);
        if (truth(v) === (name === "or")) return v;
      }
      if (final !== MISSING) v = this.validateType(final, argType);
      return v;
    }

    const argv: Value[] = [];
    let i = 0;
    for (; i < numFixed && i < args.length; i++) argv.push(await this.evalArg(dot, fn.params[i]!, args[i]!));
    if (fn.variadic !== undefined) {
      for (; i < args.length; i++) argv.push(await this.evalArg(dot, fn.variadic, args[i]!));
    }
    if (final !== MISSING) {
      let t: GoType;
      if (fn.variadic === undefined) t = fn.params[fn.params.length - 1]!;
      else t = numIn - 1 < numFixed ? fn.params[numIn - 1]! : fn.variadic;
      argv.push(this.validateType(final, t));
    }
    if (isBuiltin && name === "call") {
      // Go passes the callee's expression text, for its error messages.
      const callee = args.length > 0 ? nodeString(args[0]!) : formatValue(final === MISSING ? undefined : final);
      argv.unshift(callee);
    }
    try {
      return await fn.fn(argv);
    } catch (e) {
      if (e instanceof ExecError) throw e;
      this.at(node);
      const msg = e instanceof GoCallError ? e.message : String((e as Error)?.message ?? e);
      this.errorf(`error calling ${name}: ${msg}`);
    }
  }

  /** Checks that a value can be passed as type t; one pointer dereference is allowed. */
  private validateType(value: Final, t: GoType | null): Value {
    if (value === MISSING) return undefined;
    if (value === undefined) {
      if (t === null) return null; // an untyped nil interface{}
      if (t === "reflect") return undefined;
      if (canBeNil(t)) return null;
      this.errorf(`invalid value; expected ${goTypeString(t)}`);
    }
    if (t === null || t === "any" || t === "reflect") return value;
    if (value === null) {
      if (canBeNil(t)) return null;
      this.errorf(`invalid value; expected ${goTypeString(t)}`);
    }
    if (typeName(value) === t) return value;
    if (value instanceof GoObject && value.kind === "ptr") {
      const elem = value.deref();
      if (elem && elem.typeName === t) return elem;
      if (!elem && value.typeName.slice(1) === t) this.errorf(`dereference of nil pointer of type ${t}`);
    }
    this.errorf(`wrong type for value; expected ${goTypeString(t)}; got ${typeName(value)}`);
  }

  private async evalArg(dot: Value, t: GoType | null, n: Node): Promise<Value> {
    this.at(n);
    switch (n.kind) {
      case "dot":
        return this.validateType(dot, t);
      case "nil":
        if (t === null || canBeNil(t)) return t === "reflect" ? undefined : null;
        this.errorf(`cannot assign nil to ${goTypeString(t)}`);
      case "field":
        return this.validateType(await this.evalFieldNode(dot, n, [n], MISSING), t);
      case "variable":
        return this.validateType(await this.evalVariableNode(dot, n, undefined, MISSING), t);
      case "pipe":
        return this.validateType(await this.evalPipeline(dot, n), t);
      case "identifier":
        return this.validateType(await this.evalFunction(dot, n, n, undefined, MISSING), t);
      case "chain":
        return this.validateType(await this.evalChainNode(dot, n, undefined, MISSING), t);
    }
    switch (t) {
      case "bool":
        if (n.kind === "bool") return n.value;
        this.errorf(`expected bool; found ${nodeString(n)}`);
      case "float64":
        if (n.kind === "number" && n.isFloat) return n.float64;
        this.errorf(`expected float; found ${nodeString(n)}`);
      case "int":
        if (n.kind === "number" && n.isInt) return n.int64;
        this.errorf(`expected integer; found ${nodeString(n)}`);
      case "string":
        if (n.kind === "string") return n.text;
        this.errorf(`expected string; found ${nodeString(n)}`);
      case "any":
      case "reflect":
      case null:
        return this.evalEmptyInterface(dot, n);
    }
    this.errorf(`can't handle ${nodeString(n)} for arg of type ${goTypeString(t)}`);
  }

  private evalEmptyInterface(dot: Value, n: Node): Value {
    this.at(n);
    switch (n.kind) {
      case "bool":
        return n.value;
      case "number":
        return this.idealConstant(n);
      case "string":
        return n.text;
    }
    // Everything else was handled by evalArg's first switch.
    this.errorf(`can't handle assignment of ${nodeString(n)} to empty interface argument`);
  }

  /** printableValue + fmt.Fprint: pointers are dereferenced, funcs can't print. */
  private printValue(n: Node, v: Value): void {
    this.at(n);
    if (v === undefined) {
      this.out.push("<no value>");
      return;
    }
    if (v instanceof GoFunc) this.errorf(`can't print ${nodeString(n)} of type ${typeName(v)}`);
    if (v instanceof GoObject && v.kind === "ptr" && v.goString() === undefined) {
      const elem = v.deref();
      this.out.push(elem ? formatValue(elem) : "<nil>");
      return;
    }
    this.out.push(formatValue(v));
  }
}

/** Runs the template `name` from `ctx.trees` on `data` and returns its output. */
export async function execute(ctx: ExecContext, name: string, data: Value): Promise<string> {
  const tmpl = ctx.trees.get(name);
  const out: string[] = [];
  const state = new State(
    ctx,
    tmpl ?? { name, parseName: name, root: { kind: "list", pos: 0, nodes: [] }, text: "" },
    [{ name: "$", value: data }],
    0,
    out,
  );
  if (tmpl === undefined) throw new ExecError(`template: ${name}: ${quote(name)} is an incomplete or empty template`);
  try {
    await state.walk(data, tmpl.root);
  } catch (e) {
    if (e === BREAK || e === CONTINUE) throw new ExecError(`template: ${name}: break or continue outside range`);
    throw e;
  }
  return out.join("");
}
