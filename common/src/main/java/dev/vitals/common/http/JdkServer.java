package dev.vitals.common.http;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.vitals.common.tls.ServerTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server on the JDK's HTTP server, the one scaffold of the admin server and the query server:
 * {@link JdkServerLimits} applied, HTTPS only when TLS is set (client certificates as its {@code
 * clientAuth} says), one handler for every path on a fixed pool of daemon threads. Bound first and
 * started apart, so that a server can learn its port before it answers.
 */
public final class JdkServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(JdkServer.class);

  private final HttpServer server;
  private final String name;
  private final String host;
  private final @Nullable ServerTls tls;
  private @Nullable ExecutorService executor;
  private boolean closed;

  private JdkServer(HttpServer server, String name, String host, @Nullable ServerTls tls) {
    this.server = server;
    this.name = name;
    this.host = host;
    this.tls = tls;
  }

  /**
   * Binds the address {@code options} name, with its TLS; a problem with a TLS file is reported
   * after "{@code name} TLS". Nothing is answered until {@link #start}.
   */
  public static JdkServer bind(JdkServerBuilder<?> options, String name) throws IOException {
    InetSocketAddress address = new InetSocketAddress(options.host(), options.port());
    JdkServerLimits.applyDefaults();
    ServerTls tls = options.tls();
    if (tls == null) {
      return new JdkServer(HttpServer.create(address, 0), name, options.host(), null);
    }
    SSLContext context = tls.serverContext(name + " TLS");
    HttpsServer https = HttpsServer.create(address, 0);
    https.setHttpsConfigurator(configurator(context, tls.clientAuth()));
    return new JdkServer(https, name, options.host(), tls);
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * Answers every path with {@code handler} on {@code threads} threads named "name-http-n", and
   * logs where it listens; {@code bearerAuth} says whether requests need a token (never the token).
   */
  public synchronized void start(HttpHandler handler, int threads, boolean bearerAuth) {
    if (closed || executor != null) {
      throw new IllegalStateException(name + " server: started or closed (expected: bound)");
    }
    AtomicInteger count = new AtomicInteger();
    executor =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, name + "-http-" + count.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", handler);
    server.start();
    log.info(
        "{} server listening host={} port={} tls={} clientAuth={} auth={}",
        name,
        host,
        port(),
        tls != null,
        tls == null ? "none" : tls.clientAuth().name().toLowerCase(Locale.ROOT),
        bearerAuth ? "bearer" : "none");
  }

  /** Stops serving; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.stop(0);
    if (executor != null) {
      executor.shutdownNow();
    }
  }

  /** Configures each connection with {@code context} and the client-certificate policy. */
  private static HttpsConfigurator configurator(SSLContext context, ServerTls.ClientAuth policy) {
    return new HttpsConfigurator(context) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters ssl = getSSLContext().getDefaultSSLParameters();
        if (policy == ServerTls.ClientAuth.REQUIRE) {
          ssl.setNeedClientAuth(true);
        } else if (policy == ServerTls.ClientAuth.OPTIONAL) {
          ssl.setWantClientAuth(true);
        }
        params.setSSLParameters(ssl);
      }
    };
  }
}
