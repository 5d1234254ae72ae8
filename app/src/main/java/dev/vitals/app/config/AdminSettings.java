package dev.vitals.app.config;

import static java.util.Objects.requireNonNull;

import dev.vitals.common.tls.ServerTls;

/**
 * Where and how the admin server ({@code /metrics}, {@code /healthz}, {@code /readyz}) listens.
 *
 * @param host the address to bind
 * @param port the port; 0 picks a free one
 * @param tls HTTPS (and optionally mTLS) from PEM files, the same shape as {@code ingest.tls}; null
 *     for plain HTTP
 * @param bearerToken when set, {@code /metrics} and {@code /readyz} need {@code Authorization:
 *     Bearer <token>}; null for none. A secret: {@link #toString} does not show it
 */
public record AdminSettings(String host, int port, ServerTls tls, String bearerToken) {

  public static final int DEFAULT_PORT = 8888;

  public AdminSettings {
    requireNonNull(host, "host");
    if (bearerToken != null && !isValidToken(bearerToken)) {
      throw new IllegalArgumentException("bearerToken: " + TOKEN_RULE);
    }
  }

  /** Why a token is refused; never includes the token, which is a secret. */
  static final String TOKEN_RULE = "not a token (expected: visible ASCII characters, no spaces)";

  /** True for a non-empty token of visible ASCII: what fits in an Authorization header as is. */
  static boolean isValidToken(String token) {
    return !token.isEmpty() && token.chars().allMatch(c -> c > 0x20 && c < 0x7f);
  }

  /** Plain HTTP without authentication. */
  public AdminSettings(String host, int port) {
    this(host, port, null, null);
  }

  /** Like the record's, but with the token redacted: settings get logged. */
  @Override
  public String toString() {
    return "AdminSettings[host="
        + host
        + ", port="
        + port
        + ", tls="
        + tls
        + ", bearerToken="
        + (bearerToken == null ? "null" : ConfigPrinter.REDACTED)
        + "]";
  }
}
