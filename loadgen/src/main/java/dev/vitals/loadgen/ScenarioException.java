package dev.vitals.loadgen;

import java.util.List;

/** Every problem found in a scenario, each line starting with the path of its key. */
public final class ScenarioException extends Exception {

  private static final long serialVersionUID = 1L;

  private final String source;
  private final List<String> errors;

  ScenarioException(String source, List<String> errors) {
    super(source + ": " + String.join("; ", errors));
    this.source = source;
    this.errors = List.copyOf(errors);
  }

  /** The file or built-in scenario the errors are in. */
  public String source() {
    return source;
  }

  /**
   * One line per problem, e.g. {@code incidents[0].at: "10x" is not a duration (expected: ...)}.
   */
  public List<String> errors() {
    return errors;
  }
}
