package dev.vitals.streams.slo;

import dev.vitals.schemas.ServiceKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SLO configuration in force, reloaded when the SLO file changes. {@link #poll()} is called
 * from a wall-clock punctuator of every task; it compares the file's modification time and size and
 * swaps the configuration in one step. A file that fails to read or validate leaves the previous
 * configuration in force, is logged and counted.
 */
final class SloCatalog {

  private static final Logger log = LoggerFactory.getLogger(SloCatalog.class);

  private final SloSettings settings;
  private final SloMetrics metrics;
  private final AtomicReference<SloConfig> config = new AtomicReference<>();
  private Stamp loaded;
  private Stamp failed;

  /**
   * Loads the file once.
   *
   * @throws IllegalArgumentException when the file exists but is invalid, listing every error
   */
  SloCatalog(SloSettings settings, SloMetrics metrics) {
    this.settings = settings;
    this.metrics = metrics;
    config.set(SloConfig.of(settings));
    if (settings.sloFile() != null) {
      Stamp stamp = stamp(settings.sloFile());
      config.set(load(settings.sloFile()));
      loaded = stamp;
    }
  }

  List<SloSpec> slosFor(ServiceKey key) {
    return config.get().slosFor(key);
  }

  SloConfig.AlertPolicy alerting() {
    return config.get().alerting();
  }

  /** Reloads the file when its modification time or size changed; never throws. */
  synchronized void poll() {
    Path file = settings.sloFile();
    if (file == null) {
      return;
    }
    Stamp stamp = stamp(file);
    if (Objects.equals(stamp, loaded) || Objects.equals(stamp, failed)) {
      return;
    }
    try {
      config.set(load(file));
      loaded = stamp;
      failed = null;
      metrics.fileReloaded();
      log.info("SLO file {} reloaded", file);
    } catch (RuntimeException e) {
      failed = stamp;
      metrics.fileFailed();
      log.warn(
          "SLO file {} not reloaded, the previous SLOs stay in force: {}", file, e.getMessage());
    }
  }

  private SloConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("SLO file " + file + ": cannot read (" + e + ")", e);
    }
    return SloFile.parse(text, settings);
  }

  private static Stamp stamp(Path file) {
    try {
      return new Stamp(Files.getLastModifiedTime(file), Files.size(file));
    } catch (IOException e) {
      return new Stamp(FileTime.fromMillis(0), -1);
    }
  }

  private record Stamp(FileTime modified, long size) {}
}
