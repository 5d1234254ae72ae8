package dev.vitals.streams.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * CSV as RFC 4180 says: a header row, CRLF line ends, fields quoted when they hold a comma, a
 * quote, CR or LF, quotes doubled. A column is a JSON field of the row, nested fields joined with
 * dots ({@code latency.p99}, {@code burnRates.1h}); arrays are joined with "; ".
 *
 * <p>Every cell is safe to open in a spreadsheet (OWASP's rule against CSV injection): a cell that
 * would start with {@code =}, {@code +}, {@code -}, {@code @}, a tab or a CR is prefixed with
 * {@code '}, so it is shown as text rather than run as a formula. Only JSON numbers are exempt: a
 * negative burn rate or budget ({@code -0.25}) stays a number. The JSON type decides, never the
 * text: a service named {@code -1} is text and is written {@code '-1}.
 */
final class Csv {

  /** The first characters that make a spreadsheet read a cell as a formula (OWASP). */
  private static final String FORMULA_STARTS = "=+-@\t\r";

  private Csv() {}

  static String table(List<String> columns, List<JsonNode> rows) {
    StringBuilder out = new StringBuilder();
    line(out, columns.stream().map(Csv::neutralised).toList());
    for (JsonNode row : rows) {
      List<String> cells = new ArrayList<>(columns.size());
      for (String column : columns) {
        cells.add(cell(row, column));
      }
      line(out, cells);
    }
    return out.toString();
  }

  /** The text of one cell, neutralised unless it is a JSON number. */
  static String cell(JsonNode row, String column) {
    JsonNode node = row;
    for (String part : column.split("\\.", -1)) {
      node = node.path(part);
    }
    String text = text(node);
    return node.isNumber() ? text : neutralised(text);
  }

  /** The text as a spreadsheet must show it: a would-be formula gets a leading {@code '}. */
  static String neutralised(String text) {
    return !text.isEmpty() && FORMULA_STARTS.indexOf(text.charAt(0)) >= 0 ? "'" + text : text;
  }

  private static String text(JsonNode node) {
    if (node.isMissingNode() || node.isNull()) {
      return "";
    }
    if (node.isArray()) {
      List<String> items = new ArrayList<>();
      node.forEach(item -> items.add(item.isValueNode() ? item.asText() : item.toString()));
      return String.join("; ", items);
    }
    return node.isValueNode() ? node.asText() : node.toString();
  }

  static String field(String value) {
    boolean quote =
        value.indexOf(',') >= 0
            || value.indexOf('"') >= 0
            || value.indexOf('\r') >= 0
            || value.indexOf('\n') >= 0;
    return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
  }

  private static void line(StringBuilder out, List<String> cells) {
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(field(cells.get(i)));
    }
    out.append("\r\n");
  }
}
