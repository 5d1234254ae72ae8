package dev.vitals.bench.faults;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Command lines of the JVM processes: this JVM's {@code java}, the given flags, a jar. */
public final class Java {

  private Java() {}

  static String binary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** {@code java <options> -cp <jar> <mainClass> <args>}. */
  static List<String> command(List<String> options, Path jar, String mainClass, String... args) {
    List<String> c = new ArrayList<>();
    c.add(binary());
    c.addAll(options);
    c.add("-cp");
    c.add(jar.toString());
    c.add(mainClass);
    c.addAll(List.of(args));
    return c;
  }

  /** {@code java <options> -jar <jar> <args>}: what {@code bin/vitals} runs. */
  public static List<String> jar(List<String> options, Path jar, String... args) {
    List<String> c = new ArrayList<>();
    c.add(binary());
    c.addAll(options);
    c.add("-jar");
    c.add(jar.toString());
    c.addAll(List.of(args));
    return c;
  }
}
