package dev.vitals.sinks.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitals.schemas.signals.SignalJson;
import dev.vitals.sinks.delivery.StoreSinkContract.Point;
import dev.vitals.sinks.delivery.StoreSinkContract.StoredSeries;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Raw samples out of Prometheus and VictoriaMetrics, through their query APIs. */
public final class StoreQueries {

  private StoreQueries() {}

  /**
   * Prometheus: a range selector at {@code time} returns the raw samples of the last two hours (an
   * instant selector would only see the 5 m lookback).
   */
  public static List<StoredSeries> prometheus(LocalStore store, String name, String tenant)
      throws Exception {
    String query = name + "{tenant=\"" + tenant + "\"}[2h]";
    double time = Instant.now().toEpochMilli() / 1000.0;
    JsonNode body =
        SignalJson.MAPPER.readTree(
            store.query("/api/v1/query?query=" + encode(query) + "&time=" + time));
    List<StoredSeries> out = new ArrayList<>();
    for (JsonNode series : body.path("data").path("result")) {
      Set<Point> points = new LinkedHashSet<>();
      for (JsonNode v : series.path("values")) {
        long ms = Math.round(v.get(0).asDouble() * 1000);
        points.add(new Point(ms, Double.parseDouble(v.get(1).asText())));
      }
      out.add(new StoredSeries(labels(series.path("metric")), points));
    }
    return out;
  }

  /** VictoriaMetrics: {@code /api/v1/export} gives the exact raw samples, one series a line. */
  public static List<StoredSeries> victoriaMetrics(LocalStore store, String name, String tenant)
      throws Exception {
    String match = name + "{tenant=\"" + tenant + "\"}";
    long start = Instant.now().minusSeconds(3 * 3600).getEpochSecond();
    String body = store.query("/api/v1/export?match[]=" + encode(match) + "&start=" + start);
    List<StoredSeries> out = new ArrayList<>();
    for (String line : body.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode series = SignalJson.MAPPER.readTree(line);
      Set<Point> points = new LinkedHashSet<>();
      JsonNode values = series.path("values");
      JsonNode timestamps = series.path("timestamps");
      for (int i = 0; i < values.size(); i++) {
        points.add(new Point(timestamps.get(i).asLong(), values.get(i).asDouble()));
      }
      out.add(new StoredSeries(labels(series.path("metric")), points));
    }
    return out;
  }

  private static Map<String, String> labels(JsonNode metric) {
    Map<String, String> labels = new HashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = metric.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getKey().equals("__name__")) {
        labels.put(e.getKey(), e.getValue().asText());
      }
    }
    return labels;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
