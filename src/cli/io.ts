// What every `monac` command shares: its output streams and exit codes
// (0 ok, 1 findings or failures, 2 usage or I/O error). Its own module so that
// commands need not import main.ts, which imports them.

export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
}

export const processIO: CliIO = {
  out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
};
