package dev.vitals.app.config;

import static java.util.Objects.requireNonNull;

import dev.vitals.ingest.IngestSettings;
import dev.vitals.sinks.SinkSettings;
import dev.vitals.streams.StreamsSettings;

/**
 * The whole of {@code vitals.yaml}, validated. Load it with {@link ConfigLoader}.
 *
 * @param kafka how to reach Kafka and how to create topics
 * @param ingest the ingest stage (its topic prefix comes from {@code kafka.topicPrefix})
 * @param admin the admin server of every process
 * @param standalone the embedded broker of {@code vitals standalone}
 * @param streams the streams stage: windows, SLOs, alerts, query API (topic prefix from {@code
 *     kafka.topicPrefix}, replication from {@code kafka.replicationFactor})
 * @param sinks the destinations of the sinks stage (topic prefix from {@code kafka.topicPrefix})
 */
public record VitalsConfig(
    KafkaSettings kafka,
    IngestSettings ingest,
    AdminSettings admin,
    StandaloneSettings standalone,
    StreamsSettings streams,
    SinkSettings sinks) {

  /** Where the streams stage keeps its state unless configured; standalone uses its dataDir. */
  public static final String DEFAULT_STREAMS_STATE_DIR = StreamsBinder.DEFAULT_STATE_DIR;

  public VitalsConfig {
    requireNonNull(kafka, "kafka");
    requireNonNull(ingest, "ingest");
    requireNonNull(admin, "admin");
    requireNonNull(standalone, "standalone");
    requireNonNull(streams, "streams");
    requireNonNull(sinks, "sinks");
  }

  public VitalsConfig withKafka(KafkaSettings kafka) {
    return new VitalsConfig(kafka, ingest, admin, standalone, streams, sinks);
  }

  public VitalsConfig withIngest(IngestSettings ingest) {
    return new VitalsConfig(kafka, ingest, admin, standalone, streams, sinks);
  }

  public VitalsConfig withStandalone(StandaloneSettings standalone) {
    return new VitalsConfig(kafka, ingest, admin, standalone, streams, sinks);
  }

  public VitalsConfig withStreams(StreamsSettings streams) {
    return new VitalsConfig(kafka, ingest, admin, standalone, streams, sinks);
  }

  public VitalsConfig withSinks(SinkSettings sinks) {
    return new VitalsConfig(kafka, ingest, admin, standalone, streams, sinks);
  }

  /** The effective configuration as YAML, with tokens and secret client properties redacted. */
  public String toRedactedYaml() {
    return ConfigPrinter.redactedYaml(this);
  }
}
