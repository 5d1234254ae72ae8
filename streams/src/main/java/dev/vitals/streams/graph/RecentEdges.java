package dev.vitals.streams.graph;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.vitals.schemas.signals.EdgeWindow;
import dev.vitals.schemas.signals.SignalJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the global store {@value GraphTopology#EDGES_RECENT}: per edge key, a JSON array of its
 * windows of the last {@code keep} (each window's latest revision, oldest first). A global store,
 * so every instance holds the whole graph: the query API answers {@code /api/v1/graph} and a
 * service's neighbours locally, and the SLO topology reads the edges of any service. It is rebuilt
 * by reading {@code vitals.edges.v1} again through this processor.
 */
final class RecentEdges implements Processor<byte[], byte[], Void, Void> {

  private static final TypeReference<List<EdgeWindow>> LIST = new TypeReference<>() {};

  private final long keepMs;
  private KeyValueStore<String, String> store;

  RecentEdges(long keepMs) {
    this.keepMs = keepMs;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(GraphTopology.EDGES_RECENT);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    if (record.key() == null || record.value() == null) {
      return;
    }
    EdgeWindow window;
    try {
      window = SignalJson.read(record.value(), EdgeWindow.class);
    } catch (RuntimeException e) {
      return;
    }
    String key = new String(record.key(), StandardCharsets.UTF_8);
    List<EdgeWindow> windows = read(store.get(key));
    windows.removeIf(
        w ->
            w.windowStart().equals(window.windowStart())
                || w.windowEnd().toEpochMilli() <= window.windowEnd().toEpochMilli() - keepMs);
    windows.add(window);
    windows.sort(Comparator.comparing(EdgeWindow::windowStart));
    store.put(key, new String(SignalJson.write(windows), StandardCharsets.UTF_8));
  }

  static List<EdgeWindow> read(String json) {
    if (json == null) {
      return new ArrayList<>();
    }
    try {
      return new ArrayList<>(SignalJson.MAPPER.readValue(json, LIST));
    } catch (IOException e) {
      return new ArrayList<>();
    }
  }
}
