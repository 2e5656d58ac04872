#!/usr/bin/env node
// Thin launcher: the CLI is compiled and bundled into dist/bundle/ by `npm install` (the prepare script).
import { setFlagsFromString } from "node:v8";

// A monac command is a short burst of a lot of different code: with V8's
// default interrupt budget it tiers up hundreds of functions that are hot for
// a few milliseconds, and its optimizing compiler's threads take a third of
// the CPU of a 1,000-SLO build on two cores. Tiering up after ~9x more
// bytecode executed cut that build's CPU time by 30% and its wall time by
// 15%, the example workspace's build and tests' wall time by 15-20%, and left
// long runs (a 10,000-SLO build) unchanged (README, "Benchmarks"). Set before
// any of the CLI's code is compiled; a budget given on node's own command
// line (--interrupt-budget or --interrupt_budget) is left alone.
if (!process.execArgv.some((a) => a.replaceAll("_", "-").startsWith("--interrupt-budget"))) setFlagsFromString("--interrupt-budget=600000");

const { main } = await import("../dist/bundle/main.js");

// `monac test | head`: a reader that stops early is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}

process.exitCode = await main(process.argv.slice(2));
