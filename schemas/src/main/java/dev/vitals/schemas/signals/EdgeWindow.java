package dev.vitals.schemas.signals;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.vitals.schemas.ServiceKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One closed window of calls from one service (or virtual node) to another: a record of {@code
 * vitals.edges.v1}, keyed by {@link #key}. A late correction re-emits the same window with a higher
 * {@code revision}.
 *
 * @param client the caller: a service, or the virtual node {@code user} for requests that came from
 *     outside (root server spans)
 * @param server the callee: a service, or a virtual node named by the caller's span ({@code
 *     peer.service}, {@code server.address}, {@code db.system}/{@code db.namespace}, {@code
 *     messaging.system}/destination) when the callee sent no span of the call
 * @param connectionType {@code ""} for a call between two instrumented services, {@code
 *     messaging_system} for producer/consumer pairs, {@code database} or {@code virtual_node} for a
 *     callee known only from the caller's span (the values of Tempo's and the Collector's service
 *     graph)
 * @param requests calls that ended in the window
 * @param errors of those, the ones whose client or server span has status ERROR
 * @param clientLatency duration of the client spans (as the caller saw the call); null when no call
 *     had a client span (calls from {@code user})
 * @param serverLatency duration of the server spans; null when no call had a server span (virtual
 *     callees)
 * @param sampled true when the counts come from spans, of which a sampler may have kept only some:
 *     they count the calls traced, not every call made
 * @param totals the edge's running totals when the window was emitted (counters for stores); may be
 *     null
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record EdgeWindow(
    String tenant,
    Node client,
    Node server,
    String connectionType,
    Instant windowStart,
    Instant windowEnd,
    int revision,
    long requests,
    long errors,
    ServiceWindow.Latency clientLatency,
    ServiceWindow.Latency serverLatency,
    boolean sampled,
    @Nullable Totals totals) {

  /** The {@code connectionType} of a call between two instrumented services. */
  public static final String DIRECT = "";

  public static final String MESSAGING_SYSTEM = "messaging_system";
  public static final String DATABASE = "database";
  public static final String VIRTUAL_NODE = "virtual_node";

  private static final Set<String> CONNECTION_TYPES =
      Set.of(DIRECT, MESSAGING_SYSTEM, DATABASE, VIRTUAL_NODE);

  /** A window without running totals. */
  public EdgeWindow(
      String tenant,
      Node client,
      Node server,
      String connectionType,
      Instant windowStart,
      Instant windowEnd,
      int revision,
      long requests,
      long errors,
      ServiceWindow.Latency clientLatency,
      ServiceWindow.Latency serverLatency,
      boolean sampled) {
    this(
        tenant,
        client,
        server,
        connectionType,
        windowStart,
        windowEnd,
        revision,
        requests,
        errors,
        clientLatency,
        serverLatency,
        sampled,
        null);
  }

  public EdgeWindow {
    requireNonNull(tenant, "tenant");
    requireNonNull(client, "client");
    requireNonNull(server, "server");
    requireNonNull(windowStart, "windowStart");
    requireNonNull(windowEnd, "windowEnd");
    connectionType = connectionType == null ? DIRECT : connectionType;
    if (!CONNECTION_TYPES.contains(connectionType)) {
      throw new IllegalArgumentException(
          "connectionType: \"" + connectionType + "\" (expected: one of " + CONNECTION_TYPES + ")");
    }
    if (!windowEnd.isAfter(windowStart)) {
      throw new IllegalArgumentException(
          "windowEnd: " + windowEnd + " (expected: after windowStart " + windowStart + ")");
    }
  }

  /**
   * The record key of an edge: {@code tenant/clientNamespace/client|tenant/serverNamespace/server}.
   */
  public static String key(String tenant, Node client, Node server) {
    return new ServiceKey(tenant, client.namespace(), client.name())
        + "|"
        + new ServiceKey(tenant, server.namespace(), server.name());
  }

  /** {@link #key(String, Node, Node)} of this edge, as UTF-8 bytes. */
  public byte[] keyBytes() {
    return key(tenant, client, server).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A node of the graph: a service as its resource names it, or a virtual node.
   *
   * @param virtual true for a node that sent no spans of its own: {@code user}, or a callee named
   *     by its caller's span
   */
  public record Node(String namespace, String name, boolean virtual) {

    /** The virtual caller of requests that came from outside the traced system. */
    public static final Node USER = new Node("", "user", true);

    public Node {
      requireNonNull(namespace, "namespace");
      requireNonNull(name, "name");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("name: \"\" (expected: not empty)");
      }
    }

    public static Node service(String namespace, String name) {
      return new Node(namespace, name, false);
    }

    public static Node virtual(String name) {
      return new Node("", name, true);
    }
  }

  /**
   * Everything counted on the edge since the streams stage first saw it (per task: it restarts from
   * zero only if the stage's state is lost), as of {@code at}, the time the window was emitted:
   * counters that only grow, so a store that reads them at processing time gets late calls too.
   *
   * @param clientSeconds client span durations; {@code counts[i]} calls at most {@code bounds[i]},
   *     the last one above every bound (Prometheus' {@code le} buckets, not cumulative here)
   */
  public record Totals(
      Instant at, long requests, long errors, Histogram clientSeconds, Histogram serverSeconds) {
    public Totals {
      requireNonNull(at, "at");
      requireNonNull(clientSeconds, "clientSeconds");
      requireNonNull(serverSeconds, "serverSeconds");
    }
  }

  /** A histogram with fixed bounds: per-bucket counts (one more than bounds), sum, count. */
  public record Histogram(java.util.List<Double> bounds, java.util.List<Long> counts, double sum) {
    public Histogram {
      bounds = java.util.List.copyOf(bounds);
      counts = java.util.List.copyOf(counts);
      if (counts.size() != bounds.size() + 1) {
        throw new IllegalArgumentException(
            "counts: " + counts.size() + " (expected: bounds + 1 = " + (bounds.size() + 1) + ")");
      }
    }
  }
}
