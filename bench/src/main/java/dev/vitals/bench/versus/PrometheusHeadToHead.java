package dev.vitals.bench.versus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vitals.bench.IngestLoadHarness;
import dev.vitals.bench.Machine;
import dev.vitals.bench.faults.Java;
import dev.vitals.bench.faults.ManagedProcess;
import dev.vitals.bench.faults.Pause;
import dev.vitals.bench.faults.Ports;
import dev.vitals.bench.faults.Stores;
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
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
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
 *       service steps to 20 % errors, and once both systems paged for it (or after {@code
 *       incident}), the next one, {@code incidents} (3) in all, each a little later in the window
 *       and evaluation cycles;
 *   <li>it reports each system's CPU-seconds (the process's own, from the OS) per million samples
 *       over the steady phase, its resident memory, the time from each step to the page (each
 *       system's API, and arrival at Alertmanager), and pages for any service that was not failing
 *       (false pages, must be 0).
 * </ol>
 *
 * <p>{@code java -cp bench/target/benchmarks.jar dev.vitals.bench.versus.PrometheusHeadToHead
 * [services,...]} (default {@code 100,1000}); {@code -Dwarmup=300 -Dincident=600 -Dscrape=10}
 * (seconds), {@code -Dincidents=3}, {@code -Dvitals.jar} (default {@code app/target/vitals.jar}),
 * {@code -Dvitals.yaml} (more lines of Vitals' config, e.g. to try a setting), {@code -Dresults}
 * (default {@code bench/RESULTS.md}, section {@value #SECTION}).
 */
public final class PrometheusHeadToHead {

  static final String SECTION = "## Head-to-head with Prometheus";
  private static final double OBJECTIVE = 0.999;
  private static final double BASELINE_ERRORS = 0.0005;
  private static final double INCIDENT_ERRORS = 0.20;
  private static final double REQUESTS_PER_SECOND = 10;
  private static final int INCIDENT_SERVICE = 7;
  private static final Duration READY = Duration.ofMinutes(3);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private PrometheusHeadToHead() {}

  public static void main(String[] args) throws Exception {
    List<Integer> sizes = new ArrayList<>();
    for (String s : (args.length > 0 ? args[0] : "100,1000").split(",", -1)) {
      sizes.add(Integer.parseInt(s.trim()));
    }
    Settings settings =
        new Settings(
            Duration.ofSeconds(Integer.getInteger("warmup", 300)),
            Duration.ofSeconds(Integer.getInteger("incident", 600)),
            Duration.ofSeconds(Integer.getInteger("scrape", 10)),
            Integer.getInteger("incidents", 3),
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

  record Settings(
      Duration warmup, Duration incident, Duration scrape, int incidents, Path vitalsJar) {}

  /** One system's figures for one shop size. */
  record Side(
      double cpuSeconds,
      double seconds,
      long samples,
      double peakRssMiB,
      double steadyRssMiB,
      List<Double> pageAfterSeconds,
      List<Double> alertmanagerAfterSeconds,
      int falsePages) {

    double cpuPerMillion() {
      return cpuSeconds / (samples / 1e6);
    }

    double cores() {
      return cpuSeconds / seconds;
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
    ManagedProcess am = Stores.alertmanager(dir, amPort);
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

      long startMs = System.currentTimeMillis();
      ShopTraffic shop = new ShopTraffic(services, REQUESTS_PER_SECOND, BASELINE_ERRORS, startMs);
      URI promWrite = URI.create("http://127.0.0.1:" + promPort + "/api/v1/write");
      URI vitalsWrite = URI.create("http://127.0.0.1:" + httpPort + "/v1/metrics");
      AtomicLong scrapes = new AtomicLong();
      AtomicLong failures = new AtomicLong();
      long scrapeMs = s.scrape().toMillis();
      var unused =
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
        alerts.poll();
        Pause.millis(1000);
      }
      long steadyScrapes = scrapes.get() - scrapesBefore;
      double steadySeconds = (System.nanoTime() - steadyStart) / 1e9;
      double promCpu = promUsage.cpuSecondsSinceStart();
      double vitalsCpu = vitalsUsage.cpuSecondsSinceStart();
      double promSteadyRss = promUsage.meanRssMiB();
      double vitalsSteadyRss = vitalsUsage.meanRssMiB();

      // Incidents one after the other, each on another service and starting at another point of
      // the window and evaluation cycles, so the times to page are not one alignment's luck.
      for (int i = 0; i < s.incidents(); i++) {
        int service = INCIDENT_SERVICE + 10 * i;
        Pause.millis(13_000L * i);
        shop.incident(service, INCIDENT_ERRORS);
        alerts.incident(service);
        log("incident " + (i + 1) + ": " + ShopTraffic.name(service) + " at 20 % errors");
        long incidentEnd = System.nanoTime() + s.incident().toNanos();
        while (System.nanoTime() < incidentEnd && !alerts.allPaged()) {
          promUsage.sample();
          vitalsUsage.sample();
          alerts.poll();
          Pause.millis(1000);
        }
        alerts.close();
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
              samples,
              promUsage.peakRssMiB(),
              promSteadyRss,
              alerts.promPage,
              alerts.promAtAlertmanager,
              alerts.promFalse),
          new Side(
              vitalsCpu,
              steadySeconds,
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
   * Pages seen so far: for each incident, its service's first page in each system's API and at
   * Alertmanager, in seconds after its onset; and pages for any service that was not failing.
   */
  private static final class Alerts {
    private final URI promAlerts;
    private final URI vitalsAlerts;
    private final URI amAlerts;
    final List<Double> promPage = new ArrayList<>();
    final List<Double> vitalsPage = new ArrayList<>();
    final List<Double> promAtAlertmanager = new ArrayList<>();
    final List<Double> vitalsAtAlertmanager = new ArrayList<>();
    int promFalse;
    int vitalsFalse;
    private final Set<String> failing = new HashSet<>();
    private final Set<String> falseSeen = new HashSet<>();
    private String current;
    private long onsetMs;
    private double prom = Double.NaN;
    private double vitals = Double.NaN;
    private double promAm = Double.NaN;
    private double vitalsAm = Double.NaN;

    Alerts(int promPort, int queryPort, int amPort) {
      this.promAlerts = URI.create("http://127.0.0.1:" + promPort + "/api/v1/alerts");
      this.vitalsAlerts = URI.create("http://127.0.0.1:" + queryPort + "/api/v1/alerts");
      this.amAlerts = URI.create("http://127.0.0.1:" + amPort + "/api/v2/alerts");
    }

    /** {@code service} fails from now on. */
    void incident(int service) {
      current = ShopTraffic.name(service);
      failing.add(current);
      onsetMs = System.currentTimeMillis();
      prom = vitals = promAm = vitalsAm = Double.NaN;
    }

    /** The incident's times, NaN where a system did not page within the incident's time. */
    void close() {
      promPage.add(prom);
      vitalsPage.add(vitals);
      promAtAlertmanager.add(promAm);
      vitalsAtAlertmanager.add(vitalsAm);
      current = null;
    }

    boolean allPaged() {
      return !Double.isNaN(prom)
          && !Double.isNaN(vitals)
          && !Double.isNaN(promAm)
          && !Double.isNaN(vitalsAm);
    }

    void poll() {
      double after = (System.currentTimeMillis() - onsetMs) / 1000.0;
      for (JsonNode a : get(promAlerts).path("data").path("alerts")) {
        if (page(a) && "firing".equals(a.path("state").asText())) {
          String service = service(a.path("labels"), true);
          if (service.equals(current) && Double.isNaN(prom)) {
            prom = after;
          }
          falsePage("Prometheus", service, a);
        }
      }
      for (JsonNode a : get(vitalsAlerts).path("alerts")) {
        if (page(a)) {
          String service = service(a.path("labels"), false);
          if (service.equals(current) && Double.isNaN(vitals)) {
            vitals = after;
          }
          falsePage("Vitals", service, a);
        }
      }
      for (JsonNode a : get(amAlerts)) {
        if (page(a)) {
          boolean fromProm = "prometheus".equals(a.path("labels").path("source").asText());
          String service = service(a.path("labels"), fromProm);
          if (service.equals(current) && fromProm && Double.isNaN(promAm)) {
            promAm = after;
          } else if (service.equals(current) && !fromProm && Double.isNaN(vitalsAm)) {
            vitalsAm = after;
          }
        }
      }
    }

    private void falsePage(String system, String service, JsonNode alert) {
      if (!failing.contains(service) && falseSeen.add(system + " " + service)) {
        if (system.equals("Prometheus")) {
          promFalse++;
        } else {
          vitalsFalse++;
        }
        log("false page from " + system + ": " + alert);
      }
    }

    private static String service(JsonNode labels, boolean prometheus) {
      return prometheus
          ? labels.path("job").asText().replace(ShopTraffic.NAMESPACE + "/", "")
          : labels.path("service").asText();
    }

    private static boolean page(JsonNode alert) {
      return "page".equals(alert.path("labels").path("severity").asText());
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
            "Steady phase %d s (CPU and memory measured after its first 60 s), a scrape every %d s,"
                + " %.0f requests/s per service, %.2f %% errors; then %d incidents one after the"
                + " other, each one more service at %.0f %% errors. Availability SLO %.1f %%."
                + " Times to page are per incident, from the step.\n\n",
            s.warmup().toSeconds(),
            s.scrape().toSeconds(),
            REQUESTS_PER_SECOND,
            BASELINE_ERRORS * 100,
            s.incidents(),
            INCIDENT_ERRORS * 100,
            OBJECTIVE * 100));
    m.append(
        "| services | samples/scrape (OTLP points) | system | CPU-s per 1M samples | cores |"
            + " RSS mean / peak MiB | page after (API) | at Alertmanager after | false pages"
            + " |\n");
    m.append("|---|---|---|---|---|---|---|---|---|\n");
    for (Result r : results) {
      row(m, r, "Prometheus 2.42 + Sloth rules", r.prom());
      row(m, r, "Vitals standalone", r.vitals());
    }
    if (results.size() > 1) {
      Result small = results.get(0);
      Result large = results.get(results.size() - 1);
      m.append("\nCPU-s per 1M samples of the samples added between ")
          .append(small.services())
          .append(" and ")
          .append(large.services())
          .append(" services (what each more sample costs, fixed costs left out): ")
          .append(
              String.format(Locale.ROOT, "Prometheus %.1f, ", marginal(small.prom(), large.prom())))
          .append(
              String.format(
                  Locale.ROOT, "Vitals %.1f.\n", marginal(small.vitals(), large.vitals())));
    }
    return m.toString();
  }

  private static double marginal(Side small, Side large) {
    double extraCpu = large.cores() - small.cores();
    double extraSamples = large.samples() / large.seconds() - small.samples() / small.seconds();
    return extraCpu / (extraSamples / 1e6);
  }

  private static void row(StringBuilder m, Result r, String system, Side side) {
    m.append(
        String.format(
            Locale.ROOT,
            "| %,d | %,d (%,d) | %s | %.1f | %.3f | %.0f / %.0f | %s | %s | %d |\n",
            r.services(),
            r.samplesPerScrape(),
            r.pointsPerScrape(),
            system,
            side.cpuPerMillion(),
            side.cores(),
            side.steadyRssMiB(),
            side.peakRssMiB(),
            seconds(side.pageAfterSeconds()),
            seconds(side.alertmanagerAfterSeconds()),
            side.falsePages()));
  }

  /** "41, 63, 52 s (median 52 s)"; "no page" for an incident that did not page. */
  private static String seconds(List<Double> times) {
    List<String> each = new ArrayList<>();
    List<Double> paged = new ArrayList<>();
    for (double t : times) {
      each.add(Double.isNaN(t) ? "no page" : String.format(Locale.ROOT, "%.0f", t));
      if (!Double.isNaN(t)) {
        paged.add(t);
      }
    }
    if (paged.isEmpty()) {
      return String.join(", ", each);
    }
    paged.sort(null);
    return String.join(", ", each)
        + String.format(Locale.ROOT, " s (median %.0f s)", paged.get((paged.size() - 1) / 2));
  }

  private static void log(String message) {
    System.out.println(Instant.now() + " versus " + message);
  }
}
