// The example service's traffic model, on its own: which requests fail, and
// what its request counters read at any instant when its load generator runs
// a schedule. The live service (shop.ts) uses the same injector; tests use
// `scrapedCounters` to write days of history a live run cannot produce.

/** The application routes the load generator exercises, in the order it alternates them; every one counts towards the checkout SLOs. */
export const ROUTES = [
  { method: "GET", route: "/cart" },
  { method: "POST", route: "/checkout" },
] as const;

/**
 * Deterministic error injection: with error ratio r, exactly r of the
 * requests fail, spread evenly (a debt of r per request; one fails whenever
 * the debt reaches 1).
 */
export class ErrorInjector {
  private debt = 0;

  fail(errorRatio: number): boolean {
    this.debt += errorRatio;
    if (this.debt >= 1 - 1e-12) {
      this.debt -= 1;
      return true;
    }
    return false;
  }
}

/** From `from` (ms) on, the load generator sends `rate` requests per second, `errorRatio` of which fail. */
export interface TrafficPhase {
  from: number;
  rate: number;
  errorRatio: number;
}

export interface CounterSeries {
  /** The labels the service writes (method, route, code); the scraper adds job and instance. */
  labels: { method: string; route: string; code: string };
  /** Scrape timestamps, ms. */
  t: number[];
  /** http_requests_total at each scrape. */
  v: number[];
}

/**
 * `http_requests_total` as scraped every `scrapeIntervalMs` from `start` to
 * `end` (ms) from a service started at `start` running `phases` (sorted by
 * `from`): the load generator's i-th request of a phase is sent at
 * from + i / rate seconds, routes alternate in order, and the injector decides
 * each request's code. Requests are counted at the instant they are sent.
 */
export function scrapedCounters(phases: readonly TrafficPhase[], start: number, end: number, scrapeIntervalMs: number): CounterSeries[] {
  const series = ROUTES.flatMap((r) => ["200", "500"].map((code) => ({ labels: { method: r.method, route: r.route, code }, t: [] as number[], v: [] as number[] })));
  const counts = new Array<number>(series.length).fill(0);
  const injector = new ErrorInjector();
  let next = 0; // the route of the next request
  let scrape = start;
  const emit = (upTo: number) => {
    while (scrape <= upTo && scrape <= end) {
      series.forEach((s, i) => {
        s.t.push(scrape);
        s.v.push(counts[i]!);
      });
      scrape += scrapeIntervalMs;
    }
  };
  for (const [p, phase] of phases.entries()) {
    const phaseStart = Math.max(phase.from, start);
    const phaseEnd = Math.min(phases[p + 1]?.from ?? Infinity, end + 1);
    if (phase.rate <= 0 || phaseStart >= phaseEnd) continue;
    for (let i = 0; ; i++) {
      const at = phaseStart + (i * 1000) / phase.rate;
      if (at >= phaseEnd) break;
      emit(at - 1e-9); // scrapes strictly before this request
      const route = next++ % ROUTES.length;
      const failed = injector.fail(phase.errorRatio);
      counts[route * 2 + (failed ? 1 : 0)]!++;
    }
  }
  emit(end);
  return series;
}
