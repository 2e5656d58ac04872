/**
 * A parsed Go text/template with its function map: text/template's
 * Template.New(name).Funcs(fm).Option(...).Parse(text), then Execute.
 */
import { execute, type FuncMap, type MissingKey } from "./exec.js";
import { builtins } from "./funcs.js";
import { parseTemplates, type ParsedPrefix, type Tree } from "./parser.js";
import type { Value } from "./values.js";

export interface TemplateOptions {
  funcs?: FuncMap;
  /** The missingkey option; Go's default is "invalid" (prints <no value>). */
  missingKey?: MissingKey;
  /** A prefix the text may start with, parsed once (parsePrefix); the result is the same. */
  prefix?: ParsedPrefix;
}

export class Template {
  private constructor(
    readonly name: string,
    private readonly trees: ReadonlyMap<string, Tree>,
    private readonly funcs: FuncMap,
    private readonly missingKey: MissingKey,
  ) {}

  /** Parses `text`; throws TemplateParseError with Go's message. */
  static parse(name: string, text: string, opts: TemplateOptions = {}): Template {
    const funcs = opts.funcs ?? new Map();
    const trees = parseTemplates(name, text, (fn) => funcs.has(fn) || builtins.has(fn), opts.prefix);
    return new Template(name, trees, funcs, opts.missingKey ?? "invalid");
  }

  /**
   * The same parsed templates with another function map of the same names
   * (parsing only asks which names exist): text/template's Funcs after Parse.
   */
  withFuncs(funcs: FuncMap): Template {
    return new Template(this.name, this.trees, funcs, this.missingKey);
  }

  /** Executes the template on `data`; throws ExecError with Go's message. */
  execute(data: Value): Promise<string> {
    return execute({ trees: this.trees, funcs: this.funcs, builtins, missingKey: this.missingKey }, this.name, data);
  }
}
