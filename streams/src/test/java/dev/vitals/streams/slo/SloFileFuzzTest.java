package dev.vitals.streams.slo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.schemas.testing.Mutations;
import dev.vitals.schemas.testing.Mutations.Mutation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;

/**
 * The SLO file parser, fed mutations of the shipped example: any text gives a configuration or the
 * documented {@code IllegalArgumentException} ("invalid SLO file: ..."), never another exception,
 * and quickly (no alias bomb, no runaway recursion).
 */
@Tag("fuzz")
class SloFileFuzzTest {

  private static final String EXAMPLE = example();
  private static final long SLOW_NANOS = Duration.ofSeconds(2).toNanos();

  @Property
  void anyTextParsesOrIsRefusedWithTheDocumentedError(
      @ForAll("mutations") List<Mutation> mutations) {
    String text = Mutations.applyToText(EXAMPLE, mutations);
    long started = System.nanoTime();
    try {
      assertThat(SloFile.parse(text, SloSettings.defaults())).isNotNull();
    } catch (IllegalArgumentException e) {
      assertThat(e).hasMessageStartingWith("invalid SLO file: ");
    }
    assertThat(System.nanoTime() - started).isLessThan(SLOW_NANOS);
  }

  @Provide
  Arbitrary<List<Mutation>> mutations() {
    return Mutations.some(8);
  }

  private static String example() {
    try (InputStream in = SloFileFuzzTest.class.getResourceAsStream("/slo.example.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
