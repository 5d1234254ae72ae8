package dev.vitals.sinks.remotewrite;

import dev.vitals.schemas.remotewrite.Label;
import dev.vitals.schemas.remotewrite.RemoteWriteCodec;
import dev.vitals.schemas.remotewrite.TimeSeries;
import dev.vitals.schemas.remotewrite.WriteRequest;
import dev.vitals.sinks.delivery.StoreWriter;
import dev.vitals.sinks.delivery.WriteResult;
import dev.vitals.sinks.http.DestinationClient;
import dev.vitals.sinks.series.Sample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.xerial.snappy.Snappy;

/**
 * Prometheus remote write 1.0: a snappy-block-compressed {@code WriteRequest}, one series per label
 * set with its samples in the order given, labels (with {@code __name__}) sorted by name.
 */
public final class RemoteWriteWriter implements StoreWriter {

  private final DestinationClient client;

  public RemoteWriteWriter(DestinationClient client) {
    this.client = client;
  }

  @Override
  public CompletableFuture<WriteResult> write(List<Sample> samples, String tenant) {
    HttpRequest request;
    try {
      request =
          client
              .request(client.destination().url(), tenant)
              .setHeader("Content-Encoding", "snappy")
              .setHeader("Content-Type", "application/x-protobuf")
              .setHeader("X-Prometheus-Remote-Write-Version", "0.1.0")
              .POST(HttpRequest.BodyPublishers.ofByteArray(body(samples)))
              .build();
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(WriteResult.error(e));
    }
    return client.send(request).thenApply(WriteResult::of);
  }

  /** The compressed request body. */
  public static byte[] body(List<Sample> samples) {
    try {
      return Snappy.compress(RemoteWriteCodec.encode(request(samples)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static WriteRequest request(List<Sample> samples) {
    Map<String, SeriesBuilder> series = new LinkedHashMap<>();
    for (Sample s : samples) {
      series.computeIfAbsent(s.seriesKey(), k -> new SeriesBuilder(s)).add(s);
    }
    List<TimeSeries> out = new ArrayList<>(series.size());
    series.values().forEach(b -> out.add(b.build()));
    return new WriteRequest(out);
  }

  private static final class SeriesBuilder {
    private final List<Label> labels;
    private final List<dev.vitals.schemas.remotewrite.Sample> samples = new ArrayList<>(1);

    SeriesBuilder(Sample first) {
      TreeMap<String, String> sorted = new TreeMap<>(first.labels());
      sorted.put("__name__", first.name());
      labels = new ArrayList<>(sorted.size());
      sorted.forEach((k, v) -> labels.add(new Label(k, v)));
    }

    void add(Sample s) {
      samples.add(new dev.vitals.schemas.remotewrite.Sample(s.value(), s.timestampMs()));
    }

    TimeSeries build() {
      return new TimeSeries(labels, samples);
    }
  }
}
