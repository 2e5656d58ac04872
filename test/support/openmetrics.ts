// A reader for the OpenMetrics sample lines tests look at (`name{labels} value
// timestamp`), written independently of monac's writer (src/backfill/openmetrics.ts)
// so that a test comparing through it checks the writer too.

export interface ParsedSample {
  /** `name{a="1",b="2"}` with labels sorted, a key that identifies the series. */
  series: string;
  name: string;
  labels: Record<string, string>;
  value: number;
  /** ms */
  t: number;
}

export function parseOpenMetricsSamples(text: string): ParsedSample[] {
  const out: ParsedSample[] = [];
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  if (lines.at(-1) !== "# EOF") throw new Error("OpenMetrics text must end with # EOF");
  for (const [i, line] of lines.entries()) {
    if (line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+) (\S+)$/.exec(line);
    if (m === null) throw new Error(`line ${i + 1}: not a sample line: ${line}`);
    const labels = m[2] === undefined ? {} : parseLabels(m[2], i + 1);
    const value = m[3] === "+Inf" ? Infinity : m[3] === "-Inf" ? -Infinity : Number(m[3]);
    if (Number.isNaN(value) && m[3] !== "NaN") throw new Error(`line ${i + 1}: bad value ${m[3]}`);
    const [sec, frac = ""] = m[4]!.split(".");
    if (!/^\d+$/.test(sec!) || !/^\d{0,3}$/.test(frac)) throw new Error(`line ${i + 1}: timestamp ${m[4]} is not whole milliseconds`);
    out.push({ series: seriesKey(m[1]!, labels), name: m[1]!, labels, value, t: Number(sec) * 1000 + Number(frac.padEnd(3, "0")) });
  }
  return out;
}

export function seriesKey(name: string, labels: Record<string, string>): string {
  const inner = Object.keys(labels).filter((k) => k !== "__name__").sort().map((k) => `${k}=${JSON.stringify(labels[k])}`).join(",");
  return `${name}{${inner}}`;
}

function parseLabels(text: string, line: number): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\[\\"n])*)"\s*(,|\})/y;
  re.lastIndex = 1;
  if (text === "{}") return out;
  for (;;) {
    const m = re.exec(text);
    if (m === null) throw new Error(`line ${line}: bad labels ${text}`);
    out[m[1]!] = m[2]!.replace(/\\([\\"n])/g, (_, c: string) => (c === "n" ? "\n" : c));
    if (m[3] === "}") {
      if (re.lastIndex !== text.length) throw new Error(`line ${line}: bad labels ${text}`);
      return out;
    }
  }
}
