package dev.vitals.sinks.remotewrite;

import dev.vitals.sinks.delivery.StoreWriter;
import dev.vitals.sinks.delivery.WriteResult;
import dev.vitals.sinks.http.DestinationClient;
import dev.vitals.sinks.series.SeriesSample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.xerial.snappy.Snappy;

/**
 * Prometheus remote write 1.0: a snappy-block-compressed {@code WriteRequest}, one series per
 * sample in the order given (as Prometheus sends), labels (with {@code __name__}) sorted by name.
 */
public final class RemoteWriteWriter implements StoreWriter {

  private final DestinationClient client;

  public RemoteWriteWriter(DestinationClient client) {
    this.client = client;
  }

  @Override
  public CompletableFuture<WriteResult> write(List<SeriesSample> samples, String tenant) {
    HttpRequest request;
    try {
      request =
          client
              .request(client.destination().url(), tenant)
              .setHeader("Content-Encoding", "snappy")
              .setHeader("Content-Type", "application/x-protobuf")
              .setHeader("X-Prometheus-Remote-Write-Version", "0.1.0")
              .POST(compressed(samples))
              .build();
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(WriteResult.error(e));
    }
    return client.send(request).thenApply(WriteResult::of);
  }

  private static HttpRequest.BodyPublisher compressed(List<SeriesSample> samples) {
    return RequestEncoder.encode(
        samples,
        (raw, length) -> {
          byte[] out = new byte[Snappy.maxCompressedLength(length)];
          int n = compress(raw, length, out);
          return HttpRequest.BodyPublishers.ofByteArray(out, 0, n);
        });
  }

  private static int compress(byte[] raw, int length, byte[] out) {
    try {
      return Snappy.rawCompress(raw, 0, length, out, 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The compressed request body. */
  public static byte[] body(List<SeriesSample> samples) {
    try {
      byte[] raw = RequestEncoder.encode(samples);
      return Snappy.compress(raw);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
