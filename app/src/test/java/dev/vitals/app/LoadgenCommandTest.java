package dev.vitals.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LoadgenCommandTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    LoadgenCommand command = new LoadgenCommand();
    command.out = new PrintStream(out, true, StandardCharsets.UTF_8);
    command.err = new PrintStream(err, true, StandardCharsets.UTF_8);
    return new CommandLine(command).execute(args);
  }

  @Test
  void badOptionsAreAllReportedWithWhatWasExpected() {
    int code =
        run(
            "--step=ten",
            "--start=-3d",
            "--temporality=weekly",
            "--endpoint=localhost:4318",
            "--scenario=nope");

    assertThat(code).isEqualTo(Vitals.EXIT_CONFIG);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("vitals loadgen: 5 error(s):")
        .contains("scenario nope: \"nope\" is neither a file nor a built-in scenario")
        .contains(
            "--step: \"ten\" (expected: a positive duration such as 500ms, 90s, 10m, 1h30m, 30d)")
        .contains("--start: \"-3d\" (expected: only with --simulated or --speed)")
        .contains("--temporality: \"weekly\" (expected: one of cumulative, delta)")
        .contains("--endpoint: \"localhost:4318\" (expected: an http:// or https:// URL)");
  }

  @Test
  void aSimulatedRunFromTwoMinutesAgoSendsEveryStepAndStopsWhenCaughtUp() throws Exception {
    List<ExportMetricsServiceRequest> metrics = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          if (exchange.getRequestURI().getPath().equals("/v1/metrics")) {
            metrics.add(ExportMetricsServiceRequest.parseFrom(body));
          }
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
    try {
      int code =
          run(
              "--simulated",
              "--start=-2m",
              "--services=3",
              "--scenario=steady",
              "--endpoint=http://localhost:" + server.getAddress().getPort());

      assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(Vitals.EXIT_OK);
    } finally {
      server.stop(0);
    }
    assertThat(metrics).hasSize(3 * 12);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("loadgen scenario=steady services=3 incidents=0")
        .contains("loadgen done ")
        .contains("steps=12 ")
        .contains("failed=0");
  }
}
