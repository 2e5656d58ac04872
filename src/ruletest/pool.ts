/**
 * Many rule-test files at once. Each file is independent (its own rules,
 * series and engine), so `monac test` spreads them over this thread and
 * worker threads, one file at a time to whichever is free, and reports them
 * in the files' order: the output is the same whatever the number of jobs.
 * This thread takes files too, so a short run is not slower for waiting on
 * threads to start.
 *
 * The threads run the compiled test-worker.js beside this module. Run from
 * the TypeScript sources (the test suite), there is none: the files then
 * run one after another on this thread, as they do with one job.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { runTestFile, type FileResult, type RunOptions } from "./runner.js";
import type { WorkerReply, WorkerSetup } from "./test-worker.js";

const WORKER = new URL("./test-worker.js", import.meta.url);

/**
 * Files per job below which another thread does not pay: starting one (its
 * modules, a cold JIT) costs about as much as running a dozen small files.
 */
const FILES_PER_JOB = 16;

/** How many of `files` test files run at once by default: one per core, and no more than FILES_PER_JOB each. */
export function defaultJobs(files: number): number {
  return Math.max(1, Math.min(availableParallelism(), Math.ceil(files / FILES_PER_JOB)));
}

/** Whether `jobs` above one can run in parallel here (false from the TypeScript sources). */
export function canRunInParallel(): boolean {
  return WORKER.protocol === "file:" && existsSync(fileURLToPath(WORKER));
}

/**
 * Starts running `files`, `jobs` at a time (this thread being one).
 * `results[i]()` is file i's result, once it has run: call them in order;
 * this thread runs files while it waits. `close` stops the threads.
 */
export function startTestFiles(files: readonly string[], opts: RunOptions, jobs: number): { results: Array<() => Promise<FileResult>>; close(): void } {
  const threads = Math.min(jobs, files.length) - 1;
  if (threads < 1 || !canRunInParallel()) return { results: files.map((f) => () => runTestFile(f, opts)), close: () => {} };

  const settle = files.map(() => {
    let resolve!: (r: FileResult) => void;
    let reject!: (e: Error) => void;
    const promise = new Promise<FileResult>((res, rej) => ((resolve = res), (reject = rej)));
    // A file no one asks for after a failure elsewhere must not be an unhandled rejection.
    promise.catch(() => {});
    return { promise, resolve, reject, done: false };
  });
  const finished = (i: number, r: FileResult): void => {
    settle[i]!.done = true;
    settle[i]!.resolve(r);
  };
  const failed = (i: number, e: Error): void => {
    settle[i]!.done = true;
    settle[i]!.reject(e);
  };
  // [0]: the first file no one has taken yet. Every thread takes the next
  // file itself, without waiting for this one (busy running a file) to hand it out.
  const next = new Int32Array(new SharedArrayBuffer(4));
  const take = (): number => Atomics.add(next, 0, 1);
  const workers: Worker[] = [];
  for (let k = 0; k < threads; k++) {
    const w = new Worker(WORKER, { workerData: { files, opts, next: next.buffer } satisfies WorkerSetup });
    w.on("message", (m: WorkerReply) => {
      if ("result" in m) finished(m.index, m.result);
      else failed(m.index, new Error(m.error));
    });
    // A thread that dies takes every unfinished file with it.
    w.on("error", (e) => settle.forEach((_, i) => failed(i, e)));
    workers.push(w);
  }
  const result = async (i: number): Promise<FileResult> => {
    // Until file i is done (here, or on the thread that took it), run the next one no one has taken.
    while (!settle[i]!.done) {
      const j = take();
      if (j >= files.length) break;
      finished(j, await runTestFile(files[j]!, opts));
    }
    return settle[i]!.promise;
  };
  return {
    results: files.map((_, i) => () => result(i)),
    close: () => workers.forEach((w) => void w.terminate()),
  };
}
