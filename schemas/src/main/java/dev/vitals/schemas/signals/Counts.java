package dev.vitals.schemas.signals;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * Bucket counts as an immutable {@code List<Long>} over a {@code long[]}: a window's running-totals
 * histogram has hundreds of buckets, and boxing each count into a list, copying the list and
 * writing each element through Jackson's list serializer was a fifth of the windows stream thread's
 * time (bench/RESULTS.md). Equal to any list of the same longs, as {@link java.util.List} requires.
 */
public final class Counts extends AbstractList<Long> implements RandomAccess {

  private final long[] values;

  private Counts(long[] values) {
    this.values = values;
  }

  /**
   * The counts, taken without a copy: the caller must not change {@code values} afterwards.
   *
   * @throws IllegalArgumentException for a negative count
   */
  public static Counts of(long[] values) {
    for (long n : values) {
      if (n < 0) {
        throw new IllegalArgumentException("bucket count: " + n + " (expected: >= 0)");
      }
    }
    return new Counts(values);
  }

  @Override
  public Long get(int index) {
    return values[index];
  }

  @Override
  public int size() {
    return values.length;
  }

  /**
   * Writes the counts as a JSON array of numbers, without boxing them; registered in {@link
   * SignalJson#MAPPER}.
   */
  static final class Writer extends StdSerializer<Counts> {
    Writer() {
      super(Counts.class);
    }

    @Override
    public void serialize(Counts counts, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      gen.writeArray(counts.values, 0, counts.values.length);
    }
  }
}
