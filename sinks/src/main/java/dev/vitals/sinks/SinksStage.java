package dev.vitals.sinks;

import dev.vitals.sinks.alertmanager.AlertmanagerSink;
import dev.vitals.sinks.delivery.StoreSink;
import dev.vitals.sinks.delivery.StoreWriter;
import dev.vitals.sinks.http.DestinationClient;
import dev.vitals.sinks.influx.InfluxWriter;
import dev.vitals.sinks.metrics.SinkMetrics;
import dev.vitals.sinks.otlp.OtlpWriter;
import dev.vitals.sinks.remotewrite.RemoteWriteWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sinks stage: one consumer group per destination, each turning the signal topics into writes
 * to its store (or alerts to its Alertmanager). A slow or dead destination pauses only its own
 * consumer.
 */
public final class SinksStage implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SinksStage.class);

  private final List<Running> running;
  private boolean closed;

  private SinksStage(List<Running> running) {
    this.running = running;
  }

  /**
   * Starts a sink per destination.
   *
   * @param kafka consumer and producer properties (at least {@code bootstrap.servers})
   */
  public static SinksStage start(
      SinkSettings settings, Map<String, Object> kafka, PrometheusRegistry registry)
      throws IOException {
    List<Running> running = new ArrayList<>();
    SinksStage server = new SinksStage(running);
    try {
      SinkMetrics metrics = null;
      for (SinkSettings.Destination d : settings.destinations()) {
        if (d.kind() == SinkSettings.Kind.ALERTMANAGER) {
          var am =
              AlertmanagerSink.builder(d, settings.topics(), kafka, registry)
                  .clock(Clock.systemUTC())
                  .delivery(settings.delivery())
                  .start();
          running.add(new Running(d.name(), am::ready, () -> {}, am));
          continue;
        }
        if (metrics == null) {
          metrics = new SinkMetrics(registry);
        }
        StoreSink sink =
            StoreSink.start(
                d,
                settings.delivery(),
                settings.topics(),
                kafka,
                writer(d),
                metrics,
                Clock.systemUTC());
        running.add(new Running(d.name(), sink::ready, sink::stop, sink));
      }
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  static StoreWriter writer(SinkSettings.Destination d) throws IOException {
    DestinationClient client = new DestinationClient(d);
    switch (d.kind()) {
      case REMOTE_WRITE:
        return new RemoteWriteWriter(client);
      case INFLUX:
        return new InfluxWriter(client);
      case OTLP:
        return new OtlpWriter(client);
      default:
        throw new IllegalArgumentException("kind: " + d.kind() + " (expected: a store)");
    }
  }

  /** True once every sink's consumer has joined its group. */
  public boolean ready() {
    for (Running r : running) {
      if (!r.ready().getAsBoolean()) {
        return false;
      }
    }
    return true;
  }

  /** Stops consuming; a batch in flight is finished (or left uncommitted), offsets committed. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    running.forEach(r -> r.stop().run());
    for (Running r : running) {
      try {
        r.closeable().close();
      } catch (Exception e) {
        log.warn("sink {}: close failed: {}", r.name(), e.toString());
      }
    }
  }

  private record Running(
      String name, BooleanSupplier ready, Runnable stop, AutoCloseable closeable) {}
}
