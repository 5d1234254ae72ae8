package dev.vitals.ingest.remotewrite;

import dev.vitals.schemas.remotewrite.RemoteWriteCodec;
import dev.vitals.schemas.remotewrite.RemoteWriteFormatException;
import dev.vitals.schemas.remotewrite.WriteRequest;
import java.io.IOException;
import java.util.Arrays;
import org.xerial.snappy.Snappy;

/**
 * Reads the body of a remote-write 1.0 POST: a snappy <em>block</em> (not the framing format, not
 * snappy-java's stream format) around a serialized {@code WriteRequest}.
 */
public final class RemoteWriteBody {

  /** Stream identifier chunk that opens the snappy framing format. */
  private static final byte[] FRAMED_MAGIC = {(byte) 0xff, 0x06, 0x00, 0x00, 's', 'N', 'a', 'P'};

  /** Header that opens {@code SnappyOutputStream}'s own format. */
  private static final byte[] STREAM_MAGIC = {(byte) 0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};

  /** A block's length header: a varint of at most 5 bytes, at most 2^32 - 1. */
  private static final int MAX_HEADER_BYTES = 5;

  private static final long MAX_DECLARED = 0xffff_ffffL;

  private RemoteWriteBody() {}

  /**
   * Decompresses and decodes a body, refusing it before allocating when the snappy header declares
   * more than {@code maxDecompressedBytes}.
   *
   * @throws BodyTooLargeException when the declared decompressed length exceeds the limit
   * @throws MalformedBodyException when the body is not a snappy block or not a {@code
   *     WriteRequest}
   */
  public static WriteRequest decode(byte[] body, long maxDecompressedBytes)
      throws BodyTooLargeException, MalformedBodyException {
    if (maxDecompressedBytes < 0) {
      throw new IllegalArgumentException(
          "maxDecompressedBytes: " + maxDecompressedBytes + " (expected: >= 0)");
    }
    byte[] protobuf = uncompress(body, maxDecompressedBytes);
    try {
      return RemoteWriteCodec.decode(protobuf);
    } catch (RemoteWriteFormatException e) {
      throw new MalformedBodyException("protobuf: " + e.getMessage(), e);
    }
  }

  private static byte[] uncompress(byte[] body, long limit)
      throws BodyTooLargeException, MalformedBodyException {
    long declared = declaredLength(body, limit);
    byte[] out = new byte[(int) declared];
    try {
      int written = Snappy.uncompress(body, 0, body.length, out, 0);
      if (written != out.length) {
        throw malformed("block of " + written + " bytes, header said " + declared, null);
      }
      return out;
    } catch (IOException e) {
      throw malformed("corrupt block (" + e.getMessage() + ")", e);
    }
  }

  /**
   * The decompressed size a block's header declares, read without decompressing anything: the
   * unsigned little-endian varint of at most five bytes and 32 bits that the snappy format defines
   * (snappy-java reads it as a signed int, so {@code ff ff ff ff 0f} would be -1).
   *
   * @throws BodyTooLargeException when the declared size exceeds {@code maxDecompressedBytes}
   * @throws MalformedBodyException when the body is not a block or its header is unreadable
   */
  public static long declaredLength(byte[] body, long maxDecompressedBytes)
      throws BodyTooLargeException, MalformedBodyException {
    rejectOtherFormats(body);
    long declared = lengthHeader(body);
    if (declared > maxDecompressedBytes) {
      throw new BodyTooLargeException(declared, maxDecompressedBytes);
    }
    return declared;
  }

  private static void rejectOtherFormats(byte[] body) throws MalformedBodyException {
    if (body.length == 0) {
      throw malformed("empty body (expected: a block with a length header)", null);
    }
    if (startsWith(body, FRAMED_MAGIC)) {
      throw malformed("framing format (expected: block format)", null);
    }
    if (startsWith(body, STREAM_MAGIC)) {
      throw malformed("snappy-java stream format (expected: block format)", null);
    }
  }

  private static long lengthHeader(byte[] body) throws MalformedBodyException {
    long value = 0;
    for (int i = 0; i < Math.min(body.length, MAX_HEADER_BYTES); i++) {
      int b = body[i] & 0xff;
      value |= (long) (b & 0x7f) << (7 * i);
      if (b < 0x80) {
        if (value > MAX_DECLARED) {
          throw malformed("unreadable length header (" + value + " is over 32 bits)", null);
        }
        return value;
      }
    }
    throw malformed(
        body.length < MAX_HEADER_BYTES
            ? "unreadable length header (truncated)"
            : "unreadable length header (longer than " + MAX_HEADER_BYTES + " bytes)",
        null);
  }

  private static boolean startsWith(byte[] body, byte[] prefix) {
    return body.length >= prefix.length
        && Arrays.equals(body, 0, prefix.length, prefix, 0, prefix.length);
  }

  private static MalformedBodyException malformed(String what, Throwable cause) {
    return new MalformedBodyException("snappy: " + what, cause);
  }
}
