package dev.vitals.ingest.remotewrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vitals.schemas.remotewrite.Label;
import dev.vitals.schemas.remotewrite.RemoteWriteCodec;
import dev.vitals.schemas.remotewrite.Sample;
import dev.vitals.schemas.remotewrite.TimeSeries;
import dev.vitals.schemas.remotewrite.WriteRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;
import org.xerial.snappy.SnappyFramedOutputStream;
import org.xerial.snappy.SnappyOutputStream;

class RemoteWriteBodyTest {

  private static final long LIMIT = 1 << 20;

  private static final WriteRequest REQUEST =
      new WriteRequest(
          List.of(
              new TimeSeries(
                  List.of(new Label("__name__", "up"), new Label("job", "api")),
                  List.of(new Sample(1, 1_700_000_000_000L)))));

  @Test
  void snappyBlockBodyDecodesToTheRequest() throws Exception {
    byte[] body = Snappy.compress(RemoteWriteCodec.encode(REQUEST));

    assertThat(RemoteWriteBody.decode(body, LIMIT)).isEqualTo(REQUEST);
  }

  @Test
  void bodyOfExactlyTheLimitIsAccepted() throws Exception {
    byte[] protobuf = RemoteWriteCodec.encode(REQUEST);

    assertThat(RemoteWriteBody.decode(Snappy.compress(protobuf), protobuf.length))
        .isEqualTo(REQUEST);
  }

  @Test
  void bombIsRefusedFromItsHeaderAlone() {
    // A 6-byte body whose header claims 1 GiB: refused without allocating or decompressing.
    byte[] body = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x04, 0x00};

    assertThatThrownBy(() -> RemoteWriteBody.decode(body, LIMIT))
        .isInstanceOfSatisfying(
            BodyTooLargeException.class,
            e -> {
              assertThat(e.declaredBytes()).isEqualTo(1L << 30);
              assertThat(e.limitBytes()).isEqualTo(LIMIT);
            })
        .hasMessage("decompressed body: 1073741824 bytes declared (expected: <= 1048576)");
  }

  @Test
  void aLengthClaimWithTheTopBitSetIsReadUnsignedAndRefusedAsTooLarge() {
    // ff ff ff ff 0f is 2^32 - 1, which a signed int reads as -1.
    byte[] body = new byte[5 + 16];
    body[0] = body[1] = body[2] = body[3] = (byte) 0xff;
    body[4] = 0x0f;

    assertThatThrownBy(() -> RemoteWriteBody.decode(body, LIMIT))
        .isInstanceOfSatisfying(
            BodyTooLargeException.class, e -> assertThat(e.declaredBytes()).isEqualTo(0xffff_ffffL))
        .hasMessage("decompressed body: 4294967295 bytes declared (expected: <= 1048576)");
    assertThatThrownBy(() -> RemoteWriteBody.declaredLength(body, LIMIT))
        .isInstanceOf(BodyTooLargeException.class);
  }

  @Test
  void aLengthHeaderBeyondThirtyTwoBitsIsMalformed() {
    byte[] sixBytes = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01, 0};
    byte[] overflow = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x10, 0};
    byte[] unterminated = {(byte) 0x80, (byte) 0x80};

    for (byte[] body : List.of(sixBytes, overflow, unterminated)) {
      assertThatThrownBy(() -> RemoteWriteBody.decode(body, LIMIT))
          .isInstanceOf(MalformedBodyException.class)
          .hasMessageStartingWith("snappy: unreadable length header");
    }
  }

  @Test
  void theDeclaredLengthOfAValidBlockIsItsUncompressedSize() throws Exception {
    byte[] protobuf = RemoteWriteCodec.encode(REQUEST);

    assertThat(RemoteWriteBody.declaredLength(Snappy.compress(protobuf), LIMIT))
        .isEqualTo(protobuf.length);
  }

  @Test
  void compressibleBodyOverTheLimitIsRefused() throws IOException {
    byte[] body = Snappy.compress(new byte[4 * (int) LIMIT]);

    assertThat(body.length).isLessThan((int) LIMIT);
    assertThatThrownBy(() -> RemoteWriteBody.decode(body, LIMIT))
        .isInstanceOf(BodyTooLargeException.class);
  }

  @Test
  void garbageIsRefusedAsCorruptSnappy() {
    byte[] body = "this is not snappy at all".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> RemoteWriteBody.decode(body, LIMIT))
        .isInstanceOf(MalformedBodyException.class)
        .hasMessageStartingWith("snappy: corrupt block");
  }

  @Test
  void emptyBodyIsRefused() {
    assertThatThrownBy(() -> RemoteWriteBody.decode(new byte[0], LIMIT))
        .isInstanceOf(MalformedBodyException.class)
        .hasMessageStartingWith("snappy: empty body");
  }

  @Test
  void framedSnappyIsRefusedAsNotBlockFormat() throws IOException {
    byte[] body = compressWith(SnappyFramedOutputStream::new);

    assertThatThrownBy(() -> RemoteWriteBody.decode(body, LIMIT))
        .isInstanceOf(MalformedBodyException.class)
        .hasMessage("snappy: framing format (expected: block format)");
  }

  @Test
  void snappyJavaStreamIsRefusedAsNotBlockFormat() throws IOException {
    byte[] body = compressWith(SnappyOutputStream::new);

    assertThatThrownBy(() -> RemoteWriteBody.decode(body, LIMIT))
        .isInstanceOf(MalformedBodyException.class)
        .hasMessage("snappy: snappy-java stream format (expected: block format)");
  }

  @Test
  void validSnappyAroundInvalidProtobufIsRefusedNamingTheField() throws IOException {
    byte[] body = Snappy.compress(new byte[] {0x0a, 0x05, 0x0a});

    assertThatThrownBy(() -> RemoteWriteBody.decode(body, LIMIT))
        .isInstanceOf(MalformedBodyException.class)
        .hasMessage("protobuf: timeseries[0]: truncated message (length 5, 1 bytes left)");
  }

  private static byte[] compressWith(StreamFactory factory) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = factory.open(bytes)) {
      out.write(RemoteWriteCodec.encode(REQUEST));
    }
    return bytes.toByteArray();
  }

  @FunctionalInterface
  private interface StreamFactory {
    OutputStream open(OutputStream out) throws IOException;
  }
}
