package dev.vitals.streams.window;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Stream identities are state-store keys: the hash of an attribute must stay the hash of its
 * protobuf bytes, whichever way it is computed.
 */
class StreamIdentityTest {

  @Test
  void anAttributeHashesAsItsSerializedBytes() {
    List<KeyValue> cases = new ArrayList<>();
    cases.add(str("http.route", "/api/v1/items/{id}"));
    cases.add(str("http.request.method", ""));
    cases.add(str("", "no key"));
    cases.add(str("k", "x".repeat(127)));
    cases.add(str("k", "x".repeat(128)));
    cases.add(str("k".repeat(300), "y".repeat(20_000)));
    cases.add(str("café", "ascii value"));
    cases.add(str("route", "/größe"));
    cases.add(str("emoji", "\uD83D\uDE00"));
    cases.add(num("http.response.status_code", 200));
    cases.add(num("zero", 0));
    cases.add(num("negative", -1));
    cases.add(num("min", Long.MIN_VALUE));
    cases.add(num("max", Long.MAX_VALUE));
    cases.add(num("edge", 127));
    cases.add(num("edge", 128));
    cases.add(kv("flag", AnyValue.newBuilder().setBoolValue(true).build()));
    cases.add(kv("ratio", AnyValue.newBuilder().setDoubleValue(0.25).build()));
    cases.add(
        kv("bytes", AnyValue.newBuilder().setBytesValue(ByteString.copyFromUtf8("b")).build()));
    cases.add(
        kv(
            "list",
            AnyValue.newBuilder()
                .setArrayValue(
                    ArrayValue.newBuilder().addValues(AnyValue.newBuilder().setIntValue(1)))
                .build()));
    cases.add(KeyValue.newBuilder().setKey("unset value").build());
    cases.add(
        str("unknown", "field").toBuilder()
            .setUnknownFields(
                UnknownFieldSet.newBuilder()
                    .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(5).build())
                    .build())
            .build());
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 1000; i++) {
      StringBuilder value = new StringBuilder();
      for (int n = random.nextInt(200); n > 0; n--) {
        value.append((char) random.nextInt(32, 127));
      }
      cases.add(
          random.nextBoolean()
              ? str("key." + i, value.toString())
              : num("key." + i, random.nextLong()));
    }

    for (KeyValue kv : cases) {
      long[] hashes = new long[2];
      StreamIdentity.attributeHashes(kv, hashes);
      byte[] bytes = kv.toByteArray();
      assertThat(hashes)
          .as("%s", kv)
          .containsExactly(
              StreamIdentity.hash(bytes, StreamIdentity.SEED_A),
              StreamIdentity.hash(bytes, StreamIdentity.SEED_B));
    }
  }

  @Test
  void attributesInAnotherOrderAreTheSameStream() {
    List<KeyValue> a = List.of(str("http.route", "/a"), num("http.response.status_code", 200));
    List<KeyValue> b = List.of(num("http.response.status_code", 200), str("http.route", "/a"));
    List<KeyValue> c = List.of(num("http.response.status_code", 500), str("http.route", "/a"));

    assertThat(new StreamIdentity().attributes(a).id())
        .isEqualTo(new StreamIdentity().attributes(b).id())
        .isNotEqualTo(new StreamIdentity().attributes(c).id());
  }

  private static KeyValue str(String key, String value) {
    return kv(key, AnyValue.newBuilder().setStringValue(value).build());
  }

  private static KeyValue num(String key, long value) {
    return kv(key, AnyValue.newBuilder().setIntValue(value).build());
  }

  private static KeyValue kv(String key, AnyValue value) {
    return KeyValue.newBuilder().setKey(key).setValue(value).build();
  }
}
