package dev.vitals.loadgen;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The synthetic traffic of {@code vitals standalone}: the built-in {@code demo} scenario, sent in
 * real time to the local ingest over OTLP/HTTP on a background thread until closed, as tenant
 * {@value #TENANT} ({@code X-Scope-OrgID}; ingest takes it when no bearer tokens are configured).
 */
public final class DemoTraffic implements AutoCloseable {

  /** The tenant of the demo's services: they never mix with real ones of the default tenant. */
  public static final String TENANT = "demo";

  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(15);

  private final Runner runner;
  private final Loadgen loadgen;
  private final Thread thread;

  private DemoTraffic(Runner runner, Loadgen loadgen) {
    this.runner = runner;
    this.loadgen = loadgen;
    this.thread = new Thread(runner::run, "vitals-demo-traffic");
    thread.setDaemon(true);
  }

  /**
   * Starts the scenario now.
   *
   * @param endpoint ingest's OTLP/HTTP base URL, e.g. {@code http://127.0.0.1:4318}
   * @param scenario a built-in scenario name or a file
   * @param token a bearer token for ingest, or null
   */
  public static DemoTraffic start(URI endpoint, String scenario, String token)
      throws ScenarioException {
    OtlpHttpSender sender =
        OtlpHttpSender.builder().endpoint(endpoint).token(token).tenant(TENANT).build();
    Loadgen loadgen =
        Loadgen.builder()
            .scenario(Scenario.resolve(scenario))
            .startTime(Instant.now())
            .sender(sender)
            .parallelism(4)
            .build();
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    Runner runner =
        new Runner(
            loadgen,
            Runner.Pace.REAL_TIME,
            1,
            null,
            false,
            Clock.systemUTC(),
            d -> Thread.sleep(d.toMillis()),
            quiet,
            sender::retries);
    DemoTraffic demo = new DemoTraffic(runner, loadgen);
    demo.thread.start();
    return demo;
  }

  @Override
  public void close() {
    runner.stop();
    try {
      thread.join(JOIN_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    loadgen.close();
  }
}
