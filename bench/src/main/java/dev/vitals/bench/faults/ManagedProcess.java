package dev.vitals.bench.faults;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One OS process of the cluster, started as an operator would (its own command line, its output
 * appended to {@code <name>.log}), stopped with SIGTERM or SIGKILL, and startable again with the
 * same command, so on the same ports and data.
 */
public final class ManagedProcess {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** Every process still running, killed when the harness's JVM ends however it ends. */
  private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "faults-reaper"));
  }

  private final String name;
  private final List<String> command;
  private final Path log;
  private final URI readyUrl;
  private Process process;

  /**
   * @param readyUrl answers 200 once the process does its job (null: ready once started)
   */
  public ManagedProcess(String name, List<String> command, Path dir, URI readyUrl) {
    this.name = requireNonNull(name, "name");
    this.command = List.copyOf(command);
    this.log = dir.resolve(name + ".log");
    this.readyUrl = readyUrl;
  }

  String name() {
    return name;
  }

  /** The running process, to read its CPU time and memory; empty when it is not running. */
  public synchronized java.util.Optional<ProcessHandle> handle() {
    return alive() ? java.util.Optional.of(process.toHandle()) : java.util.Optional.empty();
  }

  synchronized boolean alive() {
    return process != null && process.isAlive();
  }

  /** Starts the process (a no-op while it runs); does not wait for it to be ready. */
  public synchronized void start() throws IOException {
    if (alive()) {
      return;
    }
    Files.writeString(
        log,
        "---- start " + Instant.now() + " " + String.join(" ", command) + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    RUNNING.add(process);
  }

  /** Waits until {@link #readyUrl} answers 200; fails early when the process exits. */
  public void awaitReady(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Process p;
      synchronized (this) {
        p = process;
      }
      if (p == null || !p.isAlive()) {
        throw new IOException(name + " exited before it was ready: " + tail(2000));
      }
      if (readyUrl == null || Http.status(HTTP, readyUrl) == 200) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(name + " not ready after " + timeout + ": " + tail(2000));
      }
      Pause.millis(200);
    }
  }

  /** SIGKILL, as {@code kill -9}: no shutdown hook runs. Waits until the process is gone. */
  void kill() {
    end(true, Duration.ofSeconds(10));
  }

  /** SIGTERM, as an orderly stop; SIGKILL after {@code grace}. Returns how long it took. */
  public Duration terminate(Duration grace) {
    long started = System.nanoTime();
    end(false, grace);
    return Duration.ofNanos(System.nanoTime() - started);
  }

  private synchronized void end(boolean forcibly, Duration grace) {
    if (process == null) {
      return;
    }
    try {
      if (forcibly) {
        process.destroyForcibly();
      } else {
        process.destroy();
      }
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    RUNNING.remove(process);
    process = null;
  }

  /** The last {@code chars} characters of the log. */
  public String tail(int chars) {
    try {
      String s = Files.readString(log, StandardCharsets.UTF_8);
      return s.substring(Math.max(0, s.length() - chars));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public String toString() {
    return name;
  }

  /** Plain HTTP GETs of the harness. */
  static final class Http {
    private Http() {}

    /** The status of a GET, or -1 when nothing answered within 5 s. */
    static int status(HttpClient client, URI url) {
      try {
        return client
            .send(
                HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.discarding())
            .statusCode();
      } catch (IOException e) {
        return -1;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
    }
  }
}
