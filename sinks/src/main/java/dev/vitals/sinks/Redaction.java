package dev.vitals.sinks;

import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * What may be printed of a destination's settings — in the effective configuration, the start
 * banner, log lines and error messages. A URL keeps its scheme, host, port and path; its user info
 * and every query value are redacted (tokens travel in both). A header value is printed only when
 * the header is on a short allow-list of names that never carry credentials.
 */
public final class Redaction {

  public static final String REDACTED = "<redacted>";

  /** Headers whose values are printed: protocol and routing headers, never credentials. */
  private static final Set<String> PRINTABLE_HEADERS =
      Set.of(
          "accept",
          "content-encoding",
          "content-type",
          "user-agent",
          "x-prometheus-remote-write-version",
          "x-scope-orgid");

  private Redaction() {}

  /** The URL without its secrets: {@code http://<redacted>@host/path?token=<redacted>}. */
  public static String url(URI url) {
    if (url.isOpaque() || url.getRawAuthority() == null) {
      return url.getScheme() == null ? REDACTED : url.getScheme() + ":" + REDACTED;
    }
    StringBuilder out = new StringBuilder();
    out.append(url.getScheme()).append("://");
    if (url.getRawUserInfo() != null) {
      out.append(REDACTED).append('@');
    }
    String authority = url.getRawAuthority();
    out.append(authority.substring(authority.lastIndexOf('@') + 1));
    out.append(url.getRawPath() == null ? "" : url.getRawPath());
    if (url.getRawQuery() != null) {
      out.append('?').append(query(url.getRawQuery()));
    }
    return out.toString();
  }

  /** The value as it may be printed: itself for an allow-listed header, else redacted. */
  public static String header(String name, String value) {
    return PRINTABLE_HEADERS.contains(name.toLowerCase(Locale.ROOT)) ? value : REDACTED;
  }

  private static String query(String rawQuery) {
    StringBuilder out = new StringBuilder();
    for (String pair : rawQuery.split("&", -1)) {
      if (out.length() > 0) {
        out.append('&');
      }
      int eq = pair.indexOf('=');
      out.append(eq < 0 ? pair : pair.substring(0, eq + 1) + REDACTED);
    }
    return out.toString();
  }
}
