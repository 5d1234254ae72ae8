package dev.vitals.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Slow headers, connection floods and oversized headers on both ingest listeners (issue 10.5). */
class ListenerLimitsTest {

  private static final Duration HEADER_TIMEOUT = Duration.ofMillis(500);

  PrometheusRegistry registry;
  IngestStage server;
  final List<Socket> sockets = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    registry = new PrometheusRegistry();
    IngestSettings.Listener base = new IngestSettings.Listener("127.0.0.1", 0);
    IngestSettings.Listener listener =
        base.withMaxConnections(2).withHeaderTimeout(HEADER_TIMEOUT).withMaxHeaderBytes(4096);
    server =
        IngestStage.start(
            TestIngest.localSettings().withListeners(listener, listener),
            TestIngest.producer(true),
            registry);
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
    server.close();
  }

  @Test
  void aClientTricklingHeadersIsCutOffWithinTheHeaderTimeoutAndCounted() throws Exception {
    Socket socket = connect(server.httpPort());
    OutputStream out = socket.getOutputStream();
    byte[] request =
        "POST /v1/metrics HTTP/1.1\r\nHost: x\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
            .getBytes(StandardCharsets.US_ASCII);
    long started = System.nanoTime();
    boolean cutOff = false;
    for (byte b : request) {
      try {
        out.write(b);
        out.flush();
      } catch (IOException closed) {
        cutOff = true;
        break;
      }
      Thread.sleep(50); // the client under test is slow on purpose: one byte per 50 ms
    }
    String answer = readAll(socket);
    long tookMs = (System.nanoTime() - started) / 1_000_000;

    assertThat(cutOff || answer.startsWith("HTTP/1.1 408")).isTrue();
    assertThat(tookMs).isLessThan(HEADER_TIMEOUT.toMillis() + 2_000);
    assertThat(answer).startsWith("HTTP/1.1 408");
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(
                        counted("vitals_ingest_rejected_requests_total", "reason=\"slow_headers\""))
                    .isEqualTo(1.0));
  }

  @Test
  void anIdleKeepAliveConnectionIsNotMistakenForSlowHeaders() throws Exception {
    Socket socket = connect(server.httpPort());
    // Silence between requests is the idle timeout's business, not the header timeout's.
    Thread.sleep(HEADER_TIMEOUT.toMillis() * 3); // on purpose: stay quiet past the header timeout
    socket
        .getOutputStream()
        .write(
            "GET /v1/metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));

    assertThat(readAll(socket)).startsWith("HTTP/1.1 405");
  }

  @Test
  void httpConnectionsBeyondTheLimitAreRefusedAndCounted() throws Exception {
    connect(server.httpPort());
    connect(server.httpPort());
    Socket third = connect(server.httpPort());

    assertThat(readAll(third)).isEmpty();
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(counted("vitals_ingest_refused_connections_total", "transport=\"http\""))
                    .isEqualTo(1.0));
    assertThat(counted("vitals_ingest_open_connections", "transport=\"http\"")).isEqualTo(2.0);
  }

  @Test
  void grpcConnectionsBeyondTheLimitAreRefusedAndCounted() throws Exception {
    connect(server.grpcPort());
    connect(server.grpcPort());
    Socket third = connect(server.grpcPort());

    assertThat(readAll(third)).isEmpty();
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(counted("vitals_ingest_refused_connections_total", "transport=\"grpc\""))
                    .isEqualTo(1.0));
  }

  @Test
  void aClosedConnectionFreesItsPlace() throws Exception {
    connect(server.httpPort()).close();
    connect(server.httpPort()).close();
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              Socket next = connect(server.httpPort());
              next.getOutputStream()
                  .write(
                      "GET /v1/logs HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                          .getBytes(StandardCharsets.US_ASCII));
              assertThat(readAll(next)).startsWith("HTTP/1.1 405");
            });
  }

  @Test
  void headersOverTheBudgetGet431AndAreCounted() throws Exception {
    Socket socket = connect(server.httpPort());
    socket
        .getOutputStream()
        .write(
            ("POST /v1/metrics HTTP/1.1\r\nHost: x\r\nX-Huge: "
                    + "a".repeat(8192)
                    + "\r\nContent-Length: 0\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));

    assertThat(readAll(socket)).startsWith("HTTP/1.1 431");
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(
                        counted(
                            "vitals_ingest_rejected_requests_total",
                            "reason=\"headers_too_large\""))
                    .isEqualTo(1.0));
  }

  @Test
  void anOverlongRequestLineGets400() throws Exception {
    Socket socket = connect(server.httpPort());
    socket
        .getOutputStream()
        .write(
            ("GET /v1/metrics?" + "a".repeat(8192) + " HTTP/1.1\r\nHost: x\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));

    assertThat(readAll(socket)).startsWith("HTTP/1.1 400");
  }

  private Socket connect(int port) throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
    sockets.add(socket);
    return socket;
  }

  private double counted(String name, String label) {
    return TestIngest.sum(TestIngest.metricsText(registry), name, label);
  }

  /** Everything the server sends until it closes; fails the test if it never closes. */
  private static String readAll(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    try {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server kept the connection open", e);
    } catch (IOException reset) {
      return "";
    }
  }
}
