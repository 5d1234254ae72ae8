package dev.vitals.streams;

import static java.util.Objects.requireNonNull;

import dev.vitals.common.tls.ServerTls;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Where the query API and status page listen, and who may read them.
 *
 * @param host the address to bind
 * @param port the port (8080); every instance of a deployment must be reachable by the others on
 *     {@code advertisedHost:port}, which Kafka Streams publishes as {@code application.server}
 * @param advertisedHost the host other instances use to reach this one
 * @param tls HTTPS (and optionally mTLS) from PEM files; null for plain HTTP
 * @param bearerToken a token that sees every tenant; null for none. A secret
 * @param tenantTokens bearer token → tenant: a caller with one sees only its tenant's services.
 *     When neither this nor {@code bearerToken} is set, the API is open. Secrets
 */
public record QuerySettings(
    String host,
    int port,
    String advertisedHost,
    @Nullable ServerTls tls,
    @Nullable String bearerToken,
    Map<String, String> tenantTokens) {

  public static final int DEFAULT_PORT = 8080;
  public static final QuerySettings DEFAULTS =
      new QuerySettings("0.0.0.0", DEFAULT_PORT, "localhost", null, null, Map.of());

  public QuerySettings {
    requireNonNull(host, "host");
    requireNonNull(advertisedHost, "advertisedHost");
    tenantTokens = Map.copyOf(requireNonNull(tenantTokens, "tenantTokens"));
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException(
          "port: " + port + " (expected: 1..65535; every instance must publish its port)");
    }
  }

  /** Binds {@code host:port} and advertises the same address, unless it is a wildcard. */
  public QuerySettings withListener(String host, int port) {
    String advertised = host.equals("0.0.0.0") || host.equals("::") ? advertisedHost : host;
    return new QuerySettings(host, port, advertised, tls, bearerToken, tenantTokens);
  }

  /** The port other instances reach this one on. */
  public int advertisedPort() {
    return port;
  }

  /** Never prints tokens. */
  @Override
  public String toString() {
    return "QuerySettings[host="
        + host
        + ", port="
        + port
        + ", advertisedHost="
        + advertisedHost
        + ", tls="
        + tls
        + ", bearerToken="
        + (bearerToken == null ? "none" : "<redacted>")
        + ", tenantTokens="
        + tenantTokens.size()
        + "]";
  }
}
