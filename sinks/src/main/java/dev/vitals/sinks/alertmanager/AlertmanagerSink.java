package dev.vitals.sinks.alertmanager;

import dev.vitals.schemas.Topics;
import dev.vitals.sinks.SinkSettings;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.util.Map;

/** Placeholder: the real Alertmanager sink is written on another branch; drop this at merge. */
public final class AlertmanagerSink implements AutoCloseable {

  private AlertmanagerSink() {}

  public static AlertmanagerSink start(
      SinkSettings.Destination destination,
      Topics topics,
      Map<String, Object> kafka,
      PrometheusRegistry registry,
      Clock clock) {
    throw new UnsupportedOperationException("AlertmanagerSink is not on this branch");
  }

  public boolean ready() {
    return false;
  }

  @Override
  public void close() {}
}
