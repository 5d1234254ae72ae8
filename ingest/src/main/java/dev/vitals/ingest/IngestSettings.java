package dev.vitals.ingest;

import static java.util.Objects.requireNonNull;

import dev.vitals.common.tls.ServerTls;
import dev.vitals.schemas.Topics;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Everything the ingest stage needs to run, already validated. The app builds it from {@code
 * vitals.yaml}; tests build it with {@link #defaults()} and the withers.
 *
 * @param grpc the OTLP/gRPC listener (default {@code 0.0.0.0:4317})
 * @param http the OTLP/HTTP and remote-write listener (default {@code 0.0.0.0:4318})
 * @param tls TLS for both listeners, or null for plaintext
 * @param auth how a request's tenant is found
 * @param limits memory and time bounds
 * @param topics the topic catalog (prefix)
 */
public record IngestSettings(
    Listener grpc,
    Listener http,
    @Nullable ServerTls tls,
    Auth auth,
    Limits limits,
    Topics topics) {

  public static final int DEFAULT_GRPC_PORT = 4317;
  public static final int DEFAULT_HTTP_PORT = 4318;

  public IngestSettings {
    requireNonNull(grpc, "grpc");
    requireNonNull(http, "http");
    requireNonNull(auth, "auth");
    requireNonNull(limits, "limits");
    requireNonNull(topics, "topics");
  }

  public static IngestSettings defaults() {
    return new IngestSettings(
        new Listener("0.0.0.0", DEFAULT_GRPC_PORT),
        new Listener("0.0.0.0", DEFAULT_HTTP_PORT),
        null,
        Auth.DEFAULT,
        Limits.DEFAULT,
        Topics.DEFAULT);
  }

  public IngestSettings withListeners(Listener grpc, Listener http) {
    return new IngestSettings(grpc, http, tls, auth, limits, topics);
  }

  public IngestSettings withTls(ServerTls tls) {
    return new IngestSettings(grpc, http, tls, auth, limits, topics);
  }

  public IngestSettings withAuth(Auth auth) {
    return new IngestSettings(grpc, http, tls, auth, limits, topics);
  }

  public IngestSettings withLimits(Limits limits) {
    return new IngestSettings(grpc, http, tls, auth, limits, topics);
  }

  /**
   * A host and port to listen on (port 0 picks a free port), and the bounds that keep hostile or
   * broken clients from holding its connections.
   *
   * @param maxConnections open connections at once; past it new ones are closed on accept and
   *     counted as {@code vitals_ingest_refused_connections_total}
   * @param headerTimeout how long a request's headers may take to arrive from their first byte
   *     (HTTP: 408 and close, counted as {@code slow_headers}); on gRPC, the TLS and HTTP/2
   *     handshake's deadline
   * @param maxHeaderBytes largest request line plus headers (HTTP: 431 above it), or gRPC metadata
   * @param idleTimeout a connection without traffic (HTTP) or without calls (gRPC) this long is
   *     closed
   * @param maxConnectionAge gRPC only: a connection this old is asked to go away (GOAWAY) once its
   *     calls finish, so clients rebalance over instances; null for no limit
   */
  public record Listener(
      String host,
      int port,
      int maxConnections,
      Duration headerTimeout,
      int maxHeaderBytes,
      Duration idleTimeout,
      Duration maxConnectionAge) {
    public static final int DEFAULT_MAX_CONNECTIONS = 1000;
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);
    public static final Duration DEFAULT_MAX_CONNECTION_AGE = Duration.ofMinutes(30);

    public Listener {
      requireNonNull(host, "host");
      requireNonNull(headerTimeout, "headerTimeout");
      requireNonNull(idleTimeout, "idleTimeout");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
      }
      if (maxConnections <= 0) {
        throw new IllegalArgumentException(
            "maxConnections: " + maxConnections + " (expected: > 0)");
      }
      if (maxHeaderBytes < 1024) {
        throw new IllegalArgumentException(
            "maxHeaderBytes: " + maxHeaderBytes + " (expected: >= 1024)");
      }
      positive("headerTimeout", headerTimeout);
      positive("idleTimeout", idleTimeout);
      if (maxConnectionAge != null) {
        positive("maxConnectionAge", maxConnectionAge);
      }
    }

    /** The default bounds; {@link #DEFAULT_MAX_CONNECTION_AGE} applies to gRPC only. */
    public Listener(String host, int port) {
      this(
          host,
          port,
          DEFAULT_MAX_CONNECTIONS,
          DEFAULT_HEADER_TIMEOUT,
          DEFAULT_MAX_HEADER_BYTES,
          DEFAULT_IDLE_TIMEOUT,
          DEFAULT_MAX_CONNECTION_AGE);
    }

    public Listener withMaxConnections(int maxConnections) {
      return new Listener(
          host, port, maxConnections, headerTimeout, maxHeaderBytes, idleTimeout, maxConnectionAge);
    }

    public Listener withHeaderTimeout(Duration headerTimeout) {
      return new Listener(
          host, port, maxConnections, headerTimeout, maxHeaderBytes, idleTimeout, maxConnectionAge);
    }

    public Listener withMaxHeaderBytes(int maxHeaderBytes) {
      return new Listener(
          host, port, maxConnections, headerTimeout, maxHeaderBytes, idleTimeout, maxConnectionAge);
    }

    private static void positive(String name, Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
      }
    }
  }

  /**
   * How a request's tenant is found. With {@code tokens} set, every request needs {@code
   * Authorization: Bearer <token>} and the token names the tenant. Without, the tenant is the
   * {@code X-Scope-OrgID} header, else {@code defaultTenant}; a request with neither is refused
   * when {@code defaultTenant} is null.
   *
   * @param tokens bearer token to tenant; empty when tokens are not used
   * @param defaultTenant the tenant of requests that name none, or null to require one
   */
  public record Auth(Map<String, String> tokens, String defaultTenant) {
    public static final Auth DEFAULT = new Auth(Map.of(), "default");

    public Auth {
      tokens = Map.copyOf(tokens);
    }

    /** Never prints the tokens. */
    @Override
    public String toString() {
      return "Auth[tokens=" + tokens.size() + " configured, defaultTenant=" + defaultTenant + "]";
    }
  }

  /**
   * Bounds that keep one ingest instance alive under any load.
   *
   * @param maxRequestBytes largest request body, after decompression (OTLP recommends 64 MiB)
   * @param maxInFlightBytes bodies held at once, from first byte read until Kafka acknowledged;
   *     past it requests are refused with a retry hint
   * @param kafkaTimeout how long a request waits for Kafka's acknowledgement before a retryable
   *     error
   * @param retryAfter the hint sent with throttling answers
   * @param maxRecordBytes largest Kafka record value; larger resources are split by scope
   * @param tenantBytesPerSecond request bytes each tenant may send per second, on average; 0 for no
   *     limit
   * @param tenantBurstBytes how far a tenant may run ahead of its rate; at least maxRequestBytes (0
   *     picks the larger of one second's worth and maxRequestBytes)
   */
  public record Limits(
      long maxRequestBytes,
      long maxInFlightBytes,
      Duration kafkaTimeout,
      Duration retryAfter,
      int maxRecordBytes,
      long tenantBytesPerSecond,
      long tenantBurstBytes,
      Duration bodyTimeout) {
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(30);

    public static final Limits DEFAULT =
        new Limits(64L << 20, 256L << 20, Duration.ofSeconds(5), Duration.ofSeconds(1), 1_000_000);

    public Limits {
      requireNonNull(kafkaTimeout, "kafkaTimeout");
      requireNonNull(retryAfter, "retryAfter");
      requireNonNull(bodyTimeout, "bodyTimeout");
      if (bodyTimeout.isNegative() || bodyTimeout.isZero()) {
        throw new IllegalArgumentException("bodyTimeout: " + bodyTimeout + " (expected: > 0)");
      }
      positive("maxRequestBytes", maxRequestBytes);
      positive("maxInFlightBytes", maxInFlightBytes);
      positive("maxRecordBytes", maxRecordBytes);
      if (tenantBytesPerSecond < 0) {
        throw new IllegalArgumentException(
            "tenantBytesPerSecond: " + tenantBytesPerSecond + " (expected: >= 0, 0 for no limit)");
      }
      if (tenantBurstBytes == 0) {
        tenantBurstBytes = Math.max(tenantBytesPerSecond, maxRequestBytes);
      }
      if (tenantBytesPerSecond > 0 && tenantBurstBytes < maxRequestBytes) {
        throw new IllegalArgumentException(
            "tenantBurstBytes: "
                + tenantBurstBytes
                + " (expected: >= maxRequestBytes "
                + maxRequestBytes
                + ", or a request of that size could never pass)");
      }
      if (maxInFlightBytes < maxRequestBytes) {
        throw new IllegalArgumentException(
            "maxInFlightBytes: "
                + maxInFlightBytes
                + " (expected: >= maxRequestBytes "
                + maxRequestBytes
                + ")");
      }
    }

    /** Limits without a per-tenant rate. */
    public Limits(
        long maxRequestBytes,
        long maxInFlightBytes,
        Duration kafkaTimeout,
        Duration retryAfter,
        int maxRecordBytes) {
      this(maxRequestBytes, maxInFlightBytes, kafkaTimeout, retryAfter, maxRecordBytes, 0, 0);
    }

    /** Limits with the default body timeout. */
    public Limits(
        long maxRequestBytes,
        long maxInFlightBytes,
        Duration kafkaTimeout,
        Duration retryAfter,
        int maxRecordBytes,
        long tenantBytesPerSecond,
        long tenantBurstBytes) {
      this(
          maxRequestBytes,
          maxInFlightBytes,
          kafkaTimeout,
          retryAfter,
          maxRecordBytes,
          tenantBytesPerSecond,
          tenantBurstBytes,
          DEFAULT_BODY_TIMEOUT);
    }

    public Limits withMaxRecordBytes(int maxRecordBytes) {
      return new Limits(
          maxRequestBytes,
          maxInFlightBytes,
          kafkaTimeout,
          retryAfter,
          maxRecordBytes,
          tenantBytesPerSecond,
          tenantBurstBytes,
          bodyTimeout);
    }

    public Limits withBodyTimeout(Duration bodyTimeout) {
      return new Limits(
          maxRequestBytes,
          maxInFlightBytes,
          kafkaTimeout,
          retryAfter,
          maxRecordBytes,
          tenantBytesPerSecond,
          tenantBurstBytes,
          bodyTimeout);
    }

    public Limits withTenantRate(long bytesPerSecond, long burstBytes) {
      return new Limits(
          maxRequestBytes,
          maxInFlightBytes,
          kafkaTimeout,
          retryAfter,
          maxRecordBytes,
          bytesPerSecond,
          burstBytes,
          bodyTimeout);
    }

    private static void positive(String name, long value) {
      if (value <= 0) {
        throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
      }
    }
  }
}
