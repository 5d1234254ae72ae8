package dev.vitals.streams.window;

import com.google.protobuf.UnsafeByteOperations;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The protobuf wire format read in place over one byte range, for {@link MetricsRecord}: tags,
 * varints, fixed-width numbers and length-delimited ranges, without building messages. Anything out
 * of range throws {@link Malformed}.
 */
final class WireReader {

  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LENGTH = 2;
  static final int FIXED32 = 5;

  /** Bytes that are not what the reader expected; the caller falls back to the full parser. */
  static final class Malformed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  /** Eight bytes as one little-endian load (a histogram point is mostly fixed64 and doubles). */
  private static final VarHandle LITTLE_ENDIAN_LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  final byte[] buf;
  private int pos;
  private final int limit;

  WireReader(byte[] buf, int offset, int length) {
    if (offset < 0 || length < 0 || offset + length > buf.length) {
      throw new Malformed("range out of bounds");
    }
    this.buf = buf;
    this.pos = offset;
    this.limit = offset + length;
  }

  /** A reader of the length-delimited field just read by {@link #length()}. */
  WireReader sub(int length) {
    WireReader sub = new WireReader(buf, pos, length);
    pos += length;
    return sub;
  }

  boolean more() {
    return pos < limit;
  }

  /** Bytes left to read. */
  int remaining() {
    return limit - pos;
  }

  int position() {
    return pos;
  }

  /** The next tag: field number {@code << 3 |} wire type. */
  int tag() {
    long tag = varint();
    if (tag >>> 32 != 0 || (tag >>> 3) == 0) {
      throw new Malformed("tag " + tag);
    }
    return (int) tag;
  }

  long varint() {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= limit) {
        throw new Malformed("truncated varint");
      }
      byte b = buf[pos++];
      value |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return value;
      }
    }
    throw new Malformed("varint longer than 10 bytes");
  }

  long fixed64() {
    if (limit - pos < 8) {
      throw new Malformed("truncated fixed64");
    }
    long v = (long) LITTLE_ENDIAN_LONG.get(buf, pos);
    pos += 8;
    return v;
  }

  double double64() {
    return Double.longBitsToDouble(fixed64());
  }

  /** The length of a length-delimited field; its bytes follow. */
  int length() {
    long n = varint();
    if (n < 0 || n > limit - pos) {
      throw new Malformed("length " + n + " beyond the message");
    }
    return (int) n;
  }

  /** A UTF-8 string field, checked as protobuf checks proto3 strings. */
  String string() {
    int n = length();
    String s = string(buf, pos, n);
    pos += n;
    return s;
  }

  static String string(byte[] buf, int offset, int length) {
    int end = offset + length;
    for (int i = offset; i < end; i++) {
      if (buf[i] < 0) {
        if (!UnsafeByteOperations.unsafeWrap(buf, offset, length).isValidUtf8()) {
          throw new Malformed("invalid UTF-8");
        }
        return new String(buf, offset, length, StandardCharsets.UTF_8);
      }
    }
    return new String(buf, offset, length, StandardCharsets.ISO_8859_1);
  }

  /** Skips the value of a field of {@code wireType}, as protobuf skips an unknown field. */
  void skip(int wireType) {
    switch (wireType) {
      case VARINT:
        varint();
        break;
      case FIXED64:
        skipBytes(8);
        break;
      case LENGTH:
        pos += length();
        break;
      case FIXED32:
        skipBytes(4);
        break;
      default:
        // groups (deprecated): left to the full parser
        throw new Malformed("wire type " + wireType);
    }
  }

  private void skipBytes(int n) {
    if (limit - pos < n) {
      throw new Malformed("truncated field");
    }
    pos += n;
  }
}
