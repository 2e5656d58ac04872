/**
 * A thread of `monac test` (see pool.ts): takes the next file no thread has
 * taken, runs it with the run's options and sends its result, until none is left.
 */
import { parentPort, workerData } from "node:worker_threads";
import { runTestFile, type FileResult, type RunOptions } from "./runner.js";

export interface WorkerSetup {
  files: readonly string[];
  opts: RunOptions;
  /** [0]: the first file no thread has taken yet (an Int32Array over it). */
  next: SharedArrayBuffer;
}

export type WorkerReply = { index: number; result: FileResult } | { index: number; error: string };

if (parentPort !== null) {
  const port = parentPort;
  const { files, opts, next } = workerData as WorkerSetup;
  const counter = new Int32Array(next);
  for (let i = Atomics.add(counter, 0, 1); i < files.length; i = Atomics.add(counter, 0, 1)) {
    try {
      port.postMessage({ index: i, result: await runTestFile(files[i]!, opts) } satisfies WorkerReply);
    } catch (e) {
      port.postMessage({ index: i, error: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies WorkerReply);
    }
  }
}
