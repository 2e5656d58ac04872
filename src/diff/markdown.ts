// The diff as a pull-request comment: who gets notified first (a page that
// now reaches someone else must be seen in the first lines), then SLOs, alerts,
// and the counts with the cost estimate. Only what changed; old → new, never
// the whole YAML.
import type { AlertRef, AlertSummary, BuildDiff, BuildStats, FieldChange } from "./diff.js";
import { hasReviewChanges } from "./diff.js";

export const NO_CHANGES = "No changes to alerts, routing or SLOs.";

/** How many per-alert lines a section lists before "… and N more". */
const MAX_LINES = 15;

export function renderMarkdown(d: BuildDiff): string {
  if (d.identical) return `${NO_CHANGES}\n`;
  const lines: string[] = [];
  lines.push(`### monac diff: ${headline(d)}`, "");
  if (!hasReviewChanges(d)) lines.push(NO_CHANGES, "");

  if (d.routing.teams.length > 0 || d.routing.alerts.length > 0) {
    lines.push("#### Who gets notified", "");
    if (d.routing.teams.length > 0) {
      lines.push("| team | severity | before | after |", "| --- | --- | --- | --- |");
      for (const t of d.routing.teams) {
        const [b, a] = marked(t.before, t.after);
        lines.push(`| ${cell(t.team)} | ${cell(t.severity)} | ${b} | ${a} |`);
      }
      lines.push("");
    }
    capped(lines, d.routing.alerts, (r) => {
      const [b, a] = marked(r.before, r.after);
      return `- ${name(r)}: ${b} → ${a}`;
    });
    lines.push("");
  }

  if (d.slos.length > 0) {
    lines.push("#### SLOs", "");
    for (const s of d.slos) {
      if (s.status === "changed") {
        lines.push(`- **${md(s.slo)}**: ${s.changes.map((c) => `${md(c.field)} ${code(c.before)} → ${code(c.after)}`).join("; ")}`);
      } else {
        const facts = [
          s.facts.objective && `objective ${s.facts.objective}`,
          s.facts.errorBudget && `error budget ${s.facts.errorBudget}`,
          s.facts.period && `over ${s.facts.period}`,
        ].filter(Boolean);
        lines.push(`- ${s.status} **${md(s.slo)}**${facts.length > 0 ? `: ${facts.join(", ")}` : ""}`);
      }
    }
    lines.push("");
  }

  const { added, removed, changed } = d.alerts;
  if (added.length + removed.length + changed.length > 0) {
    lines.push("#### Alerts", "");
    if (removed.length > 0) {
      lines.push("Removed:", "");
      capped(lines, removed, (a) => `- ${summaryLine(a)}`);
      lines.push("");
    }
    if (added.length > 0) {
      lines.push("Added:", "");
      capped(lines, added, (a) => `- ${summaryLine(a)}`);
      lines.push("");
    }
    if (changed.length > 0) {
      lines.push("| alert | what | before | after |", "| --- | --- | --- | --- |");
      for (const a of changed) {
        a.changes.forEach((c, i) => lines.push(`| ${i === 0 ? name(a) : ""} | ${cell(c.field)} | ${value(c, "before")} | ${value(c, "after")} |`));
      }
      lines.push("");
    }
  }

  lines.push("#### Rules and estimated evaluation cost", "");
  const { before, after, scrapeInterval } = d.stats;
  const r = d.recordingRules;
  lines.push("| | before | after | change |", "| --- | ---: | ---: | ---: |");
  const row = (label: string, k: keyof BuildStats) => lines.push(`| ${label} | ${num(before[k])} | ${num(after[k])} | ${delta(before[k], after[k])} |`);
  row("rule groups", "groups");
  row("recording rules", "recordingRules");
  row("alerting rules", "alertingRules");
  row("series read (distinct selectors)", "selectors");
  row("samples read per evaluation (estimate)", "samplesPerEvaluation");
  lines.push("");
  if (r.added + r.removed + r.changed > 0) {
    lines.push(`Recording rules: ${[r.added && `${r.added} added`, r.removed && `${r.removed} removed`, r.changed && `${r.changed} changed`].filter(Boolean).join(", ")}.`, "");
  }
  lines.push(
    `<sub>Estimate: each range selector reads range ÷ ${scrapeInterval} (assumed scrape interval) samples of one series, an instant selector one sample, a subquery range ÷ step evaluations; real series counts depend on your targets.</sub>`,
  );
  return `${lines.join("\n")}\n`;
}

function headline(d: BuildDiff): string {
  const parts: string[] = [];
  const { added, removed, changed } = d.alerts;
  const routes = d.routing.teams.length;
  const alertRoutes = d.routing.alerts.length;
  if (routes > 0) parts.push(`${plural(routes, "team × severity route")} changed`);
  else if (alertRoutes > 0) parts.push(`${plural(alertRoutes, "alert")} notify others`);
  const alertParts = [changed.length && `${changed.length} changed`, added.length && `${added.length} added`, removed.length && `${removed.length} removed`].filter(Boolean);
  if (alertParts.length > 0) parts.push(`alerts ${alertParts.join(", ")}`);
  if (d.slos.length > 0) parts.push(`${plural(d.slos.length, "SLO")} changed`);
  const s = d.stats;
  const cost = s.after.samplesPerEvaluation - s.before.samplesPerEvaluation;
  if (cost !== 0) parts.push(`est. ${cost > 0 ? "+" : "−"}${num(Math.abs(cost))} samples per evaluation`);
  return parts.length > 0 ? parts.join(" · ") : "rules changed";
}

function name(a: AlertRef): string {
  const where = a.service !== undefined && a.slo !== undefined ? `${a.service}/${a.slo}` : (a.service ?? a.slo);
  return [code(a.alertname), where && md(where), a.severity && `(${md(a.severity)})`].filter(Boolean).join(" ");
}

function summaryLine(a: AlertSummary): string {
  const facts = [
    a.thresholds.length > 0 && code(a.thresholds.join(", ")),
    a.for !== "0s" && `for ${a.for}`,
    `→ ${a.receivers.length > 0 ? a.receivers.map(md).join(", ") : "(no receiver)"}`,
  ].filter(Boolean);
  return `${name(a)}: ${facts.join(", ")}`;
}

/** Receiver lists with the ones only in `before` struck through and the ones only in `after` in bold. */
function marked(before: readonly string[], after: readonly string[]): [string, string] {
  const b = before.map((x) => (after.includes(x) ? md(x) : `~~${md(x)}~~`)).join(", ") || "(none)";
  const a = after.map((x) => (before.includes(x) ? md(x) : `**${md(x)}**`)).join(", ") || "(none)";
  return [b, a];
}

function capped<T>(lines: string[], items: readonly T[], line: (x: T) => string): void {
  for (const x of items.slice(0, MAX_LINES)) lines.push(line(x));
  if (items.length > MAX_LINES) lines.push(`- … and ${items.length - MAX_LINES} more (see \`--format json\`)`);
}

/** A changed value in a table: code for expressions and numbers, trimmed to the part that changed for long text. */
function value(c: FieldChange, side: "before" | "after"): string {
  if (c.field.startsWith("annotation ") || c.field.startsWith("label ")) {
    const [b, a] = trimCommon(c.before, c.after);
    return cell(side === "before" ? b : a);
  }
  return code(side === "before" ? c.before : c.after);
}

/** Both texts with their common start and end cut to a few words of context when long. */
export function trimCommon(a: string, b: string, context = 3, short = 60): [string, string] {
  if (a.length <= short && b.length <= short) return [a, b];
  let p = 0;
  while (p < a.length && p < b.length && a[p] === b[p]) p++;
  let s = 0;
  while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  // Back to word boundaries, keeping `context` words either side.
  const startAt = (t: string) => {
    let i = p;
    for (let w = 0; w <= context; w++) {
      const j = i > 0 ? t.lastIndexOf(" ", i - 1) : -1;
      if (j < 0) return 0;
      i = j;
    }
    return i + 1;
  };
  const endAt = (t: string) => {
    let i = t.length - s;
    for (let w = 0; w <= context && i < t.length; w++) {
      const j = t.indexOf(" ", i + 1);
      i = j < 0 ? t.length : j;
    }
    return i;
  };
  const cut = (t: string) => {
    const from = startAt(t);
    const to = endAt(t);
    return `${from > 0 ? "…" : ""}${t.slice(from, to)}${to < t.length ? "…" : ""}`;
  };
  return [cut(a), cut(b)];
}

function code(text: string): string {
  const escaped = text.replace(/\|/g, "\\|");
  return escaped.includes("`") ? `\`\` ${escaped} \`\`` : `\`${escaped}\``;
}

function md(text: string): string {
  return text.replace(/[\\`*_[\]<>|~]/g, "\\$&");
}

function cell(text: string): string {
  return md(text).replace(/\r?\n/g, " ");
}

function num(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function delta(b: number, a: number): string {
  if (a === b) return "";
  const d = a - b;
  return `${d > 0 ? "+" : "−"}${num(Math.abs(d))}${b > 0 ? ` (${pct(b, a)})` : ""}`;
}

function pct(b: number, a: number): string {
  if (b === 0) return a === 0 ? "±0" : "new";
  const p = ((a - b) / b) * 100;
  const r = Math.abs(p) >= 10 ? Math.round(p) : Math.round(p * 10) / 10;
  if (r === 0 && p !== 0) return `${p > 0 ? "+" : "−"}<0.1%`;
  return `${r > 0 ? "+" : r < 0 ? "−" : "±"}${Math.abs(r)}%`;
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? "" : "s"}`;
}
