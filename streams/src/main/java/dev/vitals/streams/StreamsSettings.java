package dev.vitals.streams;

import static java.util.Objects.requireNonNull;

import dev.vitals.schemas.Topics;
import dev.vitals.streams.graph.GraphSettings;
import dev.vitals.streams.slo.SloSettings;
import dev.vitals.streams.window.WindowSettings;
import java.nio.file.Path;

/**
 * The streams stage: its Kafka Streams application, the service-window topology, the SLO and alert
 * topology, and the query API.
 *
 * @param applicationId the Kafka Streams {@code application.id}: instances sharing it split the
 *     work; also the prefix of its internal topics and its consumer group
 * @param stateDir where the local state stores live (restored from changelogs when lost)
 * @param threads stream threads of this instance
 * @param standbyReplicas warm copies of each task's state on other instances (fast failover)
 * @param replicationFactor of the internal topics; 0 means min(3, number of brokers)
 * @param query the query API and status page
 * @param graph how spans are paired into the dependency graph
 */
public record StreamsSettings(
    Topics topics,
    String applicationId,
    Path stateDir,
    int threads,
    int standbyReplicas,
    int replicationFactor,
    WindowSettings windows,
    SloSettings slo,
    QuerySettings query,
    GraphSettings graph) {

  public static final String DEFAULT_APPLICATION_ID = "vitals-streams";

  /** Settings with the graph's defaults. */
  public StreamsSettings(
      Topics topics,
      String applicationId,
      Path stateDir,
      int threads,
      int standbyReplicas,
      int replicationFactor,
      WindowSettings windows,
      SloSettings slo,
      QuerySettings query) {
    this(
        topics,
        applicationId,
        stateDir,
        threads,
        standbyReplicas,
        replicationFactor,
        windows,
        slo,
        query,
        GraphSettings.DEFAULTS);
  }

  public StreamsSettings {
    requireNonNull(topics, "topics");
    requireNonNull(applicationId, "applicationId");
    requireNonNull(stateDir, "stateDir");
    requireNonNull(windows, "windows");
    requireNonNull(slo, "slo");
    requireNonNull(query, "query");
    requireNonNull(graph, "graph");
    if (applicationId.isBlank() || !applicationId.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException(
          "applicationId: \"" + applicationId + "\" (expected: letters, digits, '.', '_', '-')");
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads: " + threads + " (expected: >= 1)");
    }
    if (standbyReplicas < 0) {
      throw new IllegalArgumentException(
          "standbyReplicas: " + standbyReplicas + " (expected: >= 0)");
    }
    if (replicationFactor < 0) {
      throw new IllegalArgumentException(
          "replicationFactor: " + replicationFactor + " (expected: >= 0, 0 for automatic)");
    }
  }

  public StreamsSettings withStateDir(Path dir) {
    return new StreamsSettings(
        topics,
        applicationId,
        dir,
        threads,
        standbyReplicas,
        replicationFactor,
        windows,
        slo,
        query,
        graph);
  }

  public StreamsSettings withGraph(GraphSettings g) {
    return new StreamsSettings(
        topics,
        applicationId,
        stateDir,
        threads,
        standbyReplicas,
        replicationFactor,
        windows,
        slo,
        query,
        g);
  }
}
