package dev.vitals.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShutdownTest {

  @Test
  void componentsCloseLastStartedFirstAndOnlyOnce() throws Exception {
    List<String> closed = new ArrayList<>();
    Shutdown shutdown = new Shutdown();
    shutdown.register(() -> closed.add("broker"));
    shutdown.register(() -> closed.add("admin"));
    shutdown.register(() -> closed.add("ingest"));

    shutdown.close();
    shutdown.close();
    shutdown.await();

    assertThat(closed).containsExactly("ingest", "admin", "broker");
  }

  @Test
  void aComponentThatFailsToCloseDoesNotKeepTheOthersOpen() {
    List<String> closed = new ArrayList<>();
    Shutdown shutdown = new Shutdown();
    shutdown.register(() -> closed.add("broker"));
    shutdown.register(
        () -> {
          throw new IllegalStateException("boom");
        });

    shutdown.close();

    assertThat(closed).containsExactly("broker");
  }
}
