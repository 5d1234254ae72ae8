package dev.vitals.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The JDK server the admin and query servers run on keeps the limits {@link JdkServerLimits} sets.
 * A value given on the command line wins over the default: this test gives a 1 s header timeout and
 * 2 connections that way (the JDK reads them once per process; no other test of this module starts
 * a JDK server).
 */
class JdkServerLimitsTest {

  static HttpServer server;

  @BeforeAll
  static void start() throws IOException {
    System.setProperty(JdkServerLimits.HEADER_TIMEOUT, "1");
    System.setProperty(JdkServerLimits.MAX_CONNECTIONS, "2");
    JdkServerLimits.applyDefaults();
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    server.start();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
  }

  @Test
  void defaultsFillOnlyWhatTheCommandLineLeftUnset() {
    assertThat(System.getProperty(JdkServerLimits.HEADER_TIMEOUT)).isEqualTo("1");
    assertThat(System.getProperty(JdkServerLimits.MAX_HEADER_BYTES)).isEqualTo("16384");
  }

  @Test
  void aClientTricklingHeadersIsDisconnected() throws Exception {
    try (Socket socket = connect()) {
      long started = System.nanoTime();
      OutputStream out = socket.getOutputStream();
      try {
        for (byte b :
            "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
                .getBytes(StandardCharsets.US_ASCII)) {
          out.write(b);
          out.flush();
          Thread.sleep(100); // one byte per 100 ms, on purpose
        }
        readAll(socket);
      } catch (IOException closed) {
        // cut off while writing: what the test wants
      }
      assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(4_000);
    }
  }

  @Test
  void headersOverTheBudgetAreRefused() throws Exception {
    try (Socket socket = connect()) {
      socket
          .getOutputStream()
          .write(
              ("GET / HTTP/1.1\r\nHost: x\r\nX-Huge: " + "a".repeat(20_000) + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      // The JDK answers 400 and closes; the close may reset the connection before the client
      // reads the answer, so what holds for sure is that the request never reached the handler.
      assertThat(readAll(socket))
          .doesNotContain("204")
          .satisfiesAnyOf(
              answer -> assertThat(answer).isEmpty(),
              answer -> assertThat(answer).startsWith("HTTP/1.1 400"));
    }
  }

  @Test
  void connectionsBeyondTheLimitAreClosed() throws Exception {
    try (Socket first = connect();
        Socket second = connect();
        Socket third = connect()) {
      third
          .getOutputStream()
          .write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(readAll(third)).isEmpty();
    }
  }

  private static Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", server.getAddress().getPort());
    socket.setSoTimeout(10_000);
    return socket;
  }

  /** What the server sent before it closed (a reset after an early answer keeps the answer). */
  private static String readAll(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    try {
      for (int n; (n = in.read(buf)) >= 0; ) {
        got.write(buf, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server kept the connection open", e);
    } catch (java.net.SocketException reset) {
      // the answer, if any, is in got
    }
    return got.toString(StandardCharsets.US_ASCII);
  }
}
