// Label sets for synthetic test series: concrete series that a selector
// matches (or, for the good side of a ratio, that one selector matches and
// another does not), derived from the selectors' matchers alone.
import { foldMetricName, type LabelMatcher } from "../../promql/ast.js";
import { matcherPredicate } from "../../promql/storage.js";

export type LabelSet = Record<string, string>;

/** A concrete selector: metric name plus matchers (name matchers folded in). */
export interface Selector {
  metric: string | undefined;
  matchers: LabelMatcher[];
}

export function selectorMatchers(sel: Selector): LabelMatcher[] {
  return foldMetricName(sel.metric, sel.matchers);
}

export function matches(labels: LabelSet, matchers: readonly LabelMatcher[]): boolean {
  return matchers.every((m) => matcherPredicate(m)(labels[m.name] ?? ""));
}

// Values tried, in order, for a label that must avoid a pattern: plausible
// ones first so generated tests read like real traffic.
const FILLERS = ["200", "ok", "success", "test", "ext4", "x", "0", "a"];

/**
 * A label set every matcher accepts, or undefined when none was found. An
 * absent label is the empty value, so negative matchers that accept "" are
 * satisfied by leaving the label out.
 */
export function labelsMatching(matchers: readonly LabelMatcher[], base: LabelSet = {}): LabelSet | undefined {
  const out: LabelSet = { ...base };
  const byName = new Map<string, LabelMatcher[]>();
  for (const m of matchers) byName.set(m.name, [...(byName.get(m.name) ?? []), m]);
  for (const [name, ms] of byName) {
    const value = valueMatchingAll(ms, out[name]);
    if (value === undefined) return undefined;
    if (value === "") delete out[name];
    else out[name] = value;
  }
  return matches(out, matchers) ? out : undefined;
}

/**
 * From a series `labels` matching `matchers`, a variant that still matches
 * `keep` but not `avoid`: the good requests next to the failed ones.
 */
export function variantAvoiding(labels: LabelSet, keep: readonly LabelMatcher[], avoid: readonly LabelMatcher[]): LabelSet | undefined {
  for (const m of avoid) {
    if (m.name === "__name__") continue;
    const constraints = keep.filter((k) => k.name === m.name);
    // Real-looking values first (code="200"), an absent label last.
    for (const candidate of [...candidatesFor(constraints), ...FILLERS, ""]) {
      const variant = { ...labels };
      if (candidate === "") delete variant[m.name];
      else variant[m.name] = candidate;
      if (matches(variant, keep) && !matches(variant, avoid)) return variant;
    }
  }
  return undefined;
}

function valueMatchingAll(ms: readonly LabelMatcher[], preferred: string | undefined): string | undefined {
  const candidates = [...(preferred !== undefined ? [preferred] : []), ...candidatesFor(ms), "", ...FILLERS];
  return candidates.find((c) => ms.every((m) => matcherPredicate(m)(c)));
}

function candidatesFor(ms: readonly LabelMatcher[]): string[] {
  const out: string[] = [];
  for (const m of ms) {
    if (m.op === "=") out.push(m.value);
    if (m.op === "=~") out.push(...regexSamples(m.value));
  }
  return out;
}

/**
 * Strings a regular expression probably matches, for the shapes label
 * matchers use in practice: literals, alternations, classes, `.`, `\d`,
 * quantifiers. Every sample is checked against the real matcher by the
 * caller, so a wrong guess costs nothing but a fallback.
 */
export function regexSamples(pattern: string): string[] {
  return splitTopLevel(pattern).map(sampleOf).filter((s): s is string => s !== undefined);
}

function splitTopLevel(pattern: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") inClass = true;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "|" && depth === 0) {
      parts.push(pattern.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(pattern.slice(start));
  return parts;
}

function sampleOf(alt: string): string | undefined {
  let out = "";
  let i = 0;
  while (i < alt.length) {
    const c = alt[i]!;
    let atom: string;
    if (c === "\\") {
      const e = alt[i + 1] ?? "";
      atom = e === "d" ? "0" : e === "w" ? "a" : e === "s" ? " " : e;
      i += 2;
    } else if (c === "[") {
      const end = alt.indexOf("]", i + 2);
      if (end < 0) return undefined;
      const body = alt.slice(i + 1, end);
      if (body.startsWith("^")) return undefined;
      atom = body.replace(/^\\/, "")[0] ?? "";
      i = end + 1;
    } else if (c === "(") {
      let depth = 0;
      let j = i;
      for (; j < alt.length; j++) {
        if (alt[j] === "\\") j++;
        else if (alt[j] === "(") depth++;
        else if (alt[j] === ")" && --depth === 0) break;
      }
      const inner = alt.slice(i + 1, j).replace(/^\?:/, "");
      const sample = regexSamples(inner)[0];
      if (sample === undefined) return undefined;
      atom = sample;
      i = j + 1;
    } else if (c === ".") {
      atom = "0";
      i++;
    } else if ("^$".includes(c)) {
      atom = "";
      i++;
    } else {
      atom = c;
      i++;
    }
    // Quantifiers: take the smallest count that still shows the atom once.
    const q = alt[i];
    if (q === "*" || q === "?") {
      atom = "";
      i++;
    } else if (q === "+") {
      i++;
    } else if (q === "{") {
      const end = alt.indexOf("}", i);
      const min = Number(alt.slice(i + 1, end).split(",")[0]);
      if (end < 0 || !Number.isInteger(min)) return undefined;
      atom = atom.repeat(min);
      i = end + 1;
    }
    out += atom;
  }
  return out;
}
