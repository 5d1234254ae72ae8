package dev.vitals.streams.window;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable big-endian byte buffer for the compact state encodings of this package. */
final class BinaryWriter {

  private byte[] buf;
  private int size;

  BinaryWriter(int capacity) {
    buf = new byte[Math.max(16, capacity)];
  }

  BinaryWriter putByte(int v) {
    ensure(1);
    buf[size++] = (byte) v;
    return this;
  }

  BinaryWriter putInt(int v) {
    ensure(4);
    for (int shift = 24; shift >= 0; shift -= 8) {
      buf[size++] = (byte) (v >>> shift);
    }
    return this;
  }

  BinaryWriter putLong(long v) {
    ensure(8);
    for (int shift = 56; shift >= 0; shift -= 8) {
      buf[size++] = (byte) (v >>> shift);
    }
    return this;
  }

  /** A non-negative long in 1 to 10 bytes (counts are small most of the time). */
  BinaryWriter putVarLong(long v) {
    ensure(10);
    while ((v & ~0x7FL) != 0) {
      buf[size++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[size++] = (byte) v;
    return this;
  }

  BinaryWriter putDouble(double v) {
    return putLong(Double.doubleToRawLongBits(v));
  }

  BinaryWriter putBytes(byte[] v) {
    putVarLong(v.length);
    ensure(v.length);
    System.arraycopy(v, 0, buf, size, v.length);
    size += v.length;
    return this;
  }

  BinaryWriter putString(String v) {
    return putBytes(v.getBytes(StandardCharsets.UTF_8));
  }

  BinaryWriter putRaw(byte[] v) {
    ensure(v.length);
    System.arraycopy(v, 0, buf, size, v.length);
    size += v.length;
    return this;
  }

  byte[] toBytes() {
    return Arrays.copyOf(buf, size);
  }

  private void ensure(int n) {
    if (size + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
    }
  }
}
