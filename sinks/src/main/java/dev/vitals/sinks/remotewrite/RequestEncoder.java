package dev.vitals.sinks.remotewrite;

import dev.vitals.sinks.series.SeriesSample;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Encodes samples straight into the protobuf bytes of a remote-write {@code WriteRequest}, one
 * {@code TimeSeries} per sample (as Prometheus itself sends), without building the message objects
 * first. The bytes are those of {@code RemoteWriteCodec.encode} for the same request: proto3 rules,
 * empty strings and zero values left out. A histogram sample becomes a native histogram ({@code
 * TimeSeries.histograms}, field 4, of Prometheus' {@code prompb}) in the sketch's own schema and
 * buckets: OpenTelemetry bucket {@code i} is Prometheus bucket {@code i + 1}.
 */
final class RequestEncoder {

  private static final String NAME = "__name__";
  private static final byte[] NAME_BYTES = NAME.getBytes(StandardCharsets.UTF_8);
  private static final int LEN_1 = 0x0A; // field 1, length-delimited
  private static final int LEN_2 = 0x12; // field 2, length-delimited
  private static final int DOUBLE_1 = 0x09; // field 1, 64-bit
  private static final int VARINT_2 = 0x10; // field 2, varint
  private static final int LEN_4 = 0x22; // field 4, length-delimited

  /** A buffer bigger than this is not kept for the next request. */
  private static final int MAX_KEPT = 8 << 20;

  private static final ThreadLocal<RequestEncoder> SCRATCH =
      ThreadLocal.withInitial(RequestEncoder::new);

  private byte[] buf = new byte[64 << 10];
  private int pos;
  private byte[][] pairs = new byte[16][];

  /** Encodes {@code samples} and hands the bytes to {@code then}; the array is reused after. */
  static <T> T encode(List<SeriesSample> samples, Encoded<T> then) {
    RequestEncoder body = SCRATCH.get();
    body.pos = 0;
    for (SeriesSample s : samples) {
      body.series(s);
    }
    T result = then.apply(body.buf, body.pos);
    if (body.buf.length > MAX_KEPT) {
      body.buf = new byte[64 << 10];
    }
    return result;
  }

  /** Uses the encoded bytes {@code buf[0, length)} before they are overwritten. */
  interface Encoded<T> {
    T apply(byte[] buf, int length);
  }

  static byte[] encode(List<SeriesSample> samples) {
    return encode(samples, (buf, length) -> Arrays.copyOf(buf, length));
  }

  private void series(SeriesSample s) {
    int n = labels(s);
    int labelsSize = 0;
    for (int i = 0; i < n; i += 2) {
      labelsSize += messageSize(labelSize(pairs[i], pairs[i + 1]));
    }
    byte[] histogram = s.histogram() == null ? null : NativeHistogram.encode(s);
    int sampleSize = histogram == null ? sampleSize(s) : histogram.length;
    int seriesSize = labelsSize + messageSize(sampleSize);
    ensure(messageSize(seriesSize));
    buf[pos++] = LEN_1;
    varint(seriesSize);
    for (int i = 0; i < n; i += 2) {
      buf[pos++] = LEN_1;
      varint(labelSize(pairs[i], pairs[i + 1]));
      string(LEN_1, pairs[i]);
      string(LEN_2, pairs[i + 1]);
    }
    if (histogram != null) {
      buf[pos++] = LEN_4;
      varint(histogram.length);
      System.arraycopy(histogram, 0, buf, pos, histogram.length);
      pos += histogram.length;
      return;
    }
    buf[pos++] = LEN_2;
    varint(sampleSize);
    long bits = Double.doubleToRawLongBits(s.value());
    if (bits != 0) {
      buf[pos++] = DOUBLE_1;
      for (int i = 0; i < 8; i++) {
        buf[pos++] = (byte) (bits >>> (8 * i));
      }
    }
    if (s.timestampMs() != 0) {
      buf[pos++] = VARINT_2;
      varint(s.timestampMs());
    }
  }

  /** Fills {@code pairs} with the UTF-8 names and values, {@code __name__} at its sorted place. */
  private int labels(SeriesSample s) {
    int needed = 2 * (s.labels().size() + 1);
    if (pairs.length < needed) {
      pairs = new byte[needed][];
    }
    int n = 0;
    boolean named = false;
    for (Map.Entry<String, String> e : s.labels().entrySet()) {
      String key = e.getKey();
      if (!named && key.compareTo(NAME) >= 0) {
        pairs[n++] = NAME_BYTES;
        pairs[n++] = utf8(s.name());
        named = true;
      }
      if (!key.equals(NAME)) {
        pairs[n++] = utf8(key);
        pairs[n++] = utf8(e.getValue());
      }
    }
    if (!named) {
      pairs[n++] = NAME_BYTES;
      pairs[n++] = utf8(s.name());
    }
    return n;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static int labelSize(byte[] name, byte[] value) {
    return stringSize(name) + stringSize(value);
  }

  private static int stringSize(byte[] s) {
    return s.length == 0 ? 0 : messageSize(s.length);
  }

  private static int sampleSize(SeriesSample s) {
    int size = Double.doubleToRawLongBits(s.value()) == 0 ? 0 : 9;
    return size + (s.timestampMs() == 0 ? 0 : 1 + varintSize(s.timestampMs()));
  }

  /** Tag, length and body of a length-delimited field of a field number below 16. */
  private static int messageSize(int size) {
    return 1 + varintSize(size) + size;
  }

  private static int varintSize(long v) {
    int n = 1;
    while ((v & ~0x7FL) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }

  private void string(int tag, byte[] s) {
    if (s.length > 0) {
      buf[pos++] = (byte) tag;
      varint(s.length);
      System.arraycopy(s, 0, buf, pos, s.length);
      pos += s.length;
    }
  }

  private void varint(long v) {
    while ((v & ~0x7FL) != 0) {
      buf[pos++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[pos++] = (byte) v;
  }

  private void ensure(int more) {
    if (pos + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
    }
  }
}
