package dev.vitals.schemas.testing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Byte-level mutations of a valid body, the way a mutation fuzzer makes them: flip a bit, set a
 * byte to a boundary value, cut the tail, delete or duplicate a run, insert random bytes. A list of
 * them shrinks to the few that matter when a property fails.
 */
public final class Mutations {

  private Mutations() {}

  /** One mutation; positions are fractions of the length, so any mutation fits any body. */
  public interface Mutation {
    byte[] apply(byte[] body);
  }

  /** Up to {@code max} mutations applied in order. */
  public static Arbitrary<List<Mutation>> some(int max) {
    return one().list().ofMaxSize(max);
  }

  public static byte[] apply(byte[] body, List<Mutation> mutations) {
    byte[] out = body;
    for (Mutation m : mutations) {
      out = m.apply(out);
    }
    return out;
  }

  /** Tokens with a meaning to some parser: YAML anchors, tags and flow, JSON, percent codes. */
  private static final List<String> TOKENS =
      List.of(
          "&a ",
          "*a",
          "<<: *a",
          "!!binary ",
          "!!java.lang.Object ",
          "{",
          "}",
          "[",
          "]",
          ": ",
          "- ",
          "? ",
          "---\n",
          "...\n",
          "%TAG ! x\n",
          "\n  ",
          "\t",
          "\"",
          "'",
          "#",
          "|",
          ">",
          "\\u0000",
          "\\ud800",
          "1e999999",
          "-0",
          "NaN",
          "null",
          "~",
          "0x",
          "%",
          "%2F",
          "%zz",
          "%C3",
          "/",
          "..",
          "\u0000",
          "\ufffd",
          "\ud83d\ude00");

  /** The mutations applied to the UTF-8 bytes of a text, decoded back leniently. */
  public static String applyToText(String text, List<Mutation> mutations) {
    byte[] out = apply(text.getBytes(StandardCharsets.UTF_8), mutations);
    return new String(out, StandardCharsets.UTF_8);
  }

  public static Arbitrary<Mutation> one() {
    Arbitrary<Double> at = Arbitraries.doubles().between(0, 1);
    return Arbitraries.oneOf(
        Combinators.combine(at, Arbitraries.integers().between(0, 7)).as(Mutations::flip),
        Combinators.combine(at, Arbitraries.of((byte) 0, (byte) 0x7f, (byte) 0x80, (byte) 0xff))
            .as(Mutations::set),
        at.map(Mutations::truncate),
        Combinators.combine(at, Arbitraries.integers().between(1, 64)).as(Mutations::delete),
        Combinators.combine(at, Arbitraries.integers().between(1, 64)).as(Mutations::duplicate),
        Combinators.combine(at, Arbitraries.bytes().array(byte[].class).ofMaxSize(32))
            .as(Mutations::insert),
        Combinators.combine(at, Arbitraries.of(TOKENS))
            .as((a, token) -> insert(a, token.getBytes(StandardCharsets.UTF_8))));
  }

  private static int index(double at, int length) {
    return length == 0 ? 0 : Math.min(length - 1, (int) (at * length));
  }

  private static Mutation flip(double at, int bit) {
    return named(
        "flip(" + at + "," + bit + ")",
        b -> {
          if (b.length == 0) {
            return b;
          }
          byte[] c = b.clone();
          c[index(at, b.length)] ^= (byte) (1 << bit);
          return c;
        });
  }

  private static Mutation set(double at, byte value) {
    return named(
        "set(" + at + "," + value + ")",
        b -> {
          if (b.length == 0) {
            return b;
          }
          byte[] c = b.clone();
          c[index(at, b.length)] = value;
          return c;
        });
  }

  private static Mutation truncate(double at) {
    return named("truncate(" + at + ")", b -> Arrays.copyOf(b, index(at, b.length)));
  }

  private static Mutation delete(double at, int n) {
    return named(
        "delete(" + at + "," + n + ")",
        b -> {
          int from = index(at, b.length);
          int to = Math.min(b.length, from + n);
          byte[] c = new byte[b.length - (to - from)];
          System.arraycopy(b, 0, c, 0, from);
          System.arraycopy(b, to, c, from, b.length - to);
          return c;
        });
  }

  private static Mutation duplicate(double at, int n) {
    return named(
        "duplicate(" + at + "," + n + ")",
        b -> {
          int from = index(at, b.length);
          int to = Math.min(b.length, from + n);
          return insertAt(b, to, Arrays.copyOfRange(b, from, to));
        });
  }

  private static Mutation insert(double at, byte[] bytes) {
    return named(
        "insert(" + at + "," + bytes.length + " bytes)",
        b -> insertAt(b, index(at, b.length + 1), bytes));
  }

  private static byte[] insertAt(byte[] b, int at, byte[] bytes) {
    int pos = Math.min(at, b.length);
    byte[] c = new byte[b.length + bytes.length];
    System.arraycopy(b, 0, c, 0, pos);
    System.arraycopy(bytes, 0, c, pos, bytes.length);
    System.arraycopy(b, pos, c, pos + bytes.length, b.length - pos);
    return c;
  }

  private static Mutation named(String name, Mutation m) {
    return new Mutation() {
      @Override
      public byte[] apply(byte[] body) {
        return m.apply(body);
      }

      @Override
      public String toString() {
        return name;
      }
    };
  }
}
