package dev.vitals.app.config;

import static java.util.Objects.requireNonNull;

import dev.vitals.ingest.IngestSettings;
import dev.vitals.sinks.SinkSettings;

/**
 * The whole of {@code vitals.yaml}, validated. Load it with {@link ConfigLoader}.
 *
 * @param kafka how to reach Kafka and how to create topics
 * @param ingest the ingest stage (its topic prefix comes from {@code kafka.topicPrefix})
 * @param admin the admin server of every process
 * @param standalone the embedded broker of {@code vitals standalone}
 * @param sinks the destinations of the sinks stage (topic prefix from {@code kafka.topicPrefix})
 */
public record VitalsConfig(
    KafkaSettings kafka,
    IngestSettings ingest,
    AdminSettings admin,
    StandaloneSettings standalone,
    SinkSettings sinks) {

  public VitalsConfig {
    requireNonNull(kafka, "kafka");
    requireNonNull(ingest, "ingest");
    requireNonNull(admin, "admin");
    requireNonNull(standalone, "standalone");
    requireNonNull(sinks, "sinks");
  }

  public VitalsConfig withKafka(KafkaSettings kafka) {
    return new VitalsConfig(kafka, ingest, admin, standalone, sinks);
  }

  public VitalsConfig withIngest(IngestSettings ingest) {
    return new VitalsConfig(kafka, ingest, admin, standalone, sinks);
  }

  public VitalsConfig withStandalone(StandaloneSettings standalone) {
    return new VitalsConfig(kafka, ingest, admin, standalone, sinks);
  }

  public VitalsConfig withSinks(SinkSettings sinks) {
    return new VitalsConfig(kafka, ingest, admin, standalone, sinks);
  }

  /** The effective configuration as YAML, with tokens and secret client properties redacted. */
  public String toRedactedYaml() {
    return ConfigPrinter.redactedYaml(this);
  }
}
