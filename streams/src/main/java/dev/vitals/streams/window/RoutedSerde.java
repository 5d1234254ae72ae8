package dev.vitals.streams.window;

import dev.vitals.schemas.Signal;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The value format of the re-key topic: one byte for the signal (its ordinal), then the OTLP
 * request bytes. The topic name no longer tells the signal once three topics meet in one.
 */
final class RoutedSerde {

  private RoutedSerde() {}

  static Serde<Routed> serde() {
    Serializer<Routed> serializer = (topic, r) -> r == null ? null : encode(r);
    Deserializer<Routed> deserializer = (topic, bytes) -> bytes == null ? null : decode(bytes);
    return Serdes.serdeFrom(serializer, deserializer);
  }

  @SuppressWarnings("EnumOrdinal") // the first byte is Signal's ordinal; decode() reads it back
  static byte[] encode(Routed r) {
    byte[] out = new byte[r.bytes().length + 1];
    out[0] = (byte) r.signal().ordinal();
    System.arraycopy(r.bytes(), 0, out, 1, r.bytes().length);
    return out;
  }

  static Routed decode(byte[] bytes) {
    Signal[] signals = Signal.values();
    if (bytes.length == 0 || bytes[0] < 0 || bytes[0] >= signals.length) {
      throw new SerializationException("re-keyed record without a signal byte");
    }
    return new Routed(
        Routed.Route.DIRECT, signals[bytes[0]], Arrays.copyOfRange(bytes, 1, bytes.length), null);
  }
}
