// A YAML writer for generated files. The yaml package's general-purpose
// stringifier dominated a 1,000-SLO build; generated files only hold maps,
// lists, strings, numbers and booleans, and this writes exactly those: block
// style, no line folding, literal blocks for multi-line strings, and quotes
// only where a plain scalar would be misread.

export type YamlValue = string | number | boolean | null | undefined | YamlValue[] | { [key: string]: YamlValue };

export function emitYaml(value: YamlValue): string {
  const out = { text: "" };
  emitNode(value, 0, out, TOP);
  return out.text;
}

const SPACES: string[] = [];
function spaces(n: number): string {
  return (SPACES[n] ??= " ".repeat(n));
}

/** Where a node is written: the document itself, a mapping's value, a sequence's item. */
const TOP = 0;
const MAP = 1;
const SEQ = 2;
type Context = typeof TOP | typeof MAP | typeof SEQ;

// The text grows by `+=` (a rope V8 flattens once, when the file is hashed
// or sent to the staging thread): 15% faster than pieces in an array joined
// at the end, which a 10,000-SLO build's 250 MB of YAML makes 0.3 s.
function emitNode(value: YamlValue, indent: number, out: { text: string }, context: Context): void {
  if (typeof value === "object" && value !== null) {
    if (Array.isArray(value)) {
      if (value.length === 0) {
        out.text += context === TOP ? "[]\n" : " []\n";
        return;
      }
      if (context === MAP) out.text += "\n";
      // Sequences under a key are indented one level deeper than the key.
      const itemIndent = context === MAP ? indent + 2 : indent;
      const dash = `${spaces(itemIndent)}- `;
      for (let i = 0; i < value.length; i++) {
        out.text += context === SEQ && i === 0 ? "- " : dash;
        emitNode(value[i], itemIndent + 2, out, SEQ);
      }
      return;
    }
    const childIndent = context === MAP ? indent + 2 : indent;
    const pad = spaces(childIndent);
    let first = true;
    // for-in: the same keys in the same order as Object.keys for the plain objects written here, without the array.
    for (const key in value) {
      const v = value[key];
      if (v === undefined) continue;
      if (!first || context === TOP) out.text += pad;
      else if (context === MAP) out.text += `\n${pad}`;
      const w = cachedWritten(key);
      out.text += w ? w.asKey : `${scalar(key, childIndent)}:`;
      first = false;
      emitNode(v, childIndent, out, MAP);
    }
    if (first) out.text += context === TOP ? "{}\n" : " {}\n";
    return;
  }
  const w = cachedWritten(value);
  if (w) {
    out.text += context === MAP ? w.inMap : w.alone;
    return;
  }
  const text = scalar(value, indent);
  out.text += context === MAP ? ` ${text}\n` : `${text}\n`;
}

// How each short string is written, by string: as a scalar, as a key (with
// its colon) and as a value (with its line end), so that the pieces are made
// once. Generated files repeat the same keys, label names and values hundreds
// of thousands of times (in a 2,000-SLO build, 1.1 million of 1.4 million
// strings are under 16 characters, 700 distinct): deciding once per string
// saves a quarter of the emitter's time. Longer strings (series values,
// descriptions, test names) are mostly written once or twice: hashing them
// into the map costs more than deciding again, and they would crowd out the
// short ones. Bounded so a long-lived process does not keep every string.
interface Written {
  asKey: string;
  inMap: string;
  alone: string;
}
// null: written as a literal block, which depends on the indent.
const WRITTEN = new Map<string, Written | null>();
const WRITTEN_LIMIT = 50_000;
const WRITTEN_MAX_LENGTH = 48;

/** How a short string is written; null for other values and literal blocks. */
function cachedWritten(value: YamlValue): Written | null {
  if (typeof value !== "string" || value.length > WRITTEN_MAX_LENGTH) return null;
  let w = WRITTEN.get(value);
  if (w === undefined) {
    const text = written(value);
    w = text === null ? null : { asKey: `${text}:`, inMap: ` ${text}\n`, alone: `${text}\n` };
    if (WRITTEN.size >= WRITTEN_LIMIT) WRITTEN.clear();
    WRITTEN.set(value, w);
  }
  return w;
}

/** A scalar as written (emitNode has already looked for short strings in WRITTEN). */
function scalar(value: YamlValue, indent: number): string {
  if (typeof value === "string") return written(value) ?? literalBlock(value, indent);
  if (value === null || value === undefined) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return Number.isNaN(value) ? ".nan" : value > 0 ? ".inf" : "-.inf";
    return String(value);
  }
  throw new Error("collections are not scalars");
}

/** The string as a plain or quoted scalar; null for a literal block. */
function written(value: string): string | null {
  return isLiteralBlockSafe(value) ? null : isPlainSafe(value) ? value : quoted(value);
}

/** Multi-line text a literal block reads back exactly: first line not indented, no line ending in a blank, no carriage return or control character below tab. */
function isLiteralBlockSafe(value: string): boolean {
  return value.includes("\n") && !/^[ \t]/.test(value) && !/[ \t]\n|[ \t]$/.test(value) && !/[\r\u0000-\u0008]/.test(value);
}

/** `|-` (or `|` when the text ends in a newline), each line indented under its key. */
function literalBlock(value: string, indent: number): string {
  const keep = value.endsWith("\n");
  const body = keep ? value.slice(0, -1) : value;
  const pad = spaces(indent + 2);
  // Every line but the empty ones gets the pad.
  const first = body === "" || body.charCodeAt(0) === 0x0a ? "" : pad;
  return `${keep ? "|" : "|-"}\n${first}${body.replace(NON_EMPTY_LINE_START, `\n${pad}`)}`;
}

const NON_EMPTY_LINE_START = /\n(?=[^\n])/g;

const KEYWORDS = /^(?:true|false|yes|no|on|off|null|y|n|~|<<)$/i;
// Plain scalars a YAML 1.1 or 1.2 reader (Go's yaml.v2 in Prometheus and
// Alertmanager included) would take for a number, a sexagesimal ("09:00" is
// 540 in YAML 1.1) or a timestamp.
const NUMBER_LIKE = /^[-+]?(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][-+]?\d+)?$|^[-+]?\.(?:inf|nan)$|^0[xob][\da-f_]+$|^[-+]?\d[\d_]*(?::[0-5]?\d)+(?:\.\d*)?$|^\d{4}-\d\d?-\d\d?(?:[Tt ]|$)/i;
const INDICATOR_START = /^[-?:,[\]{}#&*!|>'"%@`]/;

// Identifiers, paths and hostnames: the bulk of generated text. Starting with
// a letter or "_" rules out numbers; only the YAML 1.1 keywords remain to check.
const SIMPLE = /^[A-Za-z_][A-Za-z0-9_./-]*$/;

/** True when the string reads back as the same string without quotes. */
function isPlainSafe(s: string): boolean {
  if (SIMPLE.test(s)) return !KEYWORDS.test(s);
  return (
    s.length > 0 &&
    s === s.trim() &&
    // YAML 1.1's value indicator: PyYAML reads a bare = as a tag, not a string.
    s !== "=" &&
    !INDICATOR_START.test(s) &&
    !KEYWORDS.test(s) &&
    !NUMBER_LIKE.test(s) &&
    !s.includes(": ") &&
    !s.endsWith(":") &&
    !s.includes(" #") &&
    !/[\u0000-\u001f\u007f\u2028\u2029\ufeff]/.test(s)
  );
}

/**
 * Single quotes when the text has double quotes (PromQL, Go templates) and
 * nothing that needs an escape; otherwise JSON string syntax, which is a subset
 * of YAML's double-quoted scalars.
 */
function quoted(s: string): string {
  if (s.includes('"') && !/[\\\u0000-\u001f\u007f]/.test(s)) return `'${s.replace(/'/g, "''")}'`;
  return JSON.stringify(s);
}
