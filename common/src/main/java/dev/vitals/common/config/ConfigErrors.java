package dev.vitals.common.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one pass over a configuration tree found: every error with its path, the keys the binder
 * knows, and which values came from environment variables.
 */
public final class ConfigErrors {

  private final List<String> errors = new ArrayList<>();
  private final Set<String> scalarPaths = new LinkedHashSet<>();
  private final Set<String> mapPaths = new LinkedHashSet<>();
  private final Map<String, String> envSources = new HashMap<>();
  private final List<ConfigNode> nodes = new ArrayList<>();

  /** Records a problem that belongs to no key (a file that is not YAML, a bad variable). */
  public void add(String error) {
    errors.add(error);
  }

  /** Every error so far, in the order found. */
  public List<String> list() {
    return List.copyOf(errors);
  }

  public boolean isEmpty() {
    return errors.isEmpty();
  }

  /** Reports the keys nobody asked for; call once, after binding. */
  public void checkUnknownKeys() {
    nodes.forEach(ConfigNode::reportUnknownKeys);
  }

  /** Every scalar key the binder reads, as dotted paths in their canonical case. */
  public Set<String> scalarPaths() {
    return scalarPaths;
  }

  /** Keys whose value is a free-form map or a list; they can only be set in the file. */
  public Set<String> mapPaths() {
    return mapPaths;
  }

  /** Notes that the value at {@code path} came from {@code variable}, for its error messages. */
  public void setSource(String path, String variable) {
    envSources.put(path, variable);
  }

  void register(ConfigNode node) {
    nodes.add(node);
  }

  void scalar(String path) {
    scalarPaths.add(path);
  }

  void map(String path) {
    mapPaths.add(path);
  }

  void add(String path, String message) {
    String source = envSources.get(path);
    errors.add(
        (path.isEmpty() ? "(root)" : path)
            + (source == null ? "" : " (from " + source + ")")
            + ": "
            + message);
  }
}
