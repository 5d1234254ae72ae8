package dev.vitals.app.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One section of the configuration tree. Every getter takes the default for a missing key and
 * records a problem, with its path, for a bad one; it never throws.
 */
final class Node {

  private final Binding binding;
  private final String path;
  private final JsonNode json;
  private final Set<String> known = new LinkedHashSet<>();

  private Node(Binding binding, String path, JsonNode json) {
    this.binding = binding;
    this.path = path;
    this.json = json;
    binding.register(this);
  }

  static Node root(Binding binding, JsonNode json) {
    return new Node(binding, "", json);
  }

  /** True when the section is written in the configuration (even if empty). */
  boolean present() {
    return json.isObject();
  }

  Node section(String key) {
    JsonNode value = value(key);
    if (value != null && !value.isObject()) {
      error(key, describe(value) + " is not a section (expected keys below it)");
      value = null;
    }
    return new Node(binding, pathOf(key), value == null ? MissingNode.getInstance() : value);
  }

  /**
   * A list of sections, each at {@code key[i]}; file-only (no environment override). A missing key
   * is an empty list.
   */
  List<Node> sections(String key) {
    JsonNode value = value(key);
    binding.mapPaths.add(pathOf(key));
    List<Node> nodes = new ArrayList<>();
    if (value == null) {
      return nodes;
    }
    if (!value.isArray()) {
      error(key, describe(value) + " is not a list (expected \"- \" entries below it)");
      return nodes;
    }
    for (int i = 0; i < value.size(); i++) {
      JsonNode item = value.get(i);
      String itemKey = key + "[" + i + "]";
      if (!item.isObject()) {
        error(itemKey, describe(item) + " is not a section (expected keys below it)");
      } else {
        nodes.add(new Node(binding, pathOf(itemKey), item));
      }
    }
    return nodes;
  }

  String string(String key, String defaultValue) {
    String text = text(key);
    return text == null ? defaultValue : text;
  }

  /** Like {@link #string}, but an explicit {@code null} or empty value means null. */
  String nullableString(String key, String defaultValue) {
    String text = text(key);
    if (text == null) {
      return json.has(key) ? null : defaultValue;
    }
    return text.isEmpty() ? null : text;
  }

  Path file(String key) {
    String text = text(key);
    return text == null || text.isEmpty() ? null : Path.of(text);
  }

  boolean bool(String key, boolean defaultValue) {
    String text = text(key);
    if (text == null) {
      return defaultValue;
    }
    if (text.trim().equalsIgnoreCase("true") || text.trim().equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(text.trim());
    }
    error(key, quote(text) + " is not a boolean (expected true or false)");
    return defaultValue;
  }

  int integer(String key, int defaultValue, int min, int max) {
    String text = text(key);
    if (text == null) {
      return defaultValue;
    }
    String expected = " (expected an integer " + min + ".." + max + ")";
    int n;
    try {
      n = Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      error(key, quote(text) + " is not an integer" + expected);
      return defaultValue;
    }
    if (n < min || n > max) {
      error(key, quote(text) + " is out of range" + expected);
      return defaultValue;
    }
    return n;
  }

  double number(String key, double defaultValue, double min, double max) {
    String text = text(key);
    if (text == null) {
      return defaultValue;
    }
    String expected = " (expected a number " + min + ".." + max + ")";
    double n;
    try {
      n = Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      error(key, quote(text) + " is not a number" + expected);
      return defaultValue;
    }
    if (!(n >= min && n <= max)) {
      error(key, quote(text) + " is out of range" + expected);
      return defaultValue;
    }
    return n;
  }

  int port(String key, int defaultValue) {
    return integer(key, defaultValue, 0, 65535);
  }

  long size(String key, long defaultValue, long max) {
    return size(key, defaultValue, 1, max);
  }

  /** A size in {@code min..max} bytes ({@code min} 0 for keys where 0 means "off" or "auto"). */
  long size(String key, long defaultValue, long min, long max) {
    String text = text(key);
    if (text == null) {
      return defaultValue;
    }
    OptionalLong bytes = Quantities.parseSize(text);
    if (bytes.isEmpty()) {
      error(key, quote(text) + " is not a size (expected e.g. 64MiB)");
      return defaultValue;
    }
    if (bytes.getAsLong() < min || bytes.getAsLong() > max) {
      error(key, quote(text) + " is out of range (expected " + min + ".." + max + " bytes)");
      return defaultValue;
    }
    return bytes.getAsLong();
  }

  Duration duration(String key, Duration defaultValue) {
    String text = text(key);
    if (text == null) {
      return defaultValue;
    }
    Duration d = Quantities.parseDuration(text);
    if (d == null) {
      error(key, quote(text) + " is not a duration (expected e.g. 500ms, 5s, 1m, 1h, 30d)");
      return defaultValue;
    }
    return d;
  }

  <E extends Enum<E>> E choice(String key, E defaultValue, Class<E> type) {
    String text = text(key);
    if (text == null) {
      return defaultValue;
    }
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(text.trim())) {
        return e;
      }
    }
    StringBuilder expected = new StringBuilder();
    for (E e : type.getEnumConstants()) {
      expected.append(expected.length() == 0 ? "" : "|").append(e.name().toLowerCase(Locale.ROOT));
    }
    error(key, quote(text) + " is not one of " + expected);
    return defaultValue;
  }

  /** A free-form map of strings; file-only (no environment override). */
  Map<String, String> stringMap(String key) {
    known.add(key);
    binding.mapPaths.add(pathOf(key));
    JsonNode value = json.get(key);
    Map<String, String> map = new LinkedHashMap<>();
    if (value == null || value.isNull()) {
      return map;
    }
    if (!value.isObject()) {
      error(key, describe(value) + " is not a map (expected key: value lines below it)");
      return map;
    }
    for (Map.Entry<String, JsonNode> e : value.properties()) {
      if (e.getValue().isContainerNode()) {
        error(key + "." + e.getKey(), "is not a plain value");
      } else {
        map.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText());
      }
    }
    return map;
  }

  /** Records a problem about this section, e.g. a failed cross-check. */
  void error(String key, String message) {
    String p = key == null ? path : pathOf(key);
    String source = binding.envSources.get(p);
    binding.errors.add(p + (source == null ? "" : " (from " + source + ")") + ": " + message);
  }

  void reportUnknownKeys() {
    if (!json.isObject()) {
      return;
    }
    for (Map.Entry<String, JsonNode> e : json.properties()) {
      String key = e.getKey();
      if (!known.contains(key)) {
        error(key, "unknown key (expected one of " + String.join(", ", known) + ")");
      }
    }
  }

  private String text(String key) {
    JsonNode value = value(key);
    binding.scalarPaths.add(pathOf(key));
    if (value == null) {
      return null;
    }
    if (value.isContainerNode()) {
      error(key, describe(value) + " is not a plain value");
      return null;
    }
    return value.asText();
  }

  private JsonNode value(String key) {
    known.add(key);
    JsonNode value = json.get(key);
    return value == null || value.isNull() ? null : value;
  }

  private String pathOf(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private static String describe(JsonNode value) {
    if (value.isObject()) {
      return "a section";
    }
    if (value.isArray()) {
      return "a list";
    }
    return quote(value.asText());
  }

  private static String quote(String text) {
    return "\"" + text + "\"";
  }
}
