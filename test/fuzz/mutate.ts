// Seeded mutations of a workspace's spec files, the way people and editors
// break YAML: lines lost or doubled, tokens swapped, values replaced by
// hostile ones, indentation shifted, anchors and aliases, Go-template and
// PromQL punctuation, stray bytes. Each mutation changes one file (or adds or
// removes one), and says in words what it did, so a failure can be replayed.
import { mulberry32 as rng } from "../support/random.js";

export interface Mutation {
  /** Workspace-relative path of the file changed. */
  file: string;
  /** The file's new bytes; null removes it. */
  bytes: Buffer | null;
  kind: string;
  what: string;
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/** Values a scalar is replaced with: edge numbers, wrong types, YAML specials, hostile text. */
const SCALARS = [
  '""', "0", "-1", "100", "101", "99.99999999999999", "1e-12", "1e309", "-0", ".inf", "-.inf", ".nan", "0x1F", "0o17", "1_000",
  "true", "false", "null", "~", "[]", "{}", "[a, b]", "{ a: 1 }", "yes", "no", "on",
  "5m", "0s", "-5m", "1h30m", "999999999d", "30days", "1.5h", "5M",
  "*nowhere", "&anchor value", "!!binary aGVsbG8=", "!custom x", "|", ">-",
  '"{{ $value"', '"{{ humanise $value }}"', '"{{ $treshold }}"', '"{{ end }}"', '"{{ template \\"x\\" . }}"', '"{{ .Labels.instance }}"',
  "http_requests_total{", "rate(x[5m]", "sum(rate(x[$window]))", '{job="x"}', "up == 0", "1 > bool 0", "vector(1)", '"x" + 1', "x offset -5m", "x @ end()",
  "https://user:secret@example.com/x", "https://hooks.slack.com/services/T000/B000/XXXX", "ftp://example.com", "mailto:ops@example.com",
  "ops@", "@example.com", "example.com:99999", "smtp.example.com", "Mars/Olympus_Mons", "Europe/Berlin", "25:00", "monday:sunday", "sunday:monday",
  '"a\\u0000b"', '"\\u202e\\u200b"', "é", "💥", "x".repeat(5000), "'it''s'", '"unterminated',
];

const TEMPLATE_BITS = ["{{", "}}", "{{ $value", "| humanise", "$treshold", "{{ end }}", "{{ if .Labels }}", "{{ $labels. }}", "%", '"', "{{- -}}", "{{ $value | printf \"%.2f\" }}", "{{/* c */}}"];
const PROMQL_BITS = ["(", ")", "[", "]", "{", "}", '"', ",", "=~", " # note", "$window", " offset 5m", " or vector(1)", "[5m]", '__name__="x"', " by (instance)", " and on() up", "!", "@", "'", "`", "\\"];
const PROMQL_KEYS = /^\s*-?\s*(errors|good|total|expr|condition|histogram|metric|values|errorRatio|metrics)\s*:/;
const TEMPLATE_KEYS = /^\s*-?\s*(summary|description|runbook|legend)\s*:|\{\{/;

type Op = (r: Rand, lines: string[]) => string | undefined;

const OPS: Record<string, Op> = {
  deleteLine(r, lines) {
    const i = Math.floor(r() * lines.length);
    const [gone] = lines.splice(i, 1);
    return `deleted line ${i + 1} (${JSON.stringify(gone)})`;
  },
  duplicateLine(r, lines) {
    const i = Math.floor(r() * lines.length);
    lines.splice(i, 0, lines[i]!);
    return `duplicated line ${i + 1}`;
  },
  swapLines(r, lines) {
    if (lines.length < 2) return undefined;
    const i = Math.floor(r() * (lines.length - 1));
    [lines[i], lines[i + 1]] = [lines[i + 1]!, lines[i]!];
    return `swapped lines ${i + 1} and ${i + 2}`;
  },
  indent(r, lines) {
    const i = Math.floor(r() * lines.length);
    const by = pick(r, [-2, -1, 1, 2, 4]);
    const line = lines[i]!;
    lines[i] = by > 0 ? " ".repeat(by) + line : line.replace(new RegExp(`^ {0,${-by}}`), "");
    return `indented line ${i + 1} by ${by}`;
  },
  swapTokens(r, lines) {
    const i = Math.floor(r() * lines.length);
    const tokens = lines[i]!.split(/(\s+)/);
    const words = tokens.map((t, k) => (/\S/.test(t) ? k : -1)).filter((k) => k >= 0);
    if (words.length < 2) return undefined;
    const a = pick(r, words);
    const b = pick(r, words);
    [tokens[a], tokens[b]] = [tokens[b]!, tokens[a]!];
    lines[i] = tokens.join("");
    return `swapped two tokens on line ${i + 1}`;
  },
  replaceScalar(r, lines) {
    const candidates = lines.map((l, k) => (/^\s*-?\s*[\w-]+:\s+\S/.test(l) ? k : -1)).filter((k) => k >= 0);
    if (candidates.length === 0) return undefined;
    const i = pick(r, candidates);
    const value = pick(r, SCALARS);
    lines[i] = lines[i]!.replace(/^(\s*-?\s*[\w-]+:\s+).*$/, `$1${value}`);
    return `set the value on line ${i + 1} to ${JSON.stringify(value.slice(0, 40))}`;
  },
  renameKey(r, lines) {
    const candidates = lines.map((l, k) => (/^\s*-?\s*[\w-]{2,}:/.test(l) ? k : -1)).filter((k) => k >= 0);
    if (candidates.length === 0) return undefined;
    const i = pick(r, candidates);
    const how = pick(r, ["drop", "double", "case"]);
    lines[i] = lines[i]!.replace(/^(\s*-?\s*)([\w-]+)(:)/, (_m, pre: string, key: string, colon: string) => {
      const k = Math.floor(r() * key.length);
      const renamed = how === "drop" ? key.slice(0, k) + key.slice(k + 1) : how === "double" ? key.slice(0, k) + key[k] + key.slice(k) : key.toUpperCase();
      return pre + renamed + colon;
    });
    return `renamed the key on line ${i + 1} (${how} a letter)`;
  },
  anchorsAndAliases(r, lines) {
    const values = lines.map((l, k) => (/^\s*-?\s*[\w-]+:\s+[^&*|>\s]/.test(l) ? k : -1)).filter((k) => k >= 0);
    if (values.length < 2) return undefined;
    const from = pick(r, values);
    const to = pick(r, values);
    const how = pick(r, ["alias", "alias-before-anchor", "unresolved", "merge", "self"]);
    if (how === "unresolved") {
      lines[to] = lines[to]!.replace(/^(\s*-?\s*[\w-]+:\s+).*$/, "$1*target");
    } else if (how === "merge") {
      const indent = /^(\s*)/.exec(lines[to]!)![1]!;
      lines[from] = lines[from]!.replace(/^(\s*-?\s*[\w-]+:\s+)/, "$1&m ");
      lines.splice(to, 0, `${indent}<<: *m`);
    } else if (how === "self") {
      lines[from] = lines[from]!.replace(/^(\s*-?\s*[\w-]+:\s+).*$/, "$1&loop [*loop]");
    } else {
      const [a, b] = how === "alias" ? [Math.min(from, to), Math.max(from, to)] : [Math.max(from, to), Math.min(from, to)];
      lines[a] = lines[a]!.replace(/^(\s*-?\s*[\w-]+:\s+)/, "$1&v ");
      lines[b] = lines[b]!.replace(/^(\s*-?\s*[\w-]+:\s+).*$/, "$1*v");
    }
    return `anchors and aliases (${how}) on lines ${from + 1} and ${to + 1}`;
  },
  templatePunctuation(r, lines) {
    const candidates = lines.map((l, k) => (TEMPLATE_KEYS.test(l) ? k : -1)).filter((k) => k >= 0);
    if (candidates.length === 0) return undefined;
    const i = pick(r, candidates);
    const bit = pick(r, TEMPLATE_BITS);
    const line = lines[i]!;
    const at = line.indexOf(":") + 2 + Math.floor(r() * Math.max(1, line.length - line.indexOf(":") - 2));
    lines[i] = line.slice(0, at) + bit + line.slice(at);
    return `inserted ${JSON.stringify(bit)} into line ${i + 1}`;
  },
  plausibleValue(r, lines) {
    // A value someone might really write: the build is likely to accept it,
    // and its rules and generated tests change, which is what must then pass.
    const candidates = lines.map((l, k) => (/:\s+(\d+(\.\d+)?|\d+[smhdw])\s*(#.*)?$/.test(l) ? k : -1)).filter((k) => k >= 0);
    if (candidates.length === 0) return undefined;
    const i = pick(r, candidates);
    lines[i] = lines[i]!.replace(/(:\s+)(\d+(?:\.\d+)?|\d+[smhdw])(\s*(?:#.*)?)$/, (_m, pre: string, value: string, post: string) => {
      if (/[smhdw]$/.test(value)) return pre + pick(r, ["1m", "2m", "5m", "10m", "30m", "1h", "6h", "1d", "7d", "28d"]) + post;
      const n = Number(value);
      const next = n > 90 && n < 100 ? pick(r, [90, 95, 99, 99.5, 99.9, 99.95, 99.99, 99.999]) : Math.round(n * (0.5 + r()) * 100) / 100;
      return pre + String(next) + post;
    });
    return `set a plausible value on line ${i + 1}`;
  },
  promqlPunctuation(r, lines) {
    const candidates = lines.map((l, k) => (PROMQL_KEYS.test(l) ? k : -1)).filter((k) => k >= 0);
    if (candidates.length === 0) return undefined;
    const i = pick(r, candidates);
    const line = lines[i]!;
    const start = line.indexOf(":") + 2;
    if (r() < 0.3) {
      // Delete one punctuation character.
      const spots = [...line.slice(start)].map((c, k) => ("()[]{}\",=~".includes(c) ? start + k : -1)).filter((k) => k >= 0);
      if (spots.length === 0) return undefined;
      const k = pick(r, spots);
      lines[i] = line.slice(0, k) + line.slice(k + 1);
      return `deleted ${JSON.stringify(line[k])} from line ${i + 1}`;
    }
    const bit = pick(r, PROMQL_BITS);
    const at = start + Math.floor(r() * Math.max(1, line.length - start + 1));
    lines[i] = line.slice(0, at) + bit + line.slice(at);
    return `inserted ${JSON.stringify(bit)} into line ${i + 1}`;
  },
};

const BYTE_OPS = ["nul", "control", "invalid-utf8", "bom", "crlf", "tab-indent", "truncate", "lone-surrogate"] as const;

function byteMutation(r: Rand, text: string): { bytes: Buffer; what: string } {
  const op = pick(r, BYTE_OPS);
  const buf = Buffer.from(text, "utf8");
  const at = Math.floor(r() * buf.length);
  const splice = (insert: Buffer) => Buffer.concat([buf.subarray(0, at), insert, buf.subarray(at)]);
  switch (op) {
    case "nul":
      return { bytes: splice(Buffer.from([0])), what: `a NUL byte at offset ${at}` };
    case "control":
      return { bytes: splice(Buffer.from([pick(r, [1, 7, 8, 0x1b, 0x7f])])), what: `a control byte at offset ${at}` };
    case "invalid-utf8":
      return { bytes: splice(Buffer.from(pick(r, [[0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xc0, 0xaf]]))), what: `invalid UTF-8 at offset ${at}` };
    case "bom":
      return { bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), buf]), what: "a UTF-8 byte order mark" };
    case "crlf":
      return { bytes: Buffer.from(text.replace(/\n/g, "\r\n"), "utf8"), what: "CRLF line endings" };
    case "tab-indent": {
      const lines = text.split("\n");
      const i = Math.floor(r() * lines.length);
      lines[i] = lines[i]!.replace(/^ {2}/, "\t");
      return { bytes: Buffer.from(lines.join("\n"), "utf8"), what: `a tab indenting line ${i + 1}` };
    }
    case "truncate":
      return { bytes: buf.subarray(0, at), what: `truncated at offset ${at}` };
    case "lone-surrogate":
      return { bytes: splice(Buffer.from("\ud800", "utf8")), what: `a lone surrogate at offset ${at}` };
  }
}

/**
 * The `index`-th mutation of the workspace `files` (path -> text) for a seed:
 * deterministic, so a failing case is replayed by its seed and index alone.
 */
export function mutation(seed: number, index: number, files: ReadonlyMap<string, string>): Mutation {
  const r = rng(seed * 1_000_003 + index);
  const paths = [...files.keys()].sort();
  // Rules come from slos/ and alerts/, routing from monac.yaml: they weigh more than dashboards.
  const weighted = paths.flatMap((p) => Array<string>(p.startsWith("slos/") ? 3 : p.startsWith("dashboards/") ? 1 : 2).fill(p));
  for (let attempt = 0; ; attempt++) {
    const roll = r();
    if (roll < 0.03) {
      // Whole files: one removed, or an empty or copied one added.
      const file = pick(r, paths);
      const how = pick(r, ["remove", "empty", "copy"]);
      if (how === "remove") return { file, bytes: null, kind: "file", what: `removed ${file}` };
      const dir = file.includes("/") ? file.slice(0, file.indexOf("/")) : "slos";
      const added = `${dir}/zz-fuzz.yaml`;
      return how === "empty"
        ? { file: added, bytes: Buffer.alloc(0), kind: "file", what: `added an empty ${added}` }
        : { file: added, bytes: Buffer.from(files.get(file)!, "utf8"), kind: "file", what: `copied ${file} to ${added}` };
    }
    const file = pick(r, weighted);
    const text = files.get(file)!;
    if (roll < 0.1) {
      const { bytes, what } = byteMutation(r, text);
      return { file, bytes, kind: "bytes", what: `${file}: ${what}` };
    }
    const kind = pick(r, Object.keys(OPS));
    const lines = text.split("\n");
    const what = OPS[kind]!(r, lines);
    const mutated = lines.join("\n");
    if (what !== undefined && mutated !== text) return { file, bytes: Buffer.from(mutated, "utf8"), kind, what: `${file}: ${what}` };
    if (attempt > 20) return { file, bytes: Buffer.from(`${text}\n# touched\n`, "utf8"), kind: "comment", what: `${file}: appended a comment` };
  }
}
