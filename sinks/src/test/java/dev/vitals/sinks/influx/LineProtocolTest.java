package dev.vitals.sinks.influx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vitals.sinks.series.SeriesSample;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LineProtocolTest {

  private static String line(SeriesSample s, TimeUnit precision) {
    StringBuilder b = new StringBuilder();
    new LineProtocol(precision).append(b, s);
    return b.toString();
  }

  private static String measurement(String s) {
    StringBuilder b = new StringBuilder();
    LineProtocol.escapeMeasurement(b, s);
    return b.toString();
  }

  private static String key(String s) {
    StringBuilder b = new StringBuilder();
    LineProtocol.escapeKey(b, s);
    return b.toString();
  }

  @Test
  void aPointHasItsTagsSortedByKeyOneValueFieldAndANanosecondTimestamp() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("tenant", "acme");
    labels.put("service", "checkout");
    labels.put("namespace", "shop");
    SeriesSample s = SeriesSample.of("vitals_window_requests", labels, 120, 1_700_000_000_123L);
    assertThat(line(s, TimeUnit.NANOSECONDS))
        .isEqualTo(
            "vitals_window_requests,namespace=shop,service=checkout,tenant=acme"
                + " value=120.0 1700000000123000000\n");
  }

  @Test
  void theTimestampFollowsThePrecisionOfTheUrl() {
    SeriesSample s = SeriesSample.of("m", Map.of(), 1.5, 1_700_000_000_123L);
    assertThat(line(s, LineProtocol.precision("org=o&bucket=b&precision=ms")))
        .isEqualTo("m value=1.5 1700000000123\n");
    assertThat(line(s, LineProtocol.precision("precision=s"))).endsWith(" 1700000000\n");
    assertThat(line(s, LineProtocol.precision("db=x&precision=u"))).endsWith(" 1700000000123000\n");
    assertThat(line(s, LineProtocol.precision("precision=us"))).endsWith(" 1700000000123000\n");
    assertThat(line(s, LineProtocol.precision(null))).endsWith(" 1700000000123000000\n");
    assertThat(line(s, LineProtocol.precision("db=x"))).endsWith(" 1700000000123000000\n");
    assertThatThrownBy(() -> LineProtocol.precision("precision=fortnight"))
        .hasMessageContaining("fortnight");
  }

  @Test
  void measurementEscapesCommaAndSpaceButNotEquals() {
    assertThat(measurement("cpu load,total=1")).isEqualTo("cpu\\ load\\,total=1");
  }

  @Test
  void tagKeysTagValuesAndFieldKeysEscapeCommaEqualsAndSpace() {
    assertThat(key("a,b=c d")).isEqualTo("a\\,b\\=c\\ d");
    assertThat(key("plain_value-1.2")).isEqualTo("plain_value-1.2");
  }

  @Test
  void quotesAndEmojiAndOtherCharactersAreLeftAsTheyAre() {
    assertThat(key("\"quoted\" 🚀")).isEqualTo("\"quoted\"\\ 🚀");
    assertThat(measurement("\"m\"")).isEqualTo("\"m\"");
  }

  @Test
  void aBackslashIsLiteralUnlessItWouldEscapeWhatFollows() {
    assertThat(key("C:\\dir")).isEqualTo("C:\\dir");
    assertThat(key("ends\\")).isEqualTo("ends\\\\");
    assertThat(key("a\\,b")).isEqualTo("a\\\\\\,b");
    assertThat(key("a\\\\b")).isEqualTo("a\\\\\\b");
    assertThat(measurement("a\\=b")).isEqualTo("a\\=b");
  }

  @Test
  void aNewlineCannotBreakAPointAndBecomesAnEscapedSpace() {
    assertThat(key("two\nlines")).isEqualTo("two\\ lines");
    assertThat(measurement("two\r\nlines")).isEqualTo("two\\ \\ lines");
  }

  @Test
  void emptyTagValuesAreLeftOutAndNonFiniteValuesAreNotWritten() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("service", "s");
    labels.put("namespace", "");
    assertThat(line(SeriesSample.of("m", labels, 2, 1000), TimeUnit.SECONDS))
        .isEqualTo("m,service=s value=2.0 1\n");
    assertThat(line(SeriesSample.of("m", labels, Double.NaN, 1000), TimeUnit.SECONDS)).isEmpty();
    assertThat(line(SeriesSample.of("m", labels, Double.POSITIVE_INFINITY, 1000), TimeUnit.SECONDS))
        .isEmpty();
  }

  @Test
  void escapedTagsAndMeasurementsComposeIntoOneLine() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("operation", "GET /a,b?x=1");
    labels.put("service", "web app");
    assertThat(line(SeriesSample.of("my metric", labels, 0.25, 1000), TimeUnit.MILLISECONDS))
        .isEqualTo("my\\ metric,operation=GET\\ /a\\,b?x\\=1,service=web\\ app value=0.25 1000\n");
  }
}
