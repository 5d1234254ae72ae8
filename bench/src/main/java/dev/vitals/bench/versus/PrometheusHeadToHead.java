package dev.vitals.bench.versus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vitals.bench.IngestLoadHarness;
import dev.vitals.bench.Machine;
import dev.vitals.bench.faults.Java;
import dev.vitals.bench.faults.ManagedProcess;
import dev.vitals.bench.faults.Pause;
import dev.vitals.bench.faults.Ports;
import dev.vitals.schemas.remotewrite.RemoteWriteCodec;
import dev.vitals.schemas.remotewrite.WriteRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.xerial.snappy.Snappy;

/**
 * Vitals against the tool a team would otherwise pick for the same SLO work: Prometheus (the Debian
 * package, 2.42) receiving a shop's request-duration histograms by remote write, with Sloth-shaped
 * recording and alerting rules evaluated every 30 s ({@link SlothRules}), and Vitals standalone
 * receiving the same counts as OTLP histograms, with the same availability SLO. Both page the same
 * Alertmanager. For each shop size, one after the other in the same run:
 *
 * <ol>
 *   <li>every {@code scrape} (10 s) the harness sends both the shop's cumulative histograms;
 *   <li>after {@code warmup} (5 min) of steady traffic (0.05 % errors: half the budget), one
 *       service steps to 20 % errors;
 *   <li>it reports each system's CPU-seconds (the process's own, from the OS) per million samples
 *       over the steady phase, its resident memory, the time from the step to the page (each
 *       system's API, and arrival at Alertmanager), and pages for any other service (false pages,
 *       must be 0).
 * </ol>
 *
 * <p>{@code java -cp bench/target/benchmarks.jar dev.vitals.bench.versus.PrometheusHeadToHead
 * [services,...]} (default {@code 100,1000}); {@code -Dwarmup=300 -Dincident=600 -Dscrape=10}
 * (seconds), {@code -Dvitals.jar} (default {@code app/target/vitals.jar}), {@code -Dvitals.yaml}
 * (more lines of Vitals' config, e.g. to try a setting), {@code -Dresults} (default {@code
 * bench/RESULTS.md}, section {@value #SECTION}).
 */
public final class PrometheusHeadToHead {

  static final String SECTION = "## Head-to-head with Prometheus";
  private static final double OBJECTIVE = 0.999;
  private static final double BASELINE_ERRORS = 0.0005;
  private static final double INCIDENT_ERRORS = 0.20;
  private static final double REQUESTS_PER_SECOND = 10;
  private static final int INCIDENT_SERVICE = 7;
  private static final Duration READY = Duration.ofSeconds(180);
  private static final Duration IDLE = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private PrometheusHeadToHead() {}

  public static void main(String[] args) throws Exception {
    List<Integer> sizes = new ArrayList<>();
    for (String s : (args.length > 0 ? args[0] : "100,1000").split(",")) {
      sizes.add(Integer.parseInt(s.trim()));
    }
    Settings settings =
        new Settings(
            Duration.ofSeconds(Integer.getInteger("warmup", 300)),
            Duration.ofSeconds(Integer.getInteger("incident", 600)),
            Duration.ofSeconds(Integer.getInteger("scrape", 10)),
            Path.of(System.getProperty("vitals.jar", "app/target/vitals.jar")));
    Path results = Path.of(System.getProperty("results", "bench/RESULTS.md"));
    List<Result> out = new ArrayList<>();
    for (int n : sizes) {
      Path dir = Files.createTempDirectory("vitals-versus-" + n + "-");
      log("shop of " + n + " services; logs in " + dir);
      out.add(run(n, dir, settings));
      log(out.get(out.size() - 1).toString());
    }
    String section = markdown(out, settings);
    System.out.println(section);
    Files.writeString(results, IngestLoadHarness.replaceSection(results, SECTION, section));
    log("written to " + results.toAbsolutePath());
  }

  record Settings(Duration warmup, Duration incident, Duration scrape, Path vitalsJar) {}

  /** One system's figures for one shop size. */
  record Side(
      double cpuSeconds,
      double seconds,
      double idleCores,
      long samples,
      double peakRssMiB,
      double steadyRssMiB,
      double pageAfterSeconds,
      double alertmanagerAfterSeconds,
      int falsePages) {

    double cpuPerMillion() {
      return cpuSeconds / (samples / 1e6);
    }

    double cores() {
      return cpuSeconds / seconds;
    }

    /** CPU beyond what the process spends with no traffic, per million samples. */
    double marginalCpuPerMillion() {
      return (cpuSeconds - idleCores * seconds) / (samples / 1e6);
    }
  }

  record Result(
      int services, long samplesPerScrape, long pointsPerScrape, Side prom, Side vitals) {}

  private static Result run(int services, Path dir, Settings s) throws Exception {
    List<Integer> ports = Ports.free(8);
    int amPort = ports.get(0);
    int promPort = ports.get(1);
    int httpPort = ports.get(2);
    int grpcPort = ports.get(3);
    int adminPort = ports.get(4);
    int queryPort = ports.get(5);
    int kafkaPort = ports.get(6);
    int controllerPort = ports.get(7);
    ManagedProcess am = alertmanager(dir, amPort);
    ManagedProcess prom = prometheus(dir, promPort, amPort);
    ManagedProcess vitals =
        vitals(
            dir,
            s.vitalsJar(),
            amPort,
            httpPort,
            grpcPort,
            adminPort,
            queryPort,
            kafkaPort,
            controllerPort);
    ScheduledExecutorService scraper = Executors.newSingleThreadScheduledExecutor();
    try {
      am.start();
      prom.start();
      vitals.start();
      am.awaitReady(READY);
      prom.awaitReady(READY);
      vitals.awaitReady(READY);

      // Idle: what each costs with no traffic at all, after 30 s to settle.
      Pause.of(Duration.ofSeconds(30));
      Usage promIdle = new Usage(prom);
      Usage vitalsIdle = new Usage(vitals);
      Pause.of(IDLE);
      double promIdleCores = promIdle.cpuSecondsSinceStart() / IDLE.toSeconds();
      double vitalsIdleCores = vitalsIdle.cpuSecondsSinceStart() / IDLE.toSeconds();

      long startMs = System.currentTimeMillis();
      ShopTraffic shop = new ShopTraffic(services, REQUESTS_PER_SECOND, BASELINE_ERRORS, startMs);
      URI promWrite = URI.create("http://127.0.0.1:" + promPort + "/api/v1/write");
      URI vitalsWrite = URI.create("http://127.0.0.1:" + httpPort + "/v1/metrics");
      AtomicLong scrapes = new AtomicLong();
      AtomicLong failures = new AtomicLong();
      long scrapeMs = s.scrape().toMillis();
      scraper.scheduleAtFixedRate(
          () -> {
            try {
              long at = System.currentTimeMillis();
              shop.advance(scrapeMs / 1000.0);
              // Alternate who is sent first, so neither always sees the data sooner.
              boolean promFirst = scrapes.get() % 2 == 0;
              if (promFirst) {
                sendRemoteWrite(promWrite, shop.remoteWrite(at, 2000), failures);
              }
              sendOtlp(vitalsWrite, shop.otlp(at, 100), failures);
              if (!promFirst) {
                sendRemoteWrite(promWrite, shop.remoteWrite(at, 2000), failures);
              }
              scrapes.incrementAndGet();
            } catch (RuntimeException e) {
              failures.incrementAndGet();
              log("scrape failed: " + e);
            }
          },
          0,
          scrapeMs,
          TimeUnit.MILLISECONDS);

      // Steady phase: the first minute is start-up (JIT, first windows), then CPU is measured.
      Pause.of(Duration.ofSeconds(60));
      Usage promUsage = new Usage(prom);
      Usage vitalsUsage = new Usage(vitals);
      long scrapesBefore = scrapes.get();
      Alerts alerts = new Alerts(promPort, queryPort, amPort);
      long steadyStart = System.nanoTime();
      long steadyEnd = steadyStart + s.warmup().minusSeconds(60).toNanos();
      while (System.nanoTime() < steadyEnd) {
        promUsage.sample();
        vitalsUsage.sample();
        alerts.poll(-1);
        Pause.millis(1000);
      }
      long steadyScrapes = scrapes.get() - scrapesBefore;
      double steadySeconds = (System.nanoTime() - steadyStart) / 1e9;
      double promCpu = promUsage.cpuSecondsSinceStart();
      double vitalsCpu = vitalsUsage.cpuSecondsSinceStart();
      double promSteadyRss = promUsage.meanRssMiB();
      double vitalsSteadyRss = vitalsUsage.meanRssMiB();

      shop.incident(INCIDENT_SERVICE, INCIDENT_ERRORS);
      long onsetMs = System.currentTimeMillis();
      log("incident: " + ShopTraffic.name(INCIDENT_SERVICE) + " at 20 % errors from " + onsetMs);
      long incidentEnd = System.nanoTime() + s.incident().toNanos();
      while (System.nanoTime() < incidentEnd && !alerts.allPaged()) {
        promUsage.sample();
        vitalsUsage.sample();
        alerts.poll(onsetMs);
        Pause.millis(1000);
      }
      log("scrape failures: " + failures.get());
      long samples = steadyScrapes * shop.samplesPerScrape();
      return new Result(
          services,
          shop.samplesPerScrape(),
          shop.pointsPerScrape(),
          new Side(
              promCpu,
              steadySeconds,
              promIdleCores,
              samples,
              promUsage.peakRssMiB(),
              promSteadyRss,
              alerts.promPage,
              alerts.promAtAlertmanager,
              alerts.promFalse),
          new Side(
              vitalsCpu,
              steadySeconds,
              vitalsIdleCores,
              samples,
              vitalsUsage.peakRssMiB(),
              vitalsSteadyRss,
              alerts.vitalsPage,
              alerts.vitalsAtAlertmanager,
              alerts.vitalsFalse));
    } finally {
      scraper.shutdownNow();
      vitals.terminate(Duration.ofSeconds(30));
      prom.terminate(Duration.ofSeconds(30));
      am.terminate(Duration.ofSeconds(30));
    }
  }

  private static void sendRemoteWrite(URI url, List<WriteRequest> requests, AtomicLong failures) {
    for (WriteRequest r : requests) {
      try {
        byte[] body = Snappy.compress(RemoteWriteCodec.encode(r));
        post(url, body, "application/x-protobuf", "snappy", failures);
      } catch (IOException e) {
        failures.incrementAndGet();
      }
    }
  }

  private static void sendOtlp(
      URI url, List<ExportMetricsServiceRequest> requests, AtomicLong failures) {
    for (ExportMetricsServiceRequest r : requests) {
      post(url, r.toByteArray(), "application/x-protobuf", null, failures);
    }
  }

  private static void post(
      URI url, byte[] body, String contentType, String encoding, AtomicLong failures) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(url)
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (encoding != null) {
      b.header("Content-Encoding", encoding).header("X-Prometheus-Remote-Write-Version", "0.1.0");
    }
    try {
      int status = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
      if (status / 100 != 2) {
        failures.incrementAndGet();
        log(url + " answered " + status);
      }
    } catch (IOException e) {
      failures.incrementAndGet();
      log(url + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** CPU time and resident memory of one process, from the OS. */
  private static final class Usage {
    private final ProcessHandle handle;
    private final double cpuAtStart;
    private double peakRssKiB;
    private double rssSumKiB;
    private int rssSamples;

    Usage(ManagedProcess process) {
      this.handle = process.handle().orElseThrow(() -> new IllegalStateException(process + ""));
      this.cpuAtStart = cpuSeconds();
    }

    double cpuSeconds() {
      return handle.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
    }

    double cpuSecondsSinceStart() {
      return cpuSeconds() - cpuAtStart;
    }

    void sample() {
      double kib = rssKiB(handle.pid());
      peakRssKiB = Math.max(peakRssKiB, kib);
      rssSumKiB += kib;
      rssSamples++;
    }

    double peakRssMiB() {
      return peakRssKiB / 1024;
    }

    double meanRssMiB() {
      return rssSamples == 0 ? Double.NaN : rssSumKiB / rssSamples / 1024;
    }

    private static double rssKiB(long pid) {
      try {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
          if (line.startsWith("VmRSS:")) {
            return Double.parseDouble(line.replaceAll("[^0-9]", ""));
          }
        }
      } catch (IOException | NumberFormatException e) {
        return 0;
      }
      return 0;
    }
  }

  /**
   * Pages seen so far: the incident service's first page in each system's API and at Alertmanager,
   * in seconds after the onset, and pages for any other service.
   */
  private static final class Alerts {
    private final URI promAlerts;
    private final URI vitalsAlerts;
    private final URI amAlerts;
    double promPage = Double.NaN;
    double vitalsPage = Double.NaN;
    double promAtAlertmanager = Double.NaN;
    double vitalsAtAlertmanager = Double.NaN;
    int promFalse;
    int vitalsFalse;
    private final java.util.Set<String> falseSeen = new java.util.HashSet<>();

    Alerts(int promPort, int queryPort, int amPort) {
      this.promAlerts = URI.create("http://127.0.0.1:" + promPort + "/api/v1/alerts");
      this.vitalsAlerts = URI.create("http://127.0.0.1:" + queryPort + "/api/v1/alerts");
      this.amAlerts = URI.create("http://127.0.0.1:" + amPort + "/api/v2/alerts");
    }

    boolean allPaged() {
      return !Double.isNaN(promPage)
          && !Double.isNaN(vitalsPage)
          && !Double.isNaN(promAtAlertmanager)
          && !Double.isNaN(vitalsAtAlertmanager);
    }

    /** One look at the three APIs; {@code onsetMs} -1 before the incident. */
    void poll(long onsetMs) {
      double after = onsetMs < 0 ? Double.NaN : (System.currentTimeMillis() - onsetMs) / 1000.0;
      for (JsonNode a : get(promAlerts).path("data").path("alerts")) {
        if (page(a) && "firing".equals(a.path("state").asText())) {
          String service =
              a.path("labels").path("job").asText().replace(ShopTraffic.NAMESPACE + "/", "");
          if (incident(service, onsetMs) && Double.isNaN(promPage)) {
            promPage = after;
          } else if (!incident(service, onsetMs) && falseSeen.add("prom " + service)) {
            promFalse++;
            log("false page from Prometheus: " + a);
          }
        }
      }
      for (JsonNode a : get(vitalsAlerts).path("alerts")) {
        if (page(a)) {
          String service = a.path("labels").path("service").asText();
          if (incident(service, onsetMs) && Double.isNaN(vitalsPage)) {
            vitalsPage = after;
          } else if (!incident(service, onsetMs) && falseSeen.add("vitals " + service)) {
            vitalsFalse++;
            log("false page from Vitals: " + a);
          }
        }
      }
      for (JsonNode a : get(amAlerts)) {
        if (!page(a) || onsetMs < 0) {
          continue;
        }
        JsonNode labels = a.path("labels");
        boolean fromProm = "prometheus".equals(labels.path("source").asText());
        String service =
            fromProm
                ? labels.path("job").asText().replace(ShopTraffic.NAMESPACE + "/", "")
                : labels.path("service").asText();
        if (incident(service, onsetMs)) {
          if (fromProm && Double.isNaN(promAtAlertmanager)) {
            promAtAlertmanager = after;
          } else if (!fromProm && Double.isNaN(vitalsAtAlertmanager)) {
            vitalsAtAlertmanager = after;
          }
        }
      }
    }

    private static boolean page(JsonNode alert) {
      return "page".equals(alert.path("labels").path("severity").asText());
    }

    private static boolean incident(String service, long onsetMs) {
      return onsetMs >= 0 && ShopTraffic.name(INCIDENT_SERVICE).equals(service);
    }

    private static JsonNode get(URI url) {
      try {
        HttpResponse<String> r =
            HTTP.send(
                HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? JSON.readTree(r.body()) : JSON.missingNode();
      } catch (IOException e) {
        return JSON.missingNode();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return JSON.missingNode();
      }
    }
  }

  // --- the processes ---

  private static ManagedProcess alertmanager(Path dir, int port) throws IOException {
    Files.writeString(
        dir.resolve("alertmanager.yml"),
        String.join(
            "\n",
            "route:",
            "  receiver: 'null'",
            "  group_wait: 1s",
            "  group_interval: 1s",
            "  repeat_interval: 1h",
            "receivers:",
            "  - name: 'null'",
            ""));
    return new ManagedProcess(
        "alertmanager",
        List.of(
            "/usr/bin/prometheus-alertmanager",
            "--config.file=" + dir.resolve("alertmanager.yml"),
            "--storage.path=" + dir.resolve("am-data"),
            "--web.listen-address=127.0.0.1:" + port,
            "--cluster.listen-address="),
        dir,
        URI.create("http://127.0.0.1:" + port + "/-/ready"));
  }

  private static ManagedProcess prometheus(Path dir, int port, int amPort) throws IOException {
    Files.writeString(dir.resolve("rules.yml"), SlothRules.yaml(OBJECTIVE));
    Files.writeString(
        dir.resolve("prometheus.yml"),
        String.join(
            "\n",
            "global:",
            "  evaluation_interval: 30s",
            "rule_files:",
            "  - " + dir.resolve("rules.yml"),
            "alerting:",
            "  alertmanagers:",
            "    - static_configs:",
            "        - targets: ['127.0.0.1:" + amPort + "']",
            ""));
    return new ManagedProcess(
        "prometheus",
        List.of(
            "prometheus",
            "--config.file=" + dir.resolve("prometheus.yml"),
            "--storage.tsdb.path=" + dir.resolve("prom-data"),
            "--web.listen-address=127.0.0.1:" + port,
            "--web.enable-remote-write-receiver"),
        dir,
        URI.create("http://127.0.0.1:" + port + "/-/ready"));
  }

  private static ManagedProcess vitals(
      Path dir,
      Path jar,
      int amPort,
      int httpPort,
      int grpcPort,
      int adminPort,
      int queryPort,
      int kafkaPort,
      int controllerPort)
      throws IOException {
    Files.writeString(
        dir.resolve("slo.yaml"),
        String.format(
            Locale.ROOT,
            "defaults:\n  period: 30d\n  slos:\n    availability: {objective: %s}\n",
            OBJECTIVE));
    Path config = dir.resolve("vitals.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "standalone:",
            "  dataDir: " + dir.resolve("vitals-data"),
            "  kafkaPort: " + kafkaPort,
            "  controllerPort: " + controllerPort,
            "  demo: none",
            "ingest:",
            "  grpc: {host: 127.0.0.1, port: " + grpcPort + "}",
            "  http: {host: 127.0.0.1, port: " + httpPort + "}",
            "admin: {host: 127.0.0.1, port: " + adminPort + "}",
            System.getProperty("vitals.yaml", ""),
            "streams:",
            "  query: {host: 127.0.0.1, port: " + queryPort + "}",
            "  slo: {file: " + dir.resolve("slo.yaml") + "}",
            ""),
        StandardCharsets.UTF_8);
    return new ManagedProcess(
        "vitals",
        Java.jar(
            List.of("-Xmx1g"),
            jar,
            "standalone",
            "--config",
            config.toString(),
            "--alertmanager-url",
            "http://127.0.0.1:" + amPort),
        dir,
        URI.create("http://127.0.0.1:" + adminPort + "/readyz"));
  }

  // --- the report ---

  static String markdown(List<Result> results, Settings s) {
    StringBuilder m = new StringBuilder();
    m.append(SECTION).append("\n\n");
    m.append(
        "Written by `dev.vitals.bench.versus.PrometheusHeadToHead` (see bench/README.md), which"
            + " replaces this section on every run.\n\n");
    m.append("### Machine\n\n").append(Machine.describe()).append("\n");
    m.append("### Results\n\n");
    m.append(
        String.format(
            Locale.ROOT,
            "Idle 60 s (no traffic, after 30 s to settle), then a steady phase of %d s (CPU measured"
                + " after its first 60 s), scrape every %d s, %.0f requests/s"
                + " per service, %.2f %% errors; then one service at %.0f %% errors. Availability SLO"
                + " %.1f %%.\n\n",
            s.warmup().toSeconds(),
            s.scrape().toSeconds(),
            REQUESTS_PER_SECOND,
            BASELINE_ERRORS * 100,
            INCIDENT_ERRORS * 100,
            OBJECTIVE * 100));
    m.append(
        "| services | samples/scrape (points) | system | CPU-s per 1M samples | cores idle / busy |"
            + " CPU-s per 1M samples above idle | RSS steady / peak MiB | page after (API) | at"
            + " Alertmanager after | false pages |\n");
    m.append("|---|---|---|---|---|---|---|---|---|---|\n");
    for (Result r : results) {
      row(m, r, "Prometheus 2.42 + Sloth rules", r.prom());
      row(m, r, "Vitals standalone", r.vitals());
    }
    return m.toString();
  }

  private static void row(StringBuilder m, Result r, String system, Side side) {
    m.append(
        String.format(
            Locale.ROOT,
            "| %,d | %,d (%,d) | %s | %.1f | %.3f / %.3f | %.1f | %.0f / %.0f | %s | %s | %d |\n",
            r.services(),
            r.samplesPerScrape(),
            r.pointsPerScrape(),
            system,
            side.cpuPerMillion(),
            side.idleCores(),
            side.cores(),
            side.marginalCpuPerMillion(),
            side.steadyRssMiB(),
            side.peakRssMiB(),
            seconds(side.pageAfterSeconds()),
            seconds(side.alertmanagerAfterSeconds()),
            side.falsePages()));
  }

  private static String seconds(double s) {
    return Double.isNaN(s) ? "no page" : String.format(Locale.ROOT, "%.0f s", s);
  }

  private static void log(String message) {
    System.out.println(Instant.now() + " versus " + message);
  }
}
