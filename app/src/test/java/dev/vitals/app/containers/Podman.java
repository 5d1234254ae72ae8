package dev.vitals.app.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * podman through {@code docker/ci/podman.sh}: the container tests' own storage and configuration,
 * so the machine's containers and images are never touched.
 */
final class Podman {

  static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  static final Path CI = REPO.resolve("docker").resolve("ci");

  /** Every container, network and volume a test makes carries this label (and name prefix). */
  static final String LABEL = "dev.vitals.test=containers";

  record Result(int exit, String output, Duration took) {}

  private Podman() {}

  /**
   * Fails on CI when podman or root is missing (the container tests must not be skipped there);
   * skips elsewhere.
   */
  static void require() {
    String missing = null;
    if (!Files.isExecutable(Path.of("/usr/bin/podman"))) {
      missing = "podman is not installed (apt-get install podman runc mmdebstrap)";
    } else if (!"root".equals(System.getProperty("user.name"))) {
      missing = "the container tests run rootful podman: run them as root";
    }
    if (missing == null) {
      return;
    }
    if (System.getenv("CI") != null) {
      fail(missing + ": the container tests must not be skipped on CI");
    }
    assumeTrue(false, missing);
  }

  /** Runs a script of docker/ci with its output in {@code log}; fails unless it exits 0. */
  static void script(String name, Path log, Duration timeout) throws Exception {
    Files.createDirectories(log.getParent());
    Process p =
        new ProcessBuilder(CI.resolve(name).toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(name + " took over " + timeout + "; its output: " + log);
    }
    assertThat(p.exitValue()).as(name + " exit code; its output: " + tail(log)).isZero();
  }

  /** podman with these arguments; the result whatever the exit code. */
  static Result run(Duration timeout, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(CI.resolve("podman.sh").toString());
    command.addAll(List.of(args));
    long start = System.nanoTime();
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[][] out = new byte[1][];
    Thread reader =
        new Thread(
            () -> {
              try {
                out[0] = p.getInputStream().readAllBytes();
              } catch (IOException e) {
                out[0] = new byte[0];
              }
            });
    reader.start();
    if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      reader.join(5_000);
      fail("podman " + String.join(" ", args) + " took over " + timeout);
    }
    reader.join();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    return new Result(p.exitValue(), new String(out[0], StandardCharsets.UTF_8).trim(), took);
  }

  /** podman with these arguments; fails unless it exits 0; its output. */
  static String ok(String... args) throws IOException, InterruptedException {
    Result r = run(Duration.ofMinutes(2), args);
    assertThat(r.exit())
        .as("podman " + String.join(" ", args) + " exit code; output: " + r.output())
        .isZero();
    return r.output();
  }

  /** A container's exit code once stopped. */
  static int exitCode(String container) throws IOException, InterruptedException {
    return Integer.parseInt(ok("inspect", "--format", "{{.State.ExitCode}}", container));
  }

  /** The last lines of a container's log, for failure messages. */
  static String logs(String container) {
    try {
      String all = run(Duration.ofSeconds(30), "logs", container).output();
      return lastLines(all, 60);
    } catch (Exception e) {
      return "(no logs: " + e + ")";
    }
  }

  /** Removes every container, network and volume the container tests made. */
  static void removeAll() throws IOException, InterruptedException {
    Duration d = Duration.ofMinutes(2);
    String ids = run(d, "ps", "-aq", "--filter", "label=" + LABEL).output();
    if (!ids.isBlank()) {
      List<String> args = new ArrayList<>(List.of("rm", "-f", "-t", "5"));
      args.addAll(List.of(ids.split("\\s+")));
      run(d, args.toArray(String[]::new));
    }
    run(d, "network", "prune", "-f", "--filter", "label=" + LABEL);
    run(d, "volume", "prune", "-f", "--filter", "label=" + LABEL);
  }

  private static String tail(Path log) {
    try {
      return lastLines(Files.readString(log), 40);
    } catch (IOException e) {
      return log.toString();
    }
  }

  private static String lastLines(String text, int n) {
    String[] lines = text.split("\n");
    int from = Math.max(0, lines.length - n);
    return String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length));
  }
}
