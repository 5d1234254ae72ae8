package dev.vitals.sinks.influx;

import dev.vitals.sinks.delivery.StoreWriter;
import dev.vitals.sinks.delivery.WriteResult;
import dev.vitals.sinks.http.DestinationClient;
import dev.vitals.sinks.series.SeriesSample;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * InfluxDB line protocol (InfluxDB 1.x/2.x, VictoriaMetrics): one point per sample, measurement =
 * series name, tags = labels, one field {@code value}, the timestamp in the precision the URL's
 * {@code precision} parameter names (nanoseconds when it names none).
 */
public final class InfluxWriter implements StoreWriter {

  private final DestinationClient client;
  private final LineProtocol lines;

  public InfluxWriter(DestinationClient client) {
    this.client = client;
    this.lines = new LineProtocol(LineProtocol.precision(client.destination().url().getRawQuery()));
  }

  @Override
  public CompletableFuture<WriteResult> write(List<SeriesSample> samples, String tenant) {
    StringBuilder body = new StringBuilder(samples.size() * 128);
    for (SeriesSample s : samples) {
      lines.append(body, s);
    }
    HttpRequest request =
        client
            .request(client.destination().url(), tenant)
            .setHeader("Content-Type", "text/plain; charset=utf-8")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8))
            .build();
    return client.send(request).thenApply(WriteResult::of);
  }
}
