package dev.vitals.streams.window;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DecodedStatesTest {

  private static ByteBuffer key(String k) {
    return ByteBuffer.wrap(k.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void anObjectIsTakenOnlyWhileTheStoreHoldsTheBytesItWasKeptWith() {
    DecodedStates<String> cache = new DecodedStates<>(1024);
    byte[] written = {1, 2, 3};
    cache.keep(key("a"), written, "decoded a");

    assertThat(cache.take(key("a"), written)).isEqualTo("decoded a");

    cache.keep(key("a"), written, "decoded a");
    assertThat(cache.take(key("a"), new byte[] {1, 2, 3})).isEqualTo("decoded a");

    cache.keep(key("a"), written, "decoded a");
    assertThat(cache.take(key("a"), new byte[] {1, 2, 4})).isNull();
    cache.keep(key("a"), written, "decoded a");
    assertThat(cache.take(key("a"), null)).isNull();
    assertThat(cache.take(key("b"), written)).isNull();
  }

  @Test
  void aTakenObjectIsGoneUntilKeptAgainSoAFailedRecordLeavesNothingBehind() {
    DecodedStates<String> cache = new DecodedStates<>(1024);
    byte[] written = {1, 2, 3};
    cache.keep(key("a"), written, "decoded a");

    assertThat(cache.take(key("a"), written)).isEqualTo("decoded a");
    // The record that took it failed: nothing was kept again, the next one decodes the store's.
    assertThat(cache.take(key("a"), written)).isNull();
    assertThat(cache.size()).isZero();
  }

  @Test
  void theLeastRecentlyUsedAreDroppedBeyondTheBudgetOfEncodedBytes() {
    DecodedStates<String> cache = new DecodedStates<>(10);
    byte[] a = new byte[4];
    byte[] b = new byte[4];
    byte[] c = new byte[4];
    cache.keep(key("a"), a, "a");
    cache.keep(key("b"), b, "b");
    cache.keep(key("a"), a, "a again");
    cache.keep(key("c"), c, "c");

    assertThat(cache.size()).isEqualTo(2);
    assertThat(cache.take(key("b"), b)).isNull();
    assertThat(cache.take(key("a"), a)).isEqualTo("a again");
    assertThat(cache.take(key("c"), c)).isEqualTo("c");
  }
}
