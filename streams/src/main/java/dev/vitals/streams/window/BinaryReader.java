package dev.vitals.streams.window;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Reads what {@link BinaryWriter} wrote. */
final class BinaryReader {

  private final byte[] buf;
  private int pos;

  BinaryReader(byte[] buf) {
    this.buf = buf;
  }

  int getByte() {
    return buf[pos++] & 0xFF;
  }

  int getInt() {
    int v = 0;
    for (int i = 0; i < 4; i++) {
      v = (v << 8) | (buf[pos++] & 0xFF);
    }
    return v;
  }

  long getLong() {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (buf[pos++] & 0xFF);
    }
    return v;
  }

  long getVarLong() {
    long v = 0;
    int shift = 0;
    while (true) {
      byte b = buf[pos++];
      v |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return v;
      }
      shift += 7;
    }
  }

  double getDouble() {
    return Double.longBitsToDouble(getLong());
  }

  byte[] getBytes() {
    int n = (int) getVarLong();
    byte[] v = Arrays.copyOfRange(buf, pos, pos + n);
    pos += n;
    return v;
  }

  String getString() {
    int n = (int) getVarLong();
    String v = new String(buf, pos, n, StandardCharsets.UTF_8);
    pos += n;
    return v;
  }

  boolean hasMore() {
    return pos < buf.length;
  }

  /** The long at bytes 8..15, without moving. */
  long getLongAt8() {
    long v = 0;
    for (int i = 8; i < 16; i++) {
      v = (v << 8) | (buf[i] & 0xFF);
    }
    return v;
  }
}
