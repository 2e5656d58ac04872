// The values of monac.yaml that monac writes into alertmanager.yml, checked
// the way Alertmanager checks them, so that a config `amtool check-config`
// would reject is refused at the spec's own line instead. The rules follow
// Alertmanager 0.33: timeinterval/timeinterval.go (each range type's
// UnmarshalYAML), config/config.go (Route.UnmarshalYAML, HostPort) and Go's
// time.LoadLocation. Where Alertmanager only finds out when it sends (an
// email address it cannot parse) or accepts nonsense (month 13, year -5),
// monac is stricter: such a config loads but never works.
//
// Each check returns what is wrong in words, or undefined; validate.ts
// (buildRouting) says where.
import { splitHostPort } from "../go/net.js";
import { closestName } from "./diagnostics.js";
import { TZ_NAMES } from "./tz-names.js";

// ------------------------------------------------------------ time intervals

const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"] as const;
const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"] as const;

/** Alertmanager's time-of-day syntax: 00:00 to 23:59, and 24:00 as the end of the day. */
const CLOCK = /^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/;

/** Minutes since midnight for "HH:MM", or undefined when Alertmanager would not read it. */
export function parseClock(text: string): number | undefined {
  if (!CLOCK.test(text)) return undefined;
  const [h, m] = text.split(":").map(Number) as [number, number];
  return h * 60 + m;
}

export function clockProblem(text: string): string | undefined {
  return parseClock(text) === undefined ? `expected a time of day as HH:MM, 00:00 to 24:00, got ${JSON.stringify(text)}` : undefined;
}

/** A times entry: start strictly before end, within one day (the range does not wrap past midnight). */
export function timeRangeProblem(start: string, end: string): string | undefined {
  const s = parseClock(start);
  const e = parseClock(end);
  if (s === undefined || e === undefined) return undefined; // reported on the field itself
  if (s < e) return undefined;
  if (s === e) return `start and end are both ${start}: the range is empty; the end is exclusive, so a whole day is 00:00 to 24:00`;
  return `start ${start} is after end ${end}: a range cannot cross midnight; write two, ${start} to 24:00 and 00:00 to ${end}`;
}

type Range = { begin: number; end: number };

/**
 * Alertmanager's stringableRangeFromString: "a" or "a:b", case-insensitive,
 * each member read by `member` (which says what is wrong, or gives a number).
 */
function parseRange(text: string, member: (s: string) => number | string): Range | string {
  const parts = text.toLowerCase().split(":");
  if (parts.length > 2) return `expected a value or a range "a:b", got ${JSON.stringify(text)}`;
  const values: number[] = [];
  for (const part of parts) {
    const v = member(part);
    if (typeof v === "string") return v;
    values.push(v);
  }
  return { begin: values[0]!, end: values[values.length - 1]! };
}

/** strconv.Atoi, within the range that matters here. */
function integer(s: string): number | undefined {
  return /^[+-]?[0-9]{1,9}$/.test(s) ? Number(s) : undefined;
}

function suggest(word: string, names: readonly string[]): string {
  // "mon" and "jan" are abbreviations, not typos.
  const hint = (word.length >= 3 ? names.find((n) => n.startsWith(word)) : undefined) ?? closestName(word, names);
  return hint ? ` (did you mean "${hint}"?)` : "";
}

export function weekdayRangeProblem(text: string): string | undefined {
  const r = parseRange(text, (s) => {
    const i = (WEEKDAYS as readonly string[]).indexOf(s);
    return i >= 0 ? i : `"${s}" is not a day of the week${suggest(s, WEEKDAYS)}`;
  });
  if (typeof r === "string") return r;
  if (r.begin <= r.end) return undefined;
  // Alertmanager's weeks run sunday to saturday; a range may not wrap.
  const span = (from: number, to: number) => (from === to ? WEEKDAYS[from]! : `${WEEKDAYS[from]}:${WEEKDAYS[to]}`);
  return `"${text}" runs backwards: weekday ranges go from sunday to saturday and cannot wrap; write "${span(r.begin, 6)}" and "${span(0, r.end)}"`;
}

export function dayOfMonthRangeProblem(text: string): string | undefined {
  const r = parseRange(text, (s) => integer(s) ?? `expected a day of the month (1 to 31, or -1 to -31 counting from the month's end), got ${JSON.stringify(s)}`);
  if (typeof r === "string") return r;
  for (const d of [r.begin, r.end]) {
    if (d === 0 || d < -31 || d > 31) return `day ${d} is out of range: days of the month are 1 to 31, or -1 (the last day) to -31`;
  }
  if (r.begin < 0 && r.end > 0) return `"${text}" starts counting from the month's end, so it must end at a negative day too`;
  // Alertmanager's own check, which counts a negative day as 28 + day (so -1 as 27, one short).
  const on28 = (d: number) => (d < 0 ? 28 + d : d);
  if (on28(r.begin) > on28(r.end)) {
    return `"${text}" can end before it starts: Alertmanager refuses such day ranges, checking negative days as 28 + day (here ${on28(r.end)} < ${on28(r.begin)})`;
  }
  return undefined;
}

export function monthRangeProblem(text: string): string | undefined {
  const r = parseRange(text, (s) => {
    const i = (MONTHS as readonly string[]).indexOf(s);
    if (i >= 0) return i + 1;
    const n = integer(s);
    if (n === undefined) return `"${s}" is not a month${suggest(s, MONTHS)}; use a month's name or its number, 1 to 12`;
    return n >= 1 && n <= 12 ? n : `month ${n} is out of range: months are 1 to 12`;
  });
  if (typeof r === "string") return r;
  if (r.begin <= r.end) return undefined;
  const span = (from: number, to: number) => (from === to ? MONTHS[from - 1]! : `${MONTHS[from - 1]}:${MONTHS[to - 1]}`);
  return `"${text}" runs backwards: month ranges cannot wrap past december; write "${span(r.begin, 12)}" and "${span(1, r.end)}"`;
}

export function yearRangeProblem(text: string): string | undefined {
  const r = parseRange(text, (s) => {
    const n = integer(s);
    if (n === undefined) return `expected a year such as 2026, got ${JSON.stringify(s)}`;
    return n >= 1 ? n : `year ${n} is out of range: years are positive`;
  });
  if (typeof r === "string") return r;
  return r.begin <= r.end ? undefined : `"${text}" runs backwards: end year ${r.end} is before start year ${r.begin}`;
}

let intlZones: ReadonlySet<string> | undefined;

/**
 * The canonical names Node's ICU knows: they extend TZ_NAMES with zones
 * newer than that list (ICU lists only canonical names, in their exact case).
 */
function intlTimeZones(): ReadonlySet<string> {
  intlZones ??= new Set(typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : []);
  return intlZones;
}

/**
 * time.LoadLocation: "UTC", "Local" (the Alertmanager host's zone) or a name
 * of the tz database, spelt exactly (the lookup is a file name). Go would
 * also load whatever else lies in the host's zoneinfo folder (posixrules,
 * right/..., localtime); those are not time zones one can rely on.
 */
export function locationProblem(name: string): string | undefined {
  if (name === "UTC" || name === "Local" || TZ_NAMES.has(name) || intlTimeZones().has(name)) return undefined;
  if (name === "") return "expected a time zone such as Europe/Berlin; leave location out for UTC";
  const known = [...TZ_NAMES, ...intlTimeZones()];
  const sameLetters = known.find((n) => n.toLowerCase() === name.toLowerCase());
  if (sameLetters) return `unknown time zone "${name}": time zone names are case-sensitive; did you mean "${sameLetters}"?`;
  const hint = closestName(name, known);
  return `unknown time zone "${name}"${hint ? ` (did you mean "${hint}"?)` : ""}; expected a name from the IANA tz database such as Europe/Berlin, or UTC`;
}

// ------------------------------------------------------------------ routing


/** Alertmanager keeps notification logs this long by default (--data.retention). */
export const DEFAULT_RETENTION_MS = 120 * 3600 * 1000;

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Route.UnmarshalYAML's group_by rules: "..." (group by every label) alone
 * or not at all, no label twice. Label names are checked as Prometheus's
 * classic names, like every label monac writes; Alertmanager's default
 * UTF-8 mode would accept any non-empty string.
 */
export function groupByProblems(labels: readonly string[]): { index: number; message: string }[] {
  const out: { index: number; message: string }[] = [];
  const seen = new Map<string, number>();
  labels.forEach((label, index) => {
    if (label === "...") {
      if (labels.length > 1) out.push({ index, message: `"..." groups by all labels and cannot be combined with label names; use ["..."] alone or list the labels` });
      return;
    }
    if (!LABEL_NAME.test(label)) {
      out.push({ index, message: `${JSON.stringify(label)} is not a label name: label names match [a-zA-Z_][a-zA-Z0-9_]*` });
      return;
    }
    const first = seen.get(label);
    if (first !== undefined) out.push({ index, message: `duplicate label "${label}" in groupBy (also at groupBy[${first}])` });
    else seen.set(label, index);
  });
  return out;
}

/**
 * HostPort.UnmarshalYAML (net.SplitHostPort, a port), with a numeric port
 * and a host, as dialling the smarthost needs.
 */
export function smarthostProblem(text: string): string | undefined {
  const hp = splitHostPort(text);
  const example = "expected host:port such as smtp.example.com:587";
  if (!hp) {
    const colons = text.split(":").length - 1;
    if (colons === 0) return `${example}, got ${JSON.stringify(text)}: the port is missing`;
    if (colons > 1 && !text.startsWith("[")) return `${example}, got ${JSON.stringify(text)}: an IPv6 address goes in brackets, e.g. [2001:db8::1]:587`;
    return `${example}, got ${JSON.stringify(text)}`;
  }
  if (hp.host === "" || /\s/.test(hp.host)) return `${example}, got ${JSON.stringify(text)}: the host is missing`;
  if (!/^[0-9]{1,5}$/.test(hp.port) || Number(hp.port) < 1 || Number(hp.port) > 65535) {
    return `${example}, got ${JSON.stringify(text)}: the port must be a number from 1 to 65535`;
  }
  return undefined;
}

// ----------------------------------------------------------- email addresses
//
// Alertmanager parses `from` with Go's mail.ParseAddress and `to` with
// mail.ParseAddressList when it sends, so a bad address fails every
// notification, not the config. The grammar is RFC 5322's mailbox as Go
// reads it: an addr-spec (local@domain, dot-atoms or a quoted local part,
// no domain literals), optionally in angle brackets after a display name.
// Groups and comments are not accepted.

const ATEXT = /[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\u0080-\uFFFF]/;

class AddressReader {
  constructor(private s: string) {}
  get rest(): string {
    return this.s;
  }
  skipSpace(): void {
    this.s = this.s.replace(/^[ \t]+/, "");
  }
  consume(c: string): boolean {
    if (!this.s.startsWith(c)) return false;
    this.s = this.s.slice(c.length);
    return true;
  }
  dotAtom(): string | { error: string } {
    let i = 0;
    while (i < this.s.length && (ATEXT.test(this.s[i]!) || this.s[i] === ".")) i++;
    const atom = this.s.slice(0, i);
    if (atom === "") return { error: "expected an address" };
    if (atom.startsWith(".") || atom.endsWith(".") || atom.includes("..")) return { error: `"${atom}" has a misplaced dot` };
    this.s = this.s.slice(i);
    return atom;
  }
  quoted(): string | { error: string } {
    let i = 1;
    while (i < this.s.length && this.s[i] !== '"') i += this.s[i] === "\\" ? 2 : 1;
    if (i >= this.s.length) return { error: "unclosed quoted string" };
    const text = this.s.slice(0, i + 1);
    this.s = this.s.slice(i + 1);
    return text;
  }
  addrSpec(): string | { error: string } {
    this.skipSpace();
    const local = this.s.startsWith('"') ? this.quoted() : this.dotAtom();
    if (typeof local !== "string") return local;
    if (!this.consume("@")) return { error: "missing @" };
    const domain = this.dotAtom();
    if (typeof domain !== "string") return domain.error === "expected an address" ? { error: "missing domain after @" } : domain;
    return `${local}@${domain}`;
  }
  /** mailbox = addr-spec / [display-name] "<" addr-spec ">" */
  mailbox(): string | { error: string } {
    const start = this.s;
    const bare = this.addrSpec();
    this.skipSpace();
    if (typeof bare === "string" && !this.s.startsWith("<")) return bare;
    this.s = start;
    this.skipSpace();
    // The display name: quoted strings and words, up to the angle bracket.
    while (this.s !== "" && !this.s.startsWith("<") && !this.s.startsWith(",")) {
      if (this.s.startsWith('"')) {
        const q = this.quoted();
        if (typeof q !== "string") return q;
      } else if (/^[<>:;"\\]/.test(this.s)) {
        return { error: `unexpected ${JSON.stringify(this.s[0])} in the display name` };
      } else {
        this.s = this.s.slice(1);
      }
    }
    if (!this.consume("<")) return typeof bare === "string" ? { error: "expected an address" } : bare;
    const spec = this.addrSpec();
    if (typeof spec !== "string") return spec;
    if (!this.consume(">")) return { error: "unclosed <" };
    this.skipSpace();
    return spec;
  }
}

function mailboxes(text: string, list: boolean): string | undefined {
  if (text.includes("{{")) return "Alertmanager would read {{ }} as a template; write the address itself";
  const r = new AddressReader(text);
  for (;;) {
    const m = r.mailbox();
    if (typeof m !== "string") return m.error;
    r.skipSpace();
    if (r.rest === "") return undefined;
    if (!list) return r.rest.startsWith(",") ? "expected a single address" : `unexpected ${JSON.stringify(r.rest)} after the address`;
    if (!r.consume(",")) return `unexpected ${JSON.stringify(r.rest)} after the address; separate addresses with commas`;
  }
}

/** `from`: one RFC 5322 mailbox, e.g. am@example.com or "Alertmanager <am@example.com>". */
export function fromAddressProblem(text: string): string | undefined {
  const problem = mailboxes(text, false);
  return problem ? `expected an email address such as alertmanager@example.com, got ${JSON.stringify(text)}: ${problem}` : undefined;
}

/** `to`: one or more mailboxes separated by commas. */
export function toAddressesProblem(text: string): string | undefined {
  const problem = mailboxes(text, true);
  return problem ? `expected an email address (or several, separated by commas), got ${JSON.stringify(text)}: ${problem}` : undefined;
}

/**
 * An endpoint URL as Alertmanager's config loader parses it (Go's net/url):
 * it refuses a host it cannot read and a "%" without two hex digits.
 */
export function urlProblem(url: string): string | undefined {
  if (URL.canParse(url) && !/%(?![0-9A-Fa-f]{2})/.test(url)) return undefined;
  return `Alertmanager cannot parse this URL (a bad host, or a "%" not followed by two hex digits): ${JSON.stringify(url)}`;
}
