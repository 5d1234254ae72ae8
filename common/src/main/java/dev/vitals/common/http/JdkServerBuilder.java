package dev.vitals.common.http;

import static java.util.Objects.requireNonNull;

import dev.vitals.common.tls.ServerTls;
import org.jspecify.annotations.Nullable;

/**
 * What every server on the JDK's HTTP server is built with: where it listens, its TLS and its
 * bearer token. The admin server and the query server extend it with what is theirs; {@link
 * JdkServer#bind} starts a server from it.
 *
 * @param <B> the builder itself, so that the setters chain
 */
public abstract class JdkServerBuilder<B extends JdkServerBuilder<B>> {

  private String host;
  private int port;
  private @Nullable ServerTls tls;
  private @Nullable String bearerToken;

  /** Starts from these defaults; no TLS, no token. */
  protected JdkServerBuilder(String defaultHost, int defaultPort) {
    this.host = requireNonNull(defaultHost, "defaultHost");
    this.port = checkPort(defaultPort);
  }

  /** The address to listen on, e.g. {@code 0.0.0.0} for every interface. */
  public final B setHost(String host) {
    this.host = requireNonNull(host, "host");
    return self();
  }

  /** The port; 0 picks a free one. */
  public final B setPort(int port) {
    this.port = checkPort(port);
    return self();
  }

  /** Serves HTTPS only, with these PEM files; null (the default) serves plain HTTP. */
  public final B setTls(@Nullable ServerTls tls) {
    this.tls = tls;
    return self();
  }

  /**
   * The token that a request's {@code Authorization: Bearer <token>} must carry (see {@link
   * BearerToken}); null (the default) for none. Which paths need it is the server's to say.
   */
  public final B setBearerToken(@Nullable String token) {
    if (token != null && token.isEmpty()) {
      throw new IllegalArgumentException("bearerToken: empty (expected a token or null)");
    }
    this.bearerToken = token;
    return self();
  }

  public final String host() {
    return host;
  }

  public final int port() {
    return port;
  }

  /** Null for plain HTTP. */
  public final @Nullable ServerTls tls() {
    return tls;
  }

  /** Null for none. A secret: never log it. */
  public final @Nullable String bearerToken() {
    return bearerToken;
  }

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }

  private static int checkPort(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
    }
    return port;
  }
}
