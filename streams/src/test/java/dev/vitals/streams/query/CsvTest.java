package dev.vitals.streams.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitals.schemas.signals.SignalJson;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvTest {

  private static JsonNode row(String json) throws Exception {
    return SignalJson.MAPPER.readTree(json);
  }

  private static String only(String column, String json) throws Exception {
    String table = Csv.table(List.of(column), List.of(row(json)));
    return table.substring(table.indexOf("\r\n") + 2, table.length() - 2);
  }

  @Test
  void aTextCellThatWouldBeAFormulaIsPrefixedWithAQuote() throws Exception {
    assertThat(only("service", "{\"service\":\"=HYPERLINK(\\\"http://evil.example/\\\",1)\"}"))
        .isEqualTo("\"'=HYPERLINK(\"\"http://evil.example/\"\",1)\"");
    assertThat(only("service", "{\"service\":\"+1+2\"}")).isEqualTo("'+1+2");
    assertThat(only("service", "{\"service\":\"-2+3\"}")).isEqualTo("'-2+3");
    assertThat(only("service", "{\"service\":\"@SUM(A1)\"}")).isEqualTo("'@SUM(A1)");
    assertThat(only("service", "{\"service\":\"\\t=1\"}")).isEqualTo("'\t=1");
    assertThat(only("service", "{\"service\":\"\\r=1\"}")).isEqualTo("\"'\r=1\"");
  }

  @Test
  void aTextCellThatMerelyLooksLikeANegativeNumberIsPrefixedToo() throws Exception {
    // A name is text; "-1" typed into a spreadsheet is harmless, but "-1+A1" is not, and a cell
    // is judged by its JSON type, never by guessing from its text.
    assertThat(only("service", "{\"service\":\"-1\"}")).isEqualTo("'-1");
  }

  @Test
  void ordinaryTextIsUnchanged() throws Exception {
    assertThat(only("service", "{\"service\":\"checkout\"}")).isEqualTo("checkout");
    assertThat(only("service", "{\"service\":\"a=b\"}")).isEqualTo("a=b");
  }

  @Test
  void negativeNumbersInNumericColumnsStayNumbers() throws Exception {
    assertThat(only("errorBudgetRemaining", "{\"errorBudgetRemaining\":-0.25}")).isEqualTo("-0.25");
    assertThat(only("burnRates.1h", "{\"burnRates\":{\"1h\":-3}}")).isEqualTo("-3");
  }

  @Test
  void aNestedTextFieldIsNeutralised() throws Exception {
    assertThat(only("annotations.summary", "{\"annotations\":{\"summary\":\"@evil\"}}"))
        .isEqualTo("'@evil");
  }

  @Test
  void anArrayCellIsNeutralisedByItsFirstCharacter() throws Exception {
    assertThat(only("sampleErrors", "{\"sampleErrors\":[\"=cmd|' /C calc'!A0\",\"ok\"]}"))
        .isEqualTo("'=cmd|' /C calc'!A0; ok");
    assertThat(only("sampleErrors", "{\"sampleErrors\":[-1,2]}")).isEqualTo("'-1; 2");
    assertThat(only("sampleErrors", "{\"sampleErrors\":[\"fine\",\"=later\"]}"))
        .isEqualTo("fine; =later");
  }

  @Test
  void booleansTimestampsAndMissingFieldsAreUnchanged() throws Exception {
    assertThat(only("silent", "{\"silent\":true}")).isEqualTo("true");
    assertThat(only("since", "{\"since\":\"2025-03-01T11:50:00Z\"}"))
        .isEqualTo("2025-03-01T11:50:00Z");
    assertThat(only("since", "{}")).isEmpty();
  }

  @Test
  void headerCellsAreNeutralisedLikeAnyOther() {
    assertThat(Csv.table(List.of("=x", "y"), List.of())).isEqualTo("'=x,y\r\n");
  }
}
