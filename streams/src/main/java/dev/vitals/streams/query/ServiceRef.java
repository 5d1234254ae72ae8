package dev.vitals.streams.query;

import dev.vitals.schemas.ServiceKey;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A service named in a URL: {@code {tenant}/{namespace}/{name}} or just {@code {name}}, each
 * segment percent-encoded (a '/' inside a name is {@code %2F}). The empty namespace is written
 * {@code -} (or as an empty segment); a namespace that really is "-" is written {@code %2D}.
 *
 * @param key the full key; null when only the name was given
 * @param name the service name
 */
record ServiceRef(ServiceKey key, String name) {

  static final String EMPTY_NAMESPACE = "-";

  /** A reference from raw (still encoded) path segments: one (name) or three (the key). */
  static ServiceRef parse(List<String> rawSegments) {
    if (rawSegments.size() == 1) {
      String name = decode(rawSegments.get(0));
      requireName(name);
      return new ServiceRef(null, name);
    }
    if (rawSegments.size() != 3) {
      throw ApiException.badRequest(
          "service path: "
              + String.join("/", rawSegments)
              + " (expected: {tenant}/{namespace}/{name} with '-' for no namespace, or {name})");
    }
    String tenant = decode(rawSegments.get(0));
    String rawNamespace = rawSegments.get(1);
    String namespace = rawNamespace.equals(EMPTY_NAMESPACE) ? "" : decode(rawNamespace);
    String name = decode(rawSegments.get(2));
    requireName(name);
    if (tenant.isEmpty() || tenant.indexOf('/') >= 0) {
      throw ApiException.badRequest("tenant: \"" + tenant + "\" (expected: not empty, no '/')");
    }
    return new ServiceRef(new ServiceKey(tenant, namespace, name), name);
  }

  /** The URL form of a key: each part encoded, '-' for the empty namespace. */
  static String path(ServiceKey key) {
    String namespace = key.namespace().isEmpty() ? EMPTY_NAMESPACE : encode(key.namespace());
    if (key.namespace().equals(EMPTY_NAMESPACE)) {
      namespace = "%2D";
    }
    return encode(key.tenant()) + '/' + namespace + '/' + encode(key.name());
  }

  /** Splits a raw path into its segments, keeping empty ones. */
  static List<String> segments(String rawPath) {
    List<String> out = new ArrayList<>();
    int start = 0;
    while (true) {
      int slash = rawPath.indexOf('/', start);
      if (slash < 0) {
        out.add(rawPath.substring(start));
        return out;
      }
      out.add(rawPath.substring(start, slash));
      start = slash + 1;
    }
  }

  /** Percent-encodes every byte outside RFC 3986's unreserved set. */
  static String encode(String text) {
    StringBuilder out = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        out.append(c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        out.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }

  /** Decodes %XX escapes as UTF-8; '+' stays '+' (this is a path, not a form). */
  static String decode(String raw) {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
        int lo = hi < 0 ? -1 : Character.digit(raw.charAt(i + 2), 16);
        if (lo < 0) {
          throw ApiException.badRequest("path: malformed percent-encoding in \"" + raw + "\"");
        }
        bytes.write(hi << 4 | lo);
        i += 2;
      } else {
        int codePoint = raw.codePointAt(i);
        byte[] encoded = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
        bytes.write(encoded, 0, encoded.length);
        i += Character.charCount(codePoint) - 1;
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static void requireName(String name) {
    if (name.isEmpty()) {
      throw ApiException.badRequest("service name: \"\" (expected: not empty)");
    }
  }
}
