package dev.vitals.common.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bounds of the JDK's built-in HTTP server, which serves the admin endpoints and the query API.
 * The JDK takes them only as system properties, read once per process when its first server starts,
 * so they hold for every such server of the process alike; {@link #applyDefaults()} sets Vitals'
 * defaults for those not given on the command line ({@code -D...}, e.g. through {@code
 * VITALS_JAVA_OPTS}), which win.
 *
 * <ul>
 *   <li>{@value #HEADER_TIMEOUT}: seconds from a request's first byte until its headers are in; a
 *       slower client (slowloris) is disconnected.
 *   <li>{@value #MAX_CONNECTIONS}: open connections per server; past it new ones are closed on
 *       accept.
 *   <li>{@value #MAX_HEADERS} and {@value #MAX_HEADER_BYTES}: a request with more headers, or
 *       larger ones, is answered 400 and its connection closed.
 * </ul>
 *
 * The JDK counts none of these; the ingest listeners, which face clients, do.
 */
public final class JdkServerLimits {

  public static final String HEADER_TIMEOUT = "sun.net.httpserver.maxReqTime";
  public static final String MAX_CONNECTIONS = "jdk.httpserver.maxConnections";
  public static final String MAX_HEADERS = "sun.net.httpserver.maxReqHeaders";
  public static final String MAX_HEADER_BYTES = "sun.net.httpserver.maxReqHeaderSize";

  /** Vitals' defaults: 10 s for headers, 256 connections, 100 headers in 16 KiB. */
  public static final Map<String, String> DEFAULTS = defaults();

  private JdkServerLimits() {}

  /**
   * Sets each default not already set. Call before the process's first JDK HTTP server starts;
   * later calls change nothing the JDK still reads.
   */
  public static synchronized void applyDefaults() {
    DEFAULTS.forEach(
        (key, value) -> {
          if (System.getProperty(key) == null) {
            System.setProperty(key, value);
          }
        });
  }

  private static Map<String, String> defaults() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(HEADER_TIMEOUT, "10");
    m.put(MAX_CONNECTIONS, "256");
    m.put(MAX_HEADERS, "100");
    m.put(MAX_HEADER_BYTES, "16384");
    return java.util.Collections.unmodifiableMap(m);
  }
}
