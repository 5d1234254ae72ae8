package dev.vitals.streams.slo;

import dev.vitals.schemas.ServiceKey;
import dev.vitals.schemas.signals.EdgeWindow;
import dev.vitals.schemas.signals.Health;
import dev.vitals.schemas.signals.SignalJson;
import dev.vitals.streams.graph.GraphTopology;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The dependency graph as the SLO topology sees it: the global stores of recent edge windows and of
 * every service's health. Absent (a topology without the graph) it knows no edges.
 */
final class GraphView {

  private final ReadOnlyKeyValueStore<String, String> edges;
  private final ReadOnlyKeyValueStore<String, String> health;

  private GraphView(
      ReadOnlyKeyValueStore<String, String> edges, ReadOnlyKeyValueStore<String, String> health) {
    this.edges = edges;
    this.health = health;
  }

  static GraphView of(ProcessingContext context) {
    return new GraphView(
        store(context, GraphTopology.EDGES_RECENT), store(context, GraphTopology.HEALTH_GLOBAL));
  }

  private static ReadOnlyKeyValueStore<String, String> store(ProcessingContext c, String name) {
    try {
      return c.getStateStore(name);
    } catch (StreamsException | IllegalStateException e) {
      return null;
    }
  }

  /** Whether the topology has the graph at all. */
  boolean present() {
    return edges != null;
  }

  /** The service's calls to others (its edges as client), every window kept. */
  List<EdgeWindow> downstream(ServiceKey self) {
    return windows(self + "|", true);
  }

  /** The calls to the service (its edges as server), every window kept. */
  List<EdgeWindow> upstream(ServiceKey self) {
    return windows("|" + self, false);
  }

  /** Whether the service is on any edge, as caller or callee. */
  boolean contains(ServiceKey self) {
    return !windows(self + "|", true).isEmpty() || !windows("|" + self, false).isEmpty();
  }

  /** The end of the newest window of the service's calls, or null without any. */
  Instant downstreamUpTo(ServiceKey self) {
    Instant newest = null;
    for (EdgeWindow w : downstream(self)) {
      newest = newest == null || w.windowEnd().isAfter(newest) ? w.windowEnd() : newest;
    }
    return newest;
  }

  Health health(ServiceKey key) {
    if (health == null) {
      return null;
    }
    String json = health.get(key.toString());
    try {
      return json == null
          ? null
          : SignalJson.read(json.getBytes(StandardCharsets.UTF_8), Health.class);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private List<EdgeWindow> windows(String part, boolean prefix) {
    List<EdgeWindow> out = new ArrayList<>();
    if (edges == null) {
      return out;
    }
    try (KeyValueIterator<String, String> it = edges.all()) {
      while (it.hasNext()) {
        KeyValue<String, String> kv = it.next();
        if (prefix ? kv.key.startsWith(part) : kv.key.endsWith(part)) {
          out.addAll(read(kv.value));
        }
      }
    }
    return out;
  }

  private static List<EdgeWindow> read(String json) {
    try {
      return List.of(SignalJson.MAPPER.readValue(json, EdgeWindow[].class));
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }
}
