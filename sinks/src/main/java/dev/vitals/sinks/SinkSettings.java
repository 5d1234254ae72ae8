package dev.vitals.sinks;

import static java.util.Objects.requireNonNull;

import dev.vitals.schemas.Topics;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Everything the sinks stage needs, already validated: the destinations and the delivery rules. The
 * app builds it from the {@code sinks:} section of {@code vitals.yaml}.
 */
public record SinkSettings(List<Destination> destinations, Delivery delivery, Topics topics) {

  public SinkSettings {
    destinations = List.copyOf(destinations);
    requireNonNull(delivery, "delivery");
    requireNonNull(topics, "topics");
    long names = destinations.stream().map(Destination::name).distinct().count();
    if (names != destinations.size()) {
      throw new IllegalArgumentException("destinations: names must be unique");
    }
  }

  /** What a destination speaks. */
  public enum Kind {
    /** Prometheus remote write 1.0: Prometheus, VictoriaMetrics, Mimir, Thanos. */
    REMOTE_WRITE,
    /** InfluxDB line protocol: InfluxDB 1.x/2.x, VictoriaMetrics. */
    INFLUX,
    /** OTLP/HTTP metrics (protobuf): any OTLP backend. */
    OTLP,
    /** Alertmanager API v2. */
    ALERTMANAGER
  }

  /**
   * What a store gets when a late correction re-emits a window ({@code revision > 0}). The running
   * totals (counters) are written in both cases: they absorb late data in any store.
   */
  public enum Corrections {
    /**
     * The per-window series are written once, for revision 0; a correction writes only the
     * counters. For stores that refuse a second value at a timestamp they have (Prometheus, Mimir,
     * Thanos, most OTLP backends) and for VictoriaMetrics, which keeps both values and answers
     * queries with either (1.79: the smaller, whichever came first).
     */
    ONCE,
    /**
     * A correction writes the per-window series again at the window's end, where the store replaces
     * the earlier value: InfluxDB (same measurement, tags and time are one point; new field values
     * win).
     */
    OVERWRITE;

    /** ONCE for remote write and OTLP, OVERWRITE for InfluxDB line protocol. */
    public static Corrections defaultFor(Kind kind) {
      return kind == Kind.INFLUX ? OVERWRITE : ONCE;
    }
  }

  /**
   * How the latency histograms leave for a store. OTLP destinations always get exponential
   * histograms; Alertmanager none.
   */
  public enum Histograms {
    /**
     * Prometheus native histograms over remote write, the sketch's own schema and buckets
     * (Prometheus needs {@code --enable-feature=native-histograms}; Mimir takes them).
     */
    NATIVE,
    /**
     * Classic {@code _bucket} series with an {@code le} label (and {@code _count}, {@code _sum}):
     * any store sums them. The bounds are fixed, 4 per power of two from 1/1024 s to 64 s.
     */
    CLASSIC
  }

  /**
   * One store or Alertmanager.
   *
   * @param name unique; names the consumer group ({@code vitals-sink-<name>}) and metric labels
   * @param url the full write URL, e.g. {@code http://prometheus:9090/api/v1/write}, {@code
   *     http://influx:8086/api/v2/write?org=o&bucket=b&precision=ms}, {@code
   *     http://collector:4318/v1/metrics}, {@code http://alertmanager:9093}
   * @param headers extra request headers (the protocol's own headers cannot be overridden)
   * @param tenantHeader a header to put each batch's tenant in (e.g. {@code X-Scope-OrgID});
   *     batches then hold one tenant each. Null: no tenant header.
   * @param auth basic or bearer authentication, or null
   * @param tls client TLS for https URLs, or null for the JVM's defaults
   * @param timeout per request
   * @param shards parallel requests, by series hash; each series stays in one shard, in order
   * @param maxBatchSamples samples per request at most
   * @param corrections what a late correction writes; null: {@link Corrections#defaultFor} the kind
   * @param histograms how latency histograms are written; null: {@link Histograms#CLASSIC}
   */
  public record Destination(
      String name,
      Kind kind,
      URI url,
      Map<String, String> headers,
      @Nullable String tenantHeader,
      @Nullable Auth auth,
      @Nullable Tls tls,
      Duration timeout,
      int shards,
      int maxBatchSamples,
      @Nullable Corrections corrections,
      @Nullable Histograms histograms) {

    public Destination {
      histograms = histograms == null ? Histograms.CLASSIC : histograms;
      corrections =
          corrections == null && kind != null ? Corrections.defaultFor(kind) : corrections;
      requireNonNull(name, "name");
      requireNonNull(kind, "kind");
      requireNonNull(url, "url");
      requireNonNull(timeout, "timeout");
      headers = headers == null ? Map.of() : Map.copyOf(headers);
      if (!name.matches("[a-zA-Z0-9_.\\-]{1,64}")) {
        throw new IllegalArgumentException(
            "name: \"" + name + "\" (expected: 1-64 of a-z A-Z 0-9 _ . -)");
      }
      if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
        throw new IllegalArgumentException(
            "url: " + Redaction.url(url) + " (expected: http or https)");
      }
      if (shards < 1 || shards > 64) {
        throw new IllegalArgumentException("shards: " + shards + " (expected: 1..64)");
      }
      if (maxBatchSamples < 1) {
        throw new IllegalArgumentException(
            "maxBatchSamples: " + maxBatchSamples + " (expected: > 0)");
      }
    }

    /** A destination with the default corrections and histograms. */
    public Destination(
        String name,
        Kind kind,
        URI url,
        Map<String, String> headers,
        @Nullable String tenantHeader,
        @Nullable Auth auth,
        @Nullable Tls tls,
        Duration timeout,
        int shards,
        int maxBatchSamples) {
      this(
          name,
          kind,
          url,
          headers,
          tenantHeader,
          auth,
          tls,
          timeout,
          shards,
          maxBatchSamples,
          null,
          null);
    }

    /** A destination with the defaults: 10 s timeout, 4 shards, 2,000 samples per request. */
    public static Destination of(String name, Kind kind, URI url) {
      return new Destination(
          name, kind, url, Map.of(), null, null, null, Duration.ofSeconds(10), 4, 2000);
    }

    /** This destination with {@code corrections}. */
    public Destination withCorrections(Corrections corrections) {
      return new Destination(
          name,
          kind,
          url,
          headers,
          tenantHeader,
          auth,
          tls,
          timeout,
          shards,
          maxBatchSamples,
          corrections,
          histograms);
    }

    /** This destination with {@code histograms}. */
    public Destination withHistograms(Histograms histograms) {
      return new Destination(
          name,
          kind,
          url,
          headers,
          tenantHeader,
          auth,
          tls,
          timeout,
          shards,
          maxBatchSamples,
          corrections,
          histograms);
    }

    /** The URL as it may be printed: user info and query values redacted. */
    public String redactedUrl() {
      return Redaction.url(url);
    }

    /** Never prints credentials. */
    @Override
    public String toString() {
      return "Destination[name=" + name + ", kind=" + kind + ", url=" + redactedUrl() + "]";
    }
  }

  /** Basic ({@code username} + {@code password}) or bearer ({@code bearerToken}) auth. */
  public record Auth(
      @Nullable String username, @Nullable String password, @Nullable String bearerToken) {
    public Auth {
      boolean basic = username != null;
      boolean bearer = bearerToken != null;
      if (basic == bearer) {
        throw new IllegalArgumentException("auth: set either username/password or bearerToken");
      }
    }

    @Override
    public String toString() {
      return username != null ? "Auth[basic " + username + "]" : "Auth[bearer]";
    }
  }

  /**
   * Client TLS from PEM files.
   *
   * @param caFile CA certificates to trust instead of the JVM's, or null
   * @param certFile client certificate (mTLS), or null
   * @param keyFile client key (PKCS#8 PEM), with certFile
   * @param insecureSkipVerify trust any server certificate (tests only)
   */
  public record Tls(
      @Nullable Path caFile,
      @Nullable Path certFile,
      @Nullable Path keyFile,
      boolean insecureSkipVerify) {
    public Tls {
      if ((certFile == null) != (keyFile == null)) {
        throw new IllegalArgumentException("tls: certFile and keyFile go together");
      }
    }
  }

  /**
   * Retry rules shared by all store sinks.
   *
   * @param minBackoff first retry delay (doubles, with jitter)
   * @param maxBackoff longest retry delay
   */
  public record Delivery(Duration minBackoff, Duration maxBackoff) {
    public static final Delivery DEFAULT =
        new Delivery(Duration.ofMillis(100), Duration.ofSeconds(30));

    public Delivery {
      requireNonNull(minBackoff, "minBackoff");
      requireNonNull(maxBackoff, "maxBackoff");
      if (maxBackoff.compareTo(minBackoff) < 0) {
        throw new IllegalArgumentException(
            "maxBackoff: " + maxBackoff + " (expected: >= minBackoff)");
      }
    }
  }
}
