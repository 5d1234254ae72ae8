/**
 * Who calls whom: the dependency graph from traces. {@link
 * dev.vitals.streams.graph.GraphTopology#addTo} builds it; {@link
 * dev.vitals.streams.graph.GraphSettings} tunes it; {@link dev.vitals.streams.graph.GraphMetrics}
 * counts what it does.
 *
 * <h2>Pairing</h2>
 *
 * A CLIENT (or PRODUCER) span and a SERVER (or CONSUMER) span of another service are one call when
 * they share the trace id and the server span's parent span id is the client span's id, as Tempo's
 * service graph and the Collector's {@code servicegraph} connector pair them. Spans are
 * repartitioned by tenant and trace id, so both halves meet in one task however many ingest and
 * streams instances there are. A half waits up to {@code pairingWait} of event time (default 10 s)
 * for the other; a client span still alone then is a call to the virtual node its attributes name
 * ({@code peer.service}, {@code server.address}, {@code db.system.name}/{@code db.system} + {@code
 * db.namespace}, {@code messaging.system} + {@code messaging.destination.name}); a server span
 * alone is counted as unpaired; a root SERVER span is a call from the virtual node {@code user}.
 * Errors: the client or the server span has status ERROR. Latency: the client span's duration (as
 * the caller saw the call) and the server span's, each in its own sketch.
 *
 * <h2>Windows</h2>
 *
 * Calls are windowed by their client span's end (the server span's for calls from {@code user}) in
 * the service windows' size; a window closes once the task's clock passes its end plus grace plus
 * the pairing wait, and is re-emitted with a higher revision for later calls up to the correction
 * horizon. Counts are of spans received ({@code sampled: true}): a head sampler that keeps 10 % of
 * traces makes every edge count 10 % of its calls.
 *
 * <h2>Memory</h2>
 *
 * The pending store is in memory (changelogged, so a moved task restores it) and holds at most
 * {@code maxPendingSpans} entries per task; a paired call leaves a small marker until its wait
 * would have ended, so a span delivered twice (ingest is at-least-once) is not a second call.
 */
package dev.vitals.streams.graph;
