package dev.vitals.streams.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vitals.schemas.signals.SignalJson;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rows of {@code /api/v1/reports/slo}. An evaluation carries its budget over its SLO's configured
 * period only; a row reports the period its numbers cover ({@code period}), which is the requested
 * one when the evaluation's period matches, or when the request asks for 1d or 3d: the budget spent
 * over a burn-rate window is its burn rate, so the budget left is {@code 1 - burnRates[1d|3d]}.
 */
final class SloReport {

  static final int MAX_DAYS = 30;
  static final String DEFAULT_PERIOD = "30d";

  private static final Pattern DAYS = Pattern.compile("([0-9]{1,3})d");

  private SloReport() {}

  /** The days of a {@code period} parameter; 400 unless 1d..30d. */
  static int requestedDays(String period) {
    Matcher m = DAYS.matcher(period);
    int days = m.matches() ? Integer.parseInt(m.group(1)) : 0;
    if (days < 1 || days > MAX_DAYS) {
      throw ApiException.badRequest("period: " + period + " (expected: 1d..30d)");
    }
    return days;
  }

  /** One report row of one evaluation, for {@code requestedDays}. */
  static ObjectNode row(JsonNode evaluation, int requestedDays) {
    ObjectNode row = SignalJson.MAPPER.createObjectNode();
    for (String field : new String[] {"tenant", "namespace", "service", "slo"}) {
      row.put(field, evaluation.path(field).asText(""));
    }
    row.set("objective", Items.orNull(evaluation.path("objective")));
    row.set("evaluatedAt", Items.orNull(evaluation.path("evaluatedAt")));
    Integer ownDays = days(evaluation.path("period"));
    String window = requestedDays + "d";
    JsonNode burn = evaluation.path("burnRates").path(window);
    if ((ownDays == null || ownDays != requestedDays) && burn.isNumber()) {
      row.put("period", window);
      row.put("errorBudgetRemaining", 1 - burn.asDouble());
      row.putNull("good");
      row.putNull("total");
      row.put("budgetSource", "burnRates." + window);
    } else {
      row.put("period", ownDays == null ? null : ownDays + "d");
      row.set("errorBudgetRemaining", Items.orNull(evaluation.path("errorBudgetRemaining")));
      row.set("good", Items.orNull(evaluation.path("good")));
      row.set("total", Items.orNull(evaluation.path("total")));
      row.put("budgetSource", "evaluation");
    }
    row.set("burnRates", Items.orNull(evaluation.path("burnRates")).deepCopy());
    return row;
  }

  /** True when the row's numbers cover exactly the requested period. */
  static boolean covers(JsonNode row, int requestedDays) {
    return row.path("period").asText("").equals(requestedDays + "d");
  }

  /** The days of an evaluation's {@code period}: "30d" or ISO-8601 "P30D"; null when unknown. */
  static Integer days(JsonNode period) {
    if (!period.isTextual()) {
      return null;
    }
    String text = period.asText();
    Matcher m = DAYS.matcher(text);
    if (m.matches()) {
      return Integer.parseInt(m.group(1));
    }
    try {
      Duration d = Duration.parse(text);
      return d.toHours() % 24 == 0 && d.toDays() > 0 ? (int) d.toDays() : null;
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
