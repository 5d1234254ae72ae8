package dev.vitals.streams.query;

import static java.util.Objects.requireNonNull;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP request as the API sees it.
 *
 * @param rawPath the path, still percent-encoded
 * @param rawQuery the query string, still encoded; "" when absent
 * @param params the decoded query parameters (the first value of each)
 * @param accept the Accept header; "" when absent
 * @param authorization the Authorization header; null when absent
 * @param forwarded true when another instance sent it: answer from local state only
 */
record ApiRequest(
    String method,
    String rawPath,
    String rawQuery,
    Map<String, String> params,
    String accept,
    String authorization,
    boolean forwarded) {

  ApiRequest {
    requireNonNull(method, "method");
    requireNonNull(rawPath, "rawPath");
    rawQuery = rawQuery == null ? "" : rawQuery;
    params = Map.copyOf(params);
    accept = accept == null ? "" : accept;
  }

  static ApiRequest of(
      String method, String rawPath, String rawQuery, String accept, String auth, boolean fwd) {
    return new ApiRequest(method, rawPath, rawQuery, parse(rawQuery), accept, auth, fwd);
  }

  /** A query parameter; {@code fallback} when absent or empty. */
  String param(String name, String fallback) {
    String value = params.get(name);
    return value == null || value.isEmpty() ? fallback : value;
  }

  /** True when the caller asked for CSV: {@code Accept: text/csv} or {@code ?format=csv}. */
  boolean wantsCsv() {
    String format = param("format", "");
    if (!format.isEmpty()) {
      return format.equalsIgnoreCase("csv");
    }
    return accept.toLowerCase(Locale.ROOT).contains("text/csv");
  }

  /** The query string to append to a path: "" or "?...". */
  String querySuffix() {
    return rawQuery.isEmpty() ? "" : "?" + rawQuery;
  }

  // A trailing '&' ("a=1&") adds no parameter: split(String) dropping trailing empties is wanted.
  @SuppressWarnings("StringSplitter")
  private static Map<String, String> parse(String rawQuery) {
    Map<String, String> params = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return params;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      params.putIfAbsent(decode(name), decode(value));
    }
    return params;
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("query: malformed percent-encoding in \"" + text + "\"");
    }
  }
}
