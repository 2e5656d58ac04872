// Running the real Prometheus and Alertmanager next to local stand-ins for the
// notification services, for the end-to-end test (test/e2e/stack.test.ts).
// Every process is started in its own process group and stopped by its handle.
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import path from "node:path";
import { SMTPServer } from "smtp-server";
import { alertmanagerTemplateDir, toolPath, type ToolName } from "./tools.js";

/** A free TCP port on 127.0.0.1 (bind port 0, read it, close). For binaries that cannot report the port they bound. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface Proc {
  readonly name: string;
  readonly child: ChildProcess;
  /** The last lines the process wrote (stdout and stderr), for failure messages. */
  output(): string;
  exited(): boolean;
  /** SIGTERM to the process group, SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts `file` in its own process group (so stop() reaches anything it forks). */
export function startProcess(name: string, file: string, args: string[], cwd: string): Proc {
  const child = spawn(file, args, { cwd, detached: true, stdio: ["ignore", "pipe", "pipe"], shell: false });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const l of chunk.toString("utf8").split("\n")) if (l !== "") lines.push(l);
    if (lines.length > 400) lines.splice(0, lines.length - 400);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  let done = false;
  const exit = new Promise<void>((resolve) => {
    child.once("exit", () => { done = true; resolve(); });
    child.once("error", (e) => { lines.push(`spawn error: ${e.message}`); done = true; resolve(); });
  });
  const signal = (sig: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, sig);
    } catch {
      // already gone
    }
  };
  return {
    name,
    child,
    output: () => lines.join("\n"),
    exited: () => done,
    async stop(graceMs = 10_000) {
      if (done) return;
      signal("SIGTERM");
      const timer = setTimeout(() => signal("SIGKILL"), graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
}

const DEBIAN_TEMPLATE_DIR = "/usr/share/prometheus/alertmanager";
/** Same length as DEBIAN_TEMPLATE_DIR, relative to the process's working directory. */
const LOCAL_TEMPLATE_DIR = "./share-prometheus-alertmanager___";

/**
 * The Alertmanager binary to run in `workDir`. Debian's build reads its default
 * notification templates from /usr/share/prometheus/alertmanager at every config
 * load and refuses to start without them; scripts/install-tools.sh keeps them in
 * .tools/share/alertmanager but cannot install them there without root. So the
 * test runs a copy of the binary whose template folder (a Go string constant) is
 * rewritten, byte for byte and at equal length, to a folder relative to its
 * working directory, and puts the templates there. A build with the templates
 * embedded (no such string) is used as it is.
 */
export function alertmanagerForTest(workDir: string): string {
  const original = toolPath("alertmanager");
  if (original === undefined) throw new Error("alertmanager not installed");
  const bin = readFileSync(original);
  const from = Buffer.from(DEBIAN_TEMPLATE_DIR);
  const to = Buffer.from(LOCAL_TEMPLATE_DIR);
  if (from.length !== to.length) throw new Error("template dir replacement must keep the length");
  if (bin.indexOf(from) < 0) return original;
  let at = bin.indexOf(from);
  while (at >= 0) {
    to.copy(bin, at);
    at = bin.indexOf(from, at + to.length);
  }
  const templates = alertmanagerTemplateDir();
  if (templates === undefined) throw new Error("Alertmanager's default templates are missing from .tools/share/alertmanager; rerun scripts/install-tools.sh");
  const dir = path.join(workDir, LOCAL_TEMPLATE_DIR);
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(templates)) copyFileSync(path.join(templates, f), path.join(dir, f));
  const file = path.join(workDir, "alertmanager");
  writeFileSync(file, bin, { mode: 0o755 });
  return file;
}

export function toolOrThrow(name: ToolName): string {
  const file = toolPath(name);
  if (file === undefined) throw new Error(`${name} not installed`);
  return file;
}

/** One request an HTTP sink received. */
export interface HttpDelivery {
  at: number;
  method: string;
  path: string;
  body: string;
}

export interface HttpSink {
  readonly url: string;
  readonly received: HttpDelivery[];
  close(): Promise<void>;
}

/**
 * Stands in for Slack's incoming webhooks and PagerDuty's Events API v2: records
 * every request and answers as the real service does (Slack: 200 "ok";
 * PagerDuty: 202 with a JSON status).
 */
export async function startHttpSink(): Promise<HttpSink> {
  const received: HttpDelivery[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const p = req.url ?? "/";
      received.push({ at: Date.now(), method: req.method ?? "", path: p, body });
      if (p.startsWith("/pagerduty")) {
        let dedup: unknown;
        try {
          dedup = (JSON.parse(body) as { dedup_key?: unknown }).dedup_key;
        } catch {
          dedup = undefined;
        }
        res.writeHead(202, { "content-type": "application/json" });
        res.end(JSON.stringify({ status: "success", message: "Event processed", dedup_key: dedup }));
      } else {
        res.writeHead(200, { "content-type": "text/plain" });
        res.end("ok");
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** One message the SMTP sink accepted. */
export interface MailDelivery {
  at: number;
  /** The authenticated user, if the client logged in. */
  user: string | undefined;
  from: string;
  to: string[];
  /** Header values by lower-case name (first occurrence), unfolded. */
  headers: Record<string, string>;
  raw: string;
  /** `raw` with quoted-printable undone (soft line breaks joined, =XX escapes decoded as UTF-8), for reading bodies as rendered. */
  text: string;
}

/** Undoes quoted-printable encoding across a whole message: soft line breaks, then runs of =XX escapes as UTF-8 bytes. */
function decodeQuotedPrintable(raw: string): string {
  return raw
    .replace(/=\r?\n/g, "")
    .replace(/(?:=[0-9A-F]{2})+/g, (run) => Buffer.from(run.replace(/=/g, ""), "hex").toString("utf8"));
}

export interface SmtpSink {
  readonly port: number;
  readonly received: MailDelivery[];
  close(): Promise<void>;
}

/** A real SMTP server (smtp-server), plain text, AUTH PLAIN/LOGIN accepted for `user`/`password`. */
export async function startSmtpSink(user: string, password: string): Promise<SmtpSink> {
  const received: MailDelivery[] = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ["STARTTLS"],
    authOptional: true,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === password) callback(null, { user: auth.username });
      else callback(new Error("Invalid username or password"));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const head = raw.split(/\r?\n\r?\n/)[0] ?? "";
        const headers: Record<string, string> = {};
        for (const m of head.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
          const i = m.indexOf(":");
          if (i > 0) {
            const k = m.slice(0, i).toLowerCase();
            headers[k] ??= m.slice(i + 1).trim();
          }
        }
        received.push({
          at: Date.now(),
          user: typeof session.user === "string" ? session.user : undefined,
          from: session.envelope.mailFrom === false ? "" : session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((a) => a.address),
          headers,
          raw,
          text: decodeQuotedPrintable(raw),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Polls `probe` every `everyMs` until it returns a value other than undefined; throws with `what` and the last state after `timeoutMs`. */
export async function pollUntil<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number, everyMs = 500, lastState?: () => string): Promise<T> {
  const end = Date.now() + timeoutMs;
  let lastError = "";
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      lastError = e instanceof Error ? e.message : String(e);
    }
    if (Date.now() > end) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${lastError})` : ""}${lastState ? `\n${lastState()}` : ""}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** The base URL of a server started on 127.0.0.1:`port`, once its /-/ready answers; stops it and throws if it exits or times out first. */
async function readyOrStopped(proc: Proc, port: number, timeoutMs: number): Promise<string> {
  const url = `http://127.0.0.1:${port}`;
  try {
    await pollUntil(`${proc.name} to be ready`, async () => {
      if (proc.exited()) throw new Error(`${proc.name} exited:\n${proc.output()}`);
      return (await fetch(`${url}/-/ready`)).ok ? true : undefined;
    }, timeoutMs, 200, () => proc.output().split("\n").slice(-20).join("\n"));
  } catch (e) {
    await proc.stop();
    throw e;
  }
  return url;
}

export interface RunningPrometheus {
  proc: Proc;
  url: string;
}

/**
 * Starts the real Prometheus on a free port with `configFile` and data in
 * `dataDir`, and waits until it is ready (it has then loaded every block in
 * the data directory and replayed its WAL).
 */
export async function startPrometheus(workDir: string, configFile: string, dataDir: string, extraArgs: string[] = []): Promise<RunningPrometheus> {
  const port = await freePort();
  const proc = startProcess("prometheus", toolOrThrow("prometheus"), [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${dataDir}`,
    `--web.listen-address=127.0.0.1:${port}`,
    ...extraArgs,
  ], workDir);
  return { proc, url: await readyOrStopped(proc, port, 60_000) };
}

export interface RunningAlertmanager {
  proc: Proc;
  url: string;
}

/** Starts the real Alertmanager (alone, no cluster) on a free port with `configFile`, state in `workDir`, and waits until it is ready. */
export async function startAlertmanager(workDir: string, configFile: string): Promise<RunningAlertmanager> {
  mkdirSync(workDir, { recursive: true });
  const port = await freePort();
  const proc = startProcess("alertmanager", alertmanagerForTest(workDir), [
    `--config.file=${configFile}`,
    `--storage.path=${path.join(workDir, "data")}`,
    `--web.listen-address=127.0.0.1:${port}`,
    "--cluster.listen-address=",
    "--log.level=debug",
  ], workDir);
  return { proc, url: await readyOrStopped(proc, port, 30_000) };
}

/** Alerts as Prometheus sends them to Alertmanager's v2 API. `endsAt` in the past resolves them. */
export async function postAlerts(amUrl: string, alerts: Array<{ labels: Record<string, string>; annotations?: Record<string, string>; startsAt?: string; endsAt?: string }>): Promise<void> {
  const res = await fetch(`${amUrl}/api/v2/alerts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(alerts),
    signal: AbortSignal.timeout(5000),
  });
  if (!res.ok) throw new Error(`POST ${amUrl}/api/v2/alerts: ${res.status} ${await res.text()}`);
}
