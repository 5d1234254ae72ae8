/**
 * The hot path of the streams stage: raw OTLP records in, one {@code vitals.service-windows.v1}
 * record per service (and per operation) and window out. {@link
 * dev.vitals.streams.window.WindowTopology#addTo} builds it; {@link
 * dev.vitals.streams.window.WindowSettings} tunes it; {@link
 * dev.vitals.streams.window.WindowMetrics} counts what it does.
 *
 * <h2>Time</h2>
 *
 * Every data point, span and log record has its own event time: a metric point's time, a span's
 * end, a log record's time (else its observed time); 0 means the Kafka record timestamp. Each task
 * keeps a clock ({@link dev.vitals.streams.window.EventClock}): while records arrive it is the
 * partition's watermark (newest event time, capped at the wall clock), so a replay, a backlog or a
 * catch-up is windowed by event time alone; only once no record arrived for {@code idleAfter} does
 * it run on in wall-clock time, so a quiet partition's windows still close. A window {@code [start,
 * end)} closes (revision 0) once the clock passes {@code end + grace}, checked on every record and
 * every {@code punctuateInterval} of wall time. A record for a closed window within {@code
 * correctionHorizon} of its end updates the kept totals, and the window is re-emitted with the next
 * revision at the next punctuation (several late records make one revision); later ones are counted
 * ({@code late_records_total{outcome="dropped"}}) and dropped. Records more than {@code
 * maxFutureSkew} ahead of the wall clock or of the task's clock are dropped as {@code future}. The
 * first window of a task is the one still open at its first record's clock.
 *
 * <h2>Requests</h2>
 *
 * From the server duration histograms of the semantic conventions ({@code
 * http.server.request.duration}, {@code rpc.server.call.duration}; the older millisecond {@code
 * http.server.duration}, {@code rpc.server.duration}; the unit field decides), explicit or
 * exponential, cumulative or delta; else from SERVER and CONSUMER spans. A service window that got
 * any of those metric points reports requests, errors and latency from metrics only, and its
 * operation windows follow it; spans are still counted in {@code spans}/{@code errorSpans}. An
 * error is an HTTP status ≥ 500, a non-OK gRPC status, an {@code error.type} without a status, or
 * span status ERROR. The operation is {@code http.route}, else {@code rpc.service/rpc.method} (or
 * {@code rpc.method}), else (spans) the span name.
 *
 * <h2>Cumulative to delta</h2>
 *
 * Per stream (resource, scope, metric name/unit/type, point attributes; a 128-bit hash) the
 * previous point is kept; see {@link dev.vitals.streams.window.CumulativeToDelta} for resets,
 * unknown start times and first points. Histogram min/max of converted points are dropped.
 *
 * <h2>Latency accuracy</h2>
 *
 * Spans and exponential histograms at scale ≥ 6 give quantiles within 0.54 % (the sketch's bucket
 * half-width); a coarser exponential histogram lowers the window's sketch to its scale (error
 * {@code 2^(2^-scale / 2) - 1}: 2.2 % at scale 4). Explicit-bucket histograms are interpolated
 * linearly within each bucket, so a quantile can be off by up to the width of the bucket it falls
 * in: with the advised HTTP bounds (5 ms … 10 s) a p99 in the (0.5 s, 0.75 s] bucket can be off by
 * up to 250 ms; the last bucket ends at the point's max when it is known (delta points), else at
 * its lower bound. Explicit points without min and max (cumulative ones) are summed per bound set
 * in the window's state and interpolated once, when the window is emitted (up to four bound sets
 * per window; points of further sets, and points with min/max, are interpolated at once): the same
 * counts, with each bucket's share spread over the bucket as one. Exponential histograms in
 * milliseconds are counted at each bucket's geometric middle.
 *
 * <h2>Budgets</h2>
 *
 * Budgets are kept per task (partition): at most {@code maxServicesPerTenant} services per tenant
 * (more go to the service {@code otel.metric.overflow}), {@code maxOperationsPerService} operations
 * per service (more go to the operation {@code otel.metric.overflow}), {@code maxSeriesPerService}
 * converted cumulative series per service (points of further series are dropped as {@code
 * series_budget}). With n partitions a tenant can have up to n times the service budget, and the
 * overflow service can get a window from each task.
 *
 * <h2>Partitioning</h2>
 *
 * The three raw topics must have the same partition count and be keyed by service (as ingest does)
 * so that a service's metrics, logs and spans meet in one task. Foreign records are re-keyed
 * through the {@code windows-rekey} repartition topic, which has the same partition count and the
 * default partitioner.
 */
package dev.vitals.streams.window;
