package dev.vitals.common.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.DoublePredicate;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One section of a configuration tree: {@code vitals.yaml}, the SLO file or a loadgen scenario.
 * Every getter takes the default for a missing key and records a problem, with its path ({@code
 * slos[2].objective}), for a bad one; it never throws. Keys nobody read are errors too, reported by
 * {@link ConfigErrors#checkUnknownKeys()}, so a typo never silently does nothing.
 */
public final class ConfigNode {

  private static final YAMLMapper YAML = new YAMLMapper();

  private final ConfigErrors errors;
  private final String path;
  private final JsonNode json;
  private final Set<String> known = new LinkedHashSet<>();
  private String kind = "";

  private ConfigNode(ConfigErrors errors, String path, JsonNode json) {
    this.errors = errors;
    this.path = path;
    this.json = json;
    errors.register(this);
  }

  /**
   * The tree of a YAML text: an empty mapping for an empty text, or null (with the error recorded)
   * when the text is not YAML or not a mapping.
   */
  public static ObjectNode tree(String yaml, ConfigErrors errors) {
    JsonNode tree;
    try {
      tree = YAML.readTree(yaml);
    } catch (JacksonException e) {
      errors.add("not valid YAML: " + e.getOriginalMessage().strip());
      return null;
    }
    if (tree == null || tree.isMissingNode() || tree.isNull()) {
      return JsonNodeFactory.instance.objectNode();
    }
    if (!tree.isObject()) {
      errors.add("(root): " + describe(tree) + " is not a mapping (expected: keys below it)");
      return null;
    }
    return (ObjectNode) tree;
  }

  public static ConfigNode root(ConfigErrors errors, JsonNode json) {
    return new ConfigNode(errors, "", json);
  }

  /** True when the section is written in the file (even if empty). */
  public boolean present() {
    return json.isObject();
  }

  /** True when the key is written with a value other than null. */
  public boolean has(String key) {
    return json.hasNonNull(key);
  }

  /** Whether the key holds a list. */
  public boolean isList(String key) {
    return json.path(key).isArray();
  }

  /** The keys written in this section, in file order; each counts as known. */
  public List<String> keys() {
    List<String> keys = new ArrayList<>();
    json.fieldNames().forEachRemaining(keys::add);
    known.addAll(keys);
    return keys;
  }

  /** Declares keys this section may have even when a binder does not read them this time. */
  public ConfigNode allow(String... keys) {
    known.addAll(List.of(keys));
    return this;
  }

  /** Names the section in its unknown-key errors: {@code unknown key of slow_burn (...)}. */
  public ConfigNode describedAs(String what) {
    kind = " of " + what;
    return this;
  }

  public ConfigNode section(String key) {
    return section(key, "keys below it");
  }

  /** A section whose error, when it is not one, says what it should hold. */
  public ConfigNode section(String key, String expected) {
    JsonNode value = value(key);
    if (value != null && !value.isObject()) {
      error(key, describe(value) + " is not a section (expected: " + expected + ")");
      value = null;
    }
    return new ConfigNode(errors, pathOf(key), value == null ? MissingNode.getInstance() : value);
  }

  /**
   * A list of sections, each at {@code key[i]}; file-only (no environment override). A missing key
   * is an empty list.
   */
  public List<ConfigNode> sections(String key) {
    return sections(key, "keys below it");
  }

  /** A list of sections whose errors say what each should hold. */
  public List<ConfigNode> sections(String key, String expected) {
    List<ConfigNode> nodes = new ArrayList<>();
    List<JsonNode> items = list(key);
    for (int i = 0; i < items.size(); i++) {
      String itemKey = key + "[" + i + "]";
      if (!items.get(i).isObject()) {
        error(itemKey, describe(items.get(i)) + " is not a section (expected: " + expected + ")");
      } else {
        nodes.add(new ConfigNode(errors, pathOf(itemKey), items.get(i)));
      }
    }
    return nodes;
  }

  /**
   * A list of plain values; a missing key is an empty list. An item that is not a plain value is an
   * error and null, so that indexes stay those of the file.
   */
  public List<String> strings(String key) {
    List<String> out = new ArrayList<>();
    List<JsonNode> items = list(key);
    for (int i = 0; i < items.size(); i++) {
      boolean plain = !items.get(i).isContainerNode();
      if (!plain) {
        error(key + "[" + i + "]", describe(items.get(i)) + " is not a plain value");
      }
      out.add(plain ? items.get(i).asText() : null);
    }
    return out;
  }

  public String string(String key, String defaultValue) {
    String text = text(key);
    return text == null ? defaultValue : text;
  }

  /** Like {@link #string}, but an explicit {@code null} or empty value means null. */
  public String nullableString(String key, String defaultValue) {
    String text = text(key);
    if (text == null) {
      return json.has(key) ? null : defaultValue;
    }
    return text.isEmpty() ? null : text;
  }

  public Path file(String key) {
    String text = text(key);
    return text == null || text.isEmpty() ? null : Path.of(text);
  }

  public boolean bool(String key, boolean defaultValue) {
    return read(key, defaultValue, Scalars::bool);
  }

  public int integer(String key, int defaultValue, int min, int max) {
    return (int) longInteger(key, defaultValue, min, max);
  }

  /** A whole number in {@code min..max}; {@code 10.0} is 10. */
  public long longInteger(String key, long defaultValue, long min, long max) {
    return read(key, defaultValue, t -> Scalars.integer(t, min, max));
  }

  public double number(String key, double defaultValue, double min, double max) {
    return number(key, defaultValue, n -> n >= min && n <= max, "a number " + min + ".." + max);
  }

  /** A number that {@code ok} accepts; {@code expected} says which, e.g. "a ratio 0 to 1". */
  public double number(String key, double defaultValue, DoublePredicate ok, String expected) {
    return read(key, defaultValue, t -> Scalars.number(t, ok, expected));
  }

  public int port(String key, int defaultValue) {
    return integer(key, defaultValue, 0, 65535);
  }

  public long size(String key, long defaultValue, long max) {
    return size(key, defaultValue, 1, max);
  }

  /** A size in {@code min..max} bytes ({@code min} 0 for keys where 0 means "off" or "auto"). */
  public long size(String key, long defaultValue, long min, long max) {
    return read(key, defaultValue, t -> Scalars.size(t, min, max));
  }

  /** A duration of 0 or more, in the grammar of {@link Quantities}. */
  public Duration duration(String key, Duration defaultValue) {
    return read(key, defaultValue, Scalars::duration);
  }

  public <E extends Enum<E>> E choice(String key, E defaultValue, Class<E> type) {
    return read(key, defaultValue, t -> Scalars.choice(t, type));
  }

  /** A free-form map of strings; file-only (no environment override). */
  public Map<String, String> stringMap(String key) {
    known.add(key);
    errors.map(pathOf(key));
    JsonNode value = json.get(key);
    Map<String, String> map = new LinkedHashMap<>();
    if (value == null || value.isNull()) {
      return map;
    }
    if (!value.isObject()) {
      error(key, describe(value) + " is not a map (expected: key: value lines below it)");
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

  /** Records a problem at {@code key} of this section, or at the section itself for null. */
  public void error(String key, String message) {
    errors.add(key == null ? path : pathOf(key), message);
  }

  /** Runs a validating constructor; its complaint becomes an error at the section's path. */
  public <T> T build(Supplier<T> constructor, T fallback) {
    try {
      return constructor.get();
    } catch (IllegalArgumentException | NullPointerException e) {
      error(null, e.getMessage());
      return fallback;
    }
  }

  /**
   * Like {@link #build}, for constructors whose complaint starts with the field it is about ({@code
   * objective: 1.5 (expected: > 0 and < 1)}): the error is at that field's path.
   */
  public <T> T buildField(Supplier<T> constructor, T fallback) {
    try {
      return constructor.get();
    } catch (IllegalArgumentException | NullPointerException e) {
      errors.add((path.isEmpty() ? "" : path + ".") + e.getMessage());
      return fallback;
    }
  }

  void reportUnknownKeys() {
    if (!json.isObject()) {
      return;
    }
    for (Map.Entry<String, JsonNode> e : json.properties()) {
      if (!known.contains(e.getKey())) {
        error(
            e.getKey(),
            "unknown key" + kind + " (expected: one of " + String.join(", ", known) + ")");
      }
    }
  }

  private List<JsonNode> list(String key) {
    JsonNode value = value(key);
    errors.map(pathOf(key));
    List<JsonNode> items = new ArrayList<>();
    if (value == null) {
      return items;
    }
    if (!value.isArray()) {
      error(key, describe(value) + " is not a list (expected: \"- \" entries below it)");
      return items;
    }
    value.elements().forEachRemaining(items::add);
    return items;
  }

  /** The value at {@code key} as {@code parse} reads it; its complaint becomes an error there. */
  private <T> T read(String key, T defaultValue, Function<String, T> parse) {
    String text = text(key);
    if (text == null) {
      return defaultValue;
    }
    try {
      return parse.apply(text);
    } catch (IllegalArgumentException e) {
      error(key, quote(text) + " " + e.getMessage());
      return defaultValue;
    }
  }

  private String text(String key) {
    JsonNode value = value(key);
    errors.scalar(pathOf(key));
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
