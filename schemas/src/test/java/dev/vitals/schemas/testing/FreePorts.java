package dev.vitals.schemas.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Free local ports for tests that must name a port before a server binds it. Ports are drawn in
 * batches with every socket held open until the batch is chosen, so one JVM never hands out the
 * same port twice in a row (the kernel may otherwise return a port just released).
 */
public final class FreePorts {

  private static final int BATCH = 16;
  private static final Deque<Integer> PORTS = new ArrayDeque<>();

  private FreePorts() {}

  public static synchronized int next() {
    if (PORTS.isEmpty()) {
      List<ServerSocket> sockets = new ArrayList<>();
      try {
        for (int i = 0; i < BATCH; i++) {
          sockets.add(new ServerSocket(0));
        }
        sockets.forEach(s -> PORTS.add(s.getLocalPort()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        for (ServerSocket s : sockets) {
          try {
            s.close();
          } catch (IOException ignored) {
            // the port is still free for the test to bind
          }
        }
      }
    }
    return PORTS.pop();
  }
}
