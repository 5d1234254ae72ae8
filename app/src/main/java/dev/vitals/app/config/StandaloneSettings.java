package dev.vitals.app.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * The embedded broker of {@code vitals standalone}.
 *
 * @param dataDir where the broker keeps its data (in {@code <dataDir>/kafka}); survives restarts
 * @param kafkaPort the broker's client port on localhost
 * @param controllerPort the KRaft controller's port on localhost
 * @param demo a loadgen scenario (built-in name or file) sent to the local ingest in real time, so
 *     the status page has something to show; null for none
 */
public record StandaloneSettings(Path dataDir, int kafkaPort, int controllerPort, String demo) {

  public static final int DEFAULT_KAFKA_PORT = 9092;
  public static final int DEFAULT_CONTROLLER_PORT = 9093;
  public static final String DEFAULT_DEMO = "demo";

  public StandaloneSettings {
    requireNonNull(dataDir, "dataDir");
  }

  public StandaloneSettings withDataDir(Path dir) {
    return new StandaloneSettings(dir, kafkaPort, controllerPort, demo);
  }

  public StandaloneSettings withDemo(String scenario) {
    return new StandaloneSettings(dataDir, kafkaPort, controllerPort, scenario);
  }
}
