package dev.vitals.app.config;

import static java.util.Objects.requireNonNull;

/**
 * Where the admin server ({@code /metrics}, {@code /healthz}, {@code /readyz}) listens.
 *
 * @param host the address to bind
 * @param port the port; 0 picks a free one
 */
public record AdminSettings(String host, int port) {

  public static final int DEFAULT_PORT = 8888;

  public AdminSettings {
    requireNonNull(host, "host");
  }
}
