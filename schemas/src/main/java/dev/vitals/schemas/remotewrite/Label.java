package dev.vitals.schemas.remotewrite;

import static java.util.Objects.requireNonNull;

/** One label of a remote-write series: {@code Label{string name = 1; string value = 2;}}. */
public record Label(String name, String value) {

  public Label {
    requireNonNull(name, "name");
    requireNonNull(value, "value");
  }
}
