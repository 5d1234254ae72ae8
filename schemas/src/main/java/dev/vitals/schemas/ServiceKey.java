package dev.vitals.schemas;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;

/**
 * The identity of a service across Vitals: the Kafka key of every raw and signal record, written
 * {@code tenant/namespace/name}. The namespace is empty when the resource has no {@code
 * service.namespace}.
 *
 * <p>The key names its three parts unambiguously: inside a part, '/' (the separator) is written
 * {@code %2F}, '%' (the escape) {@code %25}, '|' (which separates the key from what follows it in
 * the SLO and window stores' keys) {@code %7C} and NUL (the same in the window stores' binary keys)
 * {@code %00}. Nothing else is escaped, so the key of a service whose names hold none of these is
 * byte for byte what it always was, and topics, stored state and keys written by other producers
 * stay valid. {@link #parse} also reads keys written before escaping, in which a name could hold a
 * bare '/': the name runs from the second '/' to the end.
 */
public record ServiceKey(String tenant, String namespace, String name) {

  public ServiceKey {
    requireNonNull(tenant, "tenant");
    requireNonNull(namespace, "namespace");
    requireNonNull(name, "name");
    if (tenant.isEmpty()) {
      throw new IllegalArgumentException("tenant: \"\" (expected: not empty)");
    }
    if (tenant.indexOf('/') >= 0) {
      throw new IllegalArgumentException("tenant: \"" + tenant + "\" (expected: no '/')");
    }
  }

  /** The key text {@code tenant/namespace/name}, each part escaped. */
  @Override
  public String toString() {
    return escape(tenant) + '/' + escape(namespace) + '/' + escape(name);
  }

  public byte[] toBytes() {
    return toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Parses a key written by {@link #toString()} (or by a version that did not escape).
   *
   * @throws IllegalArgumentException when the text has fewer than three parts
   */
  public static ServiceKey parse(String text) {
    int first = text.indexOf('/');
    int second = first < 0 ? -1 : text.indexOf('/', first + 1);
    if (second < 0) {
      throw new IllegalArgumentException(
          "service key: \"" + text + "\" (expected: tenant/namespace/name)");
    }
    return new ServiceKey(
        unescape(text.substring(0, first)),
        unescape(text.substring(first + 1, second)),
        unescape(text.substring(second + 1)));
  }

  /** A part as the key writes it: '%', '/', '|' and NUL as {@code %25}, {@code %2F}, ... */
  static String escape(String part) {
    if (!needsEscape(part)) {
      return part;
    }
    StringBuilder out = new StringBuilder(part.length() + 8);
    for (int i = 0; i < part.length(); i++) {
      char c = part.charAt(i);
      switch (c) {
        case '%' -> out.append("%25");
        case '/' -> out.append("%2F");
        case '|' -> out.append("%7C");
        case '\0' -> out.append("%00");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean needsEscape(String part) {
    for (int i = 0; i < part.length(); i++) {
      char c = part.charAt(i);
      if (c == '%' || c == '/' || c == '|' || c == '\0') {
        return true;
      }
    }
    return false;
  }

  /** The inverse of {@link #escape}; any other '%' (in a key written before escaping) stays. */
  static String unescape(String part) {
    if (part.indexOf('%') < 0) {
      return part;
    }
    StringBuilder out = new StringBuilder(part.length());
    int i = 0;
    while (i < part.length()) {
      int c = part.charAt(i) == '%' && i + 2 < part.length() ? escaped(part, i + 1) : -1;
      if (c >= 0) {
        out.append((char) c);
        i += 3;
      } else {
        out.append(part.charAt(i));
        i++;
      }
    }
    return out.toString();
  }

  /** The character the two hex digits at {@code at} stand for, or -1 if not one we escape. */
  private static int escaped(String part, int at) {
    return switch (part.substring(at, at + 2)) {
      case "25" -> '%';
      case "2F", "2f" -> '/';
      case "7C", "7c" -> '|';
      case "00" -> 0;
      default -> -1;
    };
  }
}
