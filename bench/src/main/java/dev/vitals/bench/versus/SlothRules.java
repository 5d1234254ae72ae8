package dev.vitals.bench.versus;

import java.util.Locale;

/**
 * Prometheus recording and alerting rules for an availability SLO as Sloth generates them for the
 * SRE Workbook's multiwindow, multi-burn-rate method: one error-ratio recording rule per window
 * ({@code slo:sli_error:ratio_rate<window>}, labelled {@code sloth_window}), a page alert (14.4×
 * over 1h and 5m, or 6× over 6h and 30m) and a ticket alert (3× over 1d and 2h, or 1× over 3d and
 * 6h), per {@code job}. Errors are responses with a 5xx {@code http_response_status_code}.
 */
final class SlothRules {

  static final String[] WINDOWS = {"5m", "30m", "1h", "2h", "6h", "1d", "3d"};

  private SlothRules() {}

  static String yaml(double objective) {
    double budget = 1 - objective;
    StringBuilder y = new StringBuilder();
    y.append("groups:\n");
    y.append("  - name: sloth-slo-sli-recordings-availability\n    rules:\n");
    for (String w : WINDOWS) {
      y.append("      - record: slo:sli_error:ratio_rate")
          .append(w)
          .append("\n        expr: |\n")
          .append("          (sum by (job) (rate(http_server_request_duration_seconds_count")
          .append("{http_response_status_code=~\"5..\"}[")
          .append(w)
          .append("])))\n          /\n")
          .append("          (sum by (job) (rate(http_server_request_duration_seconds_count[")
          .append(w)
          .append("])))\n")
          .append("        labels:\n          sloth_window: ")
          .append(w)
          .append("\n");
    }
    y.append("  - name: sloth-slo-alerts-availability\n    rules:\n");
    alert(y, "page", new String[][] {{"5m", "1h", "14.4"}, {"30m", "6h", "6"}}, budget);
    alert(y, "ticket", new String[][] {{"2h", "1d", "3"}, {"6h", "3d", "1"}}, budget);
    return y.toString();
  }

  private static void alert(StringBuilder y, String severity, String[][] pairs, double budget) {
    y.append("      - alert: SLOErrorBudgetBurn\n        expr: |\n");
    for (int i = 0; i < pairs.length; i++) {
      String threshold = String.format(Locale.ROOT, "(%s * %s)", pairs[i][2], budget);
      y.append(i == 0 ? "          (\n" : "          or\n          (\n")
          .append("            max without (sloth_window) (slo:sli_error:ratio_rate")
          .append(pairs[i][0])
          .append(" > ")
          .append(threshold)
          .append(")\n            and\n")
          .append("            max without (sloth_window) (slo:sli_error:ratio_rate")
          .append(pairs[i][1])
          .append(" > ")
          .append(threshold)
          .append(")\n          )\n");
    }
    y.append("        labels:\n          severity: ")
        .append(severity)
        .append("\n          source: prometheus\n");
  }
}
