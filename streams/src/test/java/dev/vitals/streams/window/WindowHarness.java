package dev.vitals.streams.window;

import com.google.protobuf.Message;
import dev.vitals.schemas.ServiceKey;
import dev.vitals.schemas.Signal;
import dev.vitals.schemas.Topics;
import dev.vitals.schemas.signals.ServiceWindow;
import dev.vitals.schemas.signals.SignalJson;
import dev.vitals.schemas.signals.SignalSchemas;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * A TopologyTestDriver around the window topology, with OTLP in and service windows out. Its wall
 * clock starts an hour after {@link #T0}, so the tests' data (timed from T0) is never ahead of it;
 * unless a test asks for the settings' own {@code idleAfter}, the partition counts as idle a
 * millisecond after its last record, so that advancing the wall clock closes windows at once.
 */
final class WindowHarness implements AutoCloseable {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final long T0_MS = T0.toEpochMilli();

  final PrometheusRegistry registry = new PrometheusRegistry();
  final TopologyTestDriver driver;
  static final Duration WALL_AHEAD = Duration.ofHours(1);
  private long wallMs = T0_MS + WALL_AHEAD.toMillis();
  private final Map<Signal, TestInputTopic<byte[], byte[]>> inputs = new EnumMap<>(Signal.class);
  private final org.apache.kafka.streams.TestOutputTopic<byte[], byte[]> windows;
  final org.apache.kafka.streams.TestOutputTopic<byte[], byte[]> deadLetters;

  WindowHarness(WindowSettings settings, Path stateDir) {
    this(settings, stateDir, false);
  }

  WindowHarness(WindowSettings settings, Path stateDir, boolean ownIdleAfter) {
    if (!ownIdleAfter) {
      settings = settings.toBuilder().idleAfter(Duration.ofMillis(1)).build();
    }
    StreamsBuilder builder = new StreamsBuilder();
    WindowTopology.addTo(builder, Topics.DEFAULT, settings, new WindowMetrics(registry));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "windows-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    driver = new TopologyTestDriver(builder.build(), props, T0.plus(WALL_AHEAD));
    for (Signal s : Signal.values()) {
      inputs.put(
          s,
          driver.createInputTopic(
              Topics.DEFAULT.raw(s), new ByteArraySerializer(), new ByteArraySerializer()));
    }
    windows =
        driver.createOutputTopic(
            Topics.DEFAULT.serviceWindows(),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
    deadLetters =
        driver.createOutputTopic(
            Topics.DEFAULT.deadLetter(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** Sends a request the way ingest does: keyed by its service, tenant header. */
  void send(Signal signal, String tenant, String service, Message request) {
    send(
        signal,
        (tenant + "//" + service).getBytes(StandardCharsets.UTF_8),
        tenant,
        request.toByteArray());
  }

  void send(Signal signal, byte[] key, String tenant, byte[] value) {
    RecordHeaders headers = new RecordHeaders();
    if (tenant != null) {
      headers.add(Topics.HEADER_TENANT, tenant.getBytes(StandardCharsets.UTF_8));
    }
    inputs
        .get(signal)
        .pipeInput(new TestRecord<>(key, value, headers, Instant.ofEpochMilli(wallMs)));
  }

  long wallMs() {
    return wallMs;
  }

  /**
   * Advances the wall clock in steps of at most a second, punctuating after each as a running
   * stream thread does (a longer gap would be a stalled task, whose time is not idle).
   */
  void advance(Duration wall) {
    long left = wall.toMillis();
    while (left > 0) {
      long step = Math.min(1_000, left);
      wallMs += step;
      left -= step;
      driver.advanceWallClockTime(Duration.ofMillis(step));
    }
  }

  /** Every window written so far, each checked against the topic's JSON Schema. */
  List<ServiceWindow> windows() {
    List<ServiceWindow> out = new ArrayList<>();
    for (TestRecord<byte[], byte[]> r : windows.readRecordsToList()) {
      SignalSchemas.assertValid("service-windows.v1", r.value());
      ServiceWindow w = SignalJson.read(r.value(), ServiceWindow.class);
      String key = new String(r.key(), StandardCharsets.UTF_8);
      if (!key.equals(new ServiceKey(w.tenant(), w.namespace(), w.service()).toString())) {
        throw new AssertionError("key " + key + " does not name the window's service: " + w);
      }
      out.add(w);
    }
    return out;
  }

  /**
   * The value of one sample of the exposition, e.g. {@code x_total{outcome="dropped"}}; 0 if
   * absent.
   */
  double metric(String sample) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create().write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      if (line.startsWith(sample + " ")) {
        return Double.parseDouble(line.substring(sample.length() + 1).trim());
      }
    }
    return 0;
  }

  static long at(Duration sinceT0) {
    return T0_MS + sinceT0.toMillis();
  }

  @Override
  public void close() {
    driver.close();
  }
}
