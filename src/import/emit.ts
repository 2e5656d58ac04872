// Writes imported specs as readable YAML: block style, keys in the order
// given, `#` comments above the entries they explain. Deterministic: the
// same value always prints the same text.

export type Value =
  | { t: "str"; v: string }
  | { t: "num"; v: string } // exact decimal text (Decimal.toString())
  | { t: "bool"; v: boolean }
  | { t: "map"; entries: Entry[] }
  | { t: "list"; items: Item[] };

export interface Entry {
  key: string;
  value: Value;
  comments?: string[];
}

export interface Item {
  value: Value;
  comments?: string[];
}

export const str = (v: string): Value => ({ t: "str", v });
export const num = (v: string): Value => ({ t: "num", v });
export const bool = (v: boolean): Value => ({ t: "bool", v });
export const map = (entries: Entry[]): Value => ({ t: "map", entries });
export const list = (items: Item[]): Value => ({ t: "list", items });
export const entry = (key: string, value: Value, comments?: string[]): Entry => (comments?.length ? { key, value, comments } : { key, value });

/** A whole document: header comment lines, then the top-level mapping. */
export function emitDocument(header: readonly string[], entries: readonly Entry[]): string {
  const out: string[] = header.map((c) => comment(c, ""));
  emitEntries(entries, "", out);
  return out.join("\n") + "\n";
}

function emitEntries(entries: readonly Entry[], pad: string, out: string[], firstPrefix?: string): void {
  entries.forEach((e, i) => {
    for (const c of e.comments ?? []) out.push(comment(c, pad));
    const lead = i === 0 && firstPrefix !== undefined ? firstPrefix : pad;
    emitKeyed(`${lead}${key(e.key)}:`, e.value, pad, out);
  });
}

function emitKeyed(head: string, value: Value, pad: string, out: string[]): void {
  if (value.t === "map") {
    if (value.entries.length === 0) out.push(`${head} {}`);
    else {
      out.push(head);
      emitEntries(value.entries, pad + "  ", out);
    }
  } else if (value.t === "list") {
    if (value.items.length === 0) out.push(`${head} []`);
    else {
      out.push(head);
      emitItems(value.items, pad + "  ", out);
    }
  } else {
    out.push(`${head} ${scalar(value, pad + "  ")}`);
  }
}

function emitItems(items: readonly Item[], pad: string, out: string[]): void {
  for (const item of items) {
    for (const c of item.comments ?? []) out.push(comment(c, pad));
    const v = item.value;
    if (v.t === "map" && v.entries.length > 0) {
      // Comments of the first entry go above the dash.
      for (const c of v.entries[0]!.comments ?? []) out.push(comment(c, pad));
      const [first, ...rest] = v.entries;
      emitEntries([{ key: first!.key, value: first!.value }, ...rest], pad + "  ", out, `${pad}- `);
    } else if (v.t === "map" || v.t === "list") {
      out.push(`${pad}- ${v.t === "map" ? "{}" : "[]"}`);
    } else {
      out.push(`${pad}- ${scalar(v, pad + "  ")}`);
    }
  }
}

function comment(text: string, pad: string): string {
  return text === "" ? `${pad}#` : `${pad}# ${text.replace(/\n/g, " ")}`;
}

function key(k: string): string {
  return plainSafe(k) ? k : quote(k);
}

function scalar(v: Value, pad: string): string {
  if (v.t === "num") return v.v;
  if (v.t === "bool") return String(v.v);
  if (v.t !== "str") throw new Error("not a scalar");
  const s = v.v;
  if (plainSafe(s)) return s;
  if (s.includes("\n") && blockSafe(s)) {
    const body = s.replace(/\n$/, "");
    const chomp = s.endsWith("\n") ? "" : "-";
    return `|${chomp}\n${body.split("\n").map((line) => (line === "" ? "" : pad + line)).join("\n")}`;
  }
  return quote(s);
}

/** Plain scalars that read back as the same string in YAML 1.1 and 1.2. */
function plainSafe(s: string): boolean {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_./-]*$/.test(s)) return false;
  // Numbers (any base, with _ as YAML 1.1 allows), dates and YAML 1.1's booleans read as something else.
  if (/^[-+.]?\d[\d_]*(\.[\d_]*)?([eE][-+]?\d+)?$/.test(s) || /^0[xob]/i.test(s) || /^\d{4}-\d\d?-\d\d?/.test(s)) return false;
  return !/^(true|false|yes|no|on|off|y|n|null|nan|inf)$/i.test(s);
}

/** Text a literal block holds verbatim: no trailing blanks, no leading blank on the first line, no control characters. */
function blockSafe(s: string): boolean {
  const body = s.replace(/\n$/, "");
  if (body.includes("\n\n\n") || /^[ \t]/.test(body) || body.endsWith("\n")) return false;
  if (/[\t\r\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]/.test(s)) return false;
  return body.split("\n").every((line) => !/[ \t]$/.test(line));
}

/** Single quotes when the text has double quotes (PromQL matchers read better so), else JSON's double quotes. */
function quote(s: string): string {
  if (s.includes('"') && !/[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]/.test(s)) return `'${s.replace(/'/g, "''")}'`;
  return JSON.stringify(s);
}
