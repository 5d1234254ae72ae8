package dev.vitals.sinks.http;

import dev.vitals.sinks.SinkSettings.Auth;
import dev.vitals.sinks.SinkSettings.Destination;
import dev.vitals.sinks.SinkSettings.Tls;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP side of one destination: a client with its TLS, and requests with its auth, extra
 * headers and tenant header. The protocol's own headers (content type and encoding, the
 * remote-write version) are set by the sink and cannot be overridden by configured headers.
 */
public final class DestinationClient {

  private static final Set<String> RESERVED =
      Set.of(
          "content-type",
          "content-encoding",
          "content-length",
          "user-agent",
          "x-prometheus-remote-write-version",
          "authorization",
          "host");

  private final Destination destination;
  private final HttpClient client;
  private final @Nullable String authorization;
  private final ExecutorService senders;

  public DestinationClient(Destination destination) throws IOException {
    this.destination = destination;
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(destination.timeout())
            .followRedirects(HttpClient.Redirect.NEVER);
    if (destination.tls() != null) {
      builder.sslContext(sslContext(destination.tls()));
    }
    this.client = builder.build();
    this.authorization = authorization(destination.auth());
    this.senders = senders(destination);
  }

  public Destination destination() {
    return destination;
  }

  /**
   * A request to {@code uri} (the destination's URL, or a path of it) with auth, extra headers and,
   * when configured, the tenant header set to {@code tenant}.
   */
  public HttpRequest.Builder request(URI uri, String tenant) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(destination.timeout());
    destination
        .headers()
        .forEach(
            (name, value) -> {
              if (!RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
                b.header(name, value);
              }
            });
    if (destination.tenantHeader() != null && tenant != null && !tenant.isEmpty()) {
      b.setHeader(destination.tenantHeader(), tenant);
    }
    if (authorization != null) {
      b.setHeader("Authorization", authorization);
    }
    b.setHeader("User-Agent", "vitals-sinks/" + version());
    return b;
  }

  public CompletableFuture<HttpResponse<String>> send(HttpRequest request) {
    return send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** Like {@link #send} for protocols whose answers are binary (OTLP's protobuf responses). */
  public CompletableFuture<HttpResponse<byte[]>> sendForBytes(HttpRequest request) {
    return send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  /**
   * Sends on this destination's own threads, one per shard. The JDK client's {@code sendAsync}
   * hands every completion to {@code CompletableFuture}'s default executor, which on a machine with
   * fewer than three cores starts a new thread per task (measured in bench/: thousands of thread
   * starts a minute); its blocking {@code send} does not.
   */
  private <T> CompletableFuture<HttpResponse<T>> send(
      HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return client.send(request, handler);
          } catch (IOException e) {
            throw new CompletionException(e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompletionException(e);
          }
        },
        senders);
  }

  private static ExecutorService senders(Destination destination) {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            destination.shards(),
            destination.shards(),
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t =
                  new Thread(
                      r, "vitals-sink-http-" + destination.name() + "-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  private static @Nullable String authorization(@Nullable Auth auth) {
    if (auth == null) {
      return null;
    }
    if (auth.bearerToken() != null) {
      return "Bearer " + auth.bearerToken();
    }
    String pair = auth.username() + ":" + (auth.password() == null ? "" : auth.password());
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  private static SSLContext sslContext(Tls tls) throws IOException {
    try {
      return PemSsl.clientContext(tls);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS from " + tls + ": " + e.getMessage(), e);
    }
  }

  private static String version() {
    String v = DestinationClient.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
