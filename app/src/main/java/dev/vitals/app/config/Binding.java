package dev.vitals.app.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one pass over a configuration tree found: errors, the keys it knows, where values came from.
 */
final class Binding {

  final List<String> errors = new ArrayList<>();

  /** Every scalar key the binder reads, as dotted paths in their canonical case. */
  final Set<String> scalarPaths = new LinkedHashSet<>();

  /** Keys whose value is a free-form map; they can only be set in the file. */
  final Set<String> mapPaths = new LinkedHashSet<>();

  /** Path to the environment variable that set it. */
  final Map<String, String> envSources = new HashMap<>();

  private final List<Node> nodes = new ArrayList<>();

  void register(Node node) {
    nodes.add(node);
  }

  /** Reports the keys nobody asked for. */
  void checkUnknownKeys() {
    nodes.forEach(Node::reportUnknownKeys);
  }
}
