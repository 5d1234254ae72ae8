package dev.vitals.app.config;

import java.util.List;

/** Every problem found in the configuration, each prefixed with the path of its key. */
public final class ConfigException extends Exception {

  private final List<String> errors;

  ConfigException(List<String> errors) {
    super(String.join("\n", errors));
    this.errors = List.copyOf(errors);
  }

  /** One line per problem, e.g. {@code admin.port: "x" is not a port (expected: 0..65535)}. */
  public List<String> errors() {
    return errors;
  }
}
