package dev.vitals.streams.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * CSV as RFC 4180 says: a header row, CRLF line ends, fields quoted when they hold a comma, a
 * quote, CR or LF, quotes doubled. A column is a JSON field of the row, nested fields joined with
 * dots ({@code latency.p99}, {@code burnRates.1h}); arrays are joined with "; ".
 */
final class Csv {

  private Csv() {}

  static String table(List<String> columns, List<JsonNode> rows) {
    StringBuilder out = new StringBuilder();
    line(out, columns);
    for (JsonNode row : rows) {
      List<String> cells = new ArrayList<>(columns.size());
      for (String column : columns) {
        cells.add(cell(row, column));
      }
      line(out, cells);
    }
    return out.toString();
  }

  static String cell(JsonNode row, String column) {
    JsonNode node = row;
    for (String part : column.split("\\.")) {
      node = node.path(part);
    }
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
