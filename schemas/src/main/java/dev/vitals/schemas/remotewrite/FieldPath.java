package dev.vitals.schemas.remotewrite;

/**
 * Where the decoder stands, e.g. {@code timeseries[2].samples[0].timestamp}. Kept in two arrays so
 * that only an error pays for the text.
 */
final class FieldPath {

  private static final int MAX_DEPTH = 4;
  private static final int NO_INDEX = -1;

  private final String[] names = new String[MAX_DEPTH];
  private final int[] indexes = new int[MAX_DEPTH];
  private int depth;

  /** Enters an element of a repeated field. */
  void enter(String name, int index) {
    names[depth] = name;
    indexes[depth] = index;
    depth++;
  }

  /** Enters a singular field. */
  void enter(String name) {
    enter(name, NO_INDEX);
  }

  /** Enters a field this decoder does not know, named by its number. */
  void enterUnknown(int fieldNumber) {
    enter(null, fieldNumber);
  }

  void exit() {
    depth--;
  }

  @Override
  public String toString() {
    if (depth == 0) {
      return "write request";
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < depth; i++) {
      append(text.append(i == 0 ? "" : "."), names[i], indexes[i]);
    }
    return text.toString();
  }

  private static void append(StringBuilder text, String name, int index) {
    if (name == null) {
      text.append("field ").append(index);
    } else if (index == NO_INDEX) {
      text.append(name);
    } else {
      text.append(name).append('[').append(index).append(']');
    }
  }
}
