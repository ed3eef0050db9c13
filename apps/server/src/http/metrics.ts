/**
 * Prometheus metrics, hand-written: request counts and latency by route and
 * status, records pushed and pulled, open live streams.
 */

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export class Metrics {
  readonly #requests = new Map<string, number>();
  readonly #latency = new Map<string, Histogram>();
  readonly #counters = new Map<string, number>();
  readonly #startedAt = Date.now();
  liveStreams = 0;

  /** Count one finished request; `route` is the route pattern, never the raw URL. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const key = `method="${escapeLabel(method)}",route="${escapeLabel(route)}",status="${status}"`;
    this.#requests.set(key, (this.#requests.get(key) ?? 0) + 1);
    const hkey = `method="${escapeLabel(method)}",route="${escapeLabel(route)}"`;
    let h = this.#latency.get(hkey);
    if (!h) {
      h = { counts: BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.#latency.set(hkey, h);
    }
    for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]!) h.counts[i]!++;
    h.sum += seconds;
    h.count++;
  }

  /** Add to a plain counter (e.g. `coffer_records_pushed_total`). */
  add(name: string, value = 1): void {
    this.#counters.set(name, (this.#counters.get(name) ?? 0) + value);
  }

  /** The exposition text (format 0.0.4). */
  render(): string {
    const out: string[] = [];
    out.push('# HELP coffer_http_requests_total HTTP requests by method, route and status.');
    out.push('# TYPE coffer_http_requests_total counter');
    for (const [labels, n] of this.#requests)
      out.push(`coffer_http_requests_total{${labels}} ${n}`);
    out.push('# HELP coffer_http_request_duration_seconds Request latency by method and route.');
    out.push('# TYPE coffer_http_request_duration_seconds histogram');
    for (const [labels, h] of this.#latency) {
      BUCKETS.forEach((le, i) => {
        out.push(
          `coffer_http_request_duration_seconds_bucket{${labels},le="${le}"} ${h.counts[i]}`,
        );
      });
      out.push(`coffer_http_request_duration_seconds_bucket{${labels},le="+Inf"} ${h.count}`);
      out.push(`coffer_http_request_duration_seconds_sum{${labels}} ${h.sum}`);
      out.push(`coffer_http_request_duration_seconds_count{${labels}} ${h.count}`);
    }
    for (const [name, n] of this.#counters) {
      out.push(`# TYPE ${name} counter`, `${name} ${n}`);
    }
    out.push('# TYPE coffer_live_streams gauge', `coffer_live_streams ${this.liveStreams}`);
    out.push(
      '# TYPE process_resident_memory_bytes gauge',
      `process_resident_memory_bytes ${process.memoryUsage.rss()}`,
    );
    out.push(
      '# TYPE process_uptime_seconds gauge',
      `process_uptime_seconds ${(Date.now() - this.#startedAt) / 1000}`,
    );
    return `${out.join('\n')}\n`;
  }
}
