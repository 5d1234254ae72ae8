package dev.vitals.app.containers;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;

/**
 * The parts of a compose file the container tests run a service with, read as Docker Compose and
 * podman-compose read them: merge keys resolved, {@code ${VAR:-default}} substituted from an env
 * file, bind mounts relative to the file's folder.
 */
final class Compose {

  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+)(?::-([^}]*))?}");

  record Mount(String source, String target, String options, boolean named) {}

  private final Path folder;
  private final Map<String, Map<String, Object>> services;
  private final Map<String, String> env;

  private Compose(Path folder, Map<String, Map<String, Object>> services, Map<String, String> env) {
    this.folder = folder;
    this.services = services;
    this.env = env;
  }

  /** The compose file, its variables taken from {@code envFile} (KEY=VALUE lines). */
  static Compose load(Path file, Path envFile) throws IOException {
    Map<String, Object> compose;
    try (Reader in = Files.newBufferedReader(file)) {
      compose = new Yaml().load(in);
    }
    @SuppressWarnings("unchecked") // the compose file's services, as SnakeYAML reads them
    Map<String, Map<String, Object>> services =
        (Map<String, Map<String, Object>>) compose.get("services");
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : Files.readAllLines(envFile)) {
      String l = line.strip();
      if (!l.isEmpty() && !l.startsWith("#") && l.contains("=")) {
        env.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1));
      }
    }
    return new Compose(file.toAbsolutePath().getParent(), services, env);
  }

  String image(String service) {
    return substitute(string(service, "image"));
  }

  /** The entrypoint as podman's --entrypoint takes a list: a JSON array. */
  Optional<String> entrypoint(String service) {
    Object e = service(service).get("entrypoint");
    if (e == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new ObjectMapper().writeValueAsString(e instanceof List<?> ? e : List.of(e)));
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  List<String> command(String service) {
    List<String> command = new ArrayList<>();
    Object c = service(service).get("command");
    if (c instanceof List<?> parts) {
      parts.forEach(p -> command.add(substitute(p.toString())));
    }
    return command;
  }

  Map<String, String> environment(String service) {
    Map<String, String> environment = new LinkedHashMap<>();
    if (service(service).get("environment") instanceof Map<?, ?> m) {
      m.forEach((k, v) -> environment.put(k.toString(), substitute(String.valueOf(v))));
    }
    return environment;
  }

  List<Mount> volumes(String service) {
    List<Mount> mounts = new ArrayList<>();
    if (service(service).get("volumes") instanceof List<?> volumes) {
      for (Object v : volumes) {
        String[] parts = v.toString().split(":");
        String options = parts.length > 2 ? ":" + parts[2] : "";
        boolean named = !parts[0].startsWith(".") && !parts[0].startsWith("/");
        String source = named ? parts[0] : folder.resolve(parts[0]).normalize().toString();
        mounts.add(new Mount(source, parts[1], options, named));
      }
    }
    return mounts;
  }

  /** Whether the service keeps its image's health check ({@code healthcheck: disable: true}). */
  boolean healthcheck(String service) {
    return !(service(service).get("healthcheck") instanceof Map<?, ?> h
        && Boolean.TRUE.equals(h.get("disable")));
  }

  /** The shell command of a {@code CMD-SHELL} health check, if the service declares one. */
  Optional<String> healthcheckShell(String service) {
    if (service(service).get("healthcheck") instanceof Map<?, ?> h
        && h.get("test") instanceof List<?> test
        && test.size() == 2
        && "CMD-SHELL".equals(test.get(0))) {
      return Optional.of(substitute(test.get(1).toString()));
    }
    return Optional.empty();
  }

  private Map<String, Object> service(String name) {
    Map<String, Object> service = services.get(name);
    if (service == null) {
      throw new IllegalArgumentException("no service " + name + " in the compose file");
    }
    return service;
  }

  private String string(String service, String key) {
    Object value = service(service).get(key);
    if (value == null) {
      throw new IllegalArgumentException("service " + service + " has no " + key);
    }
    return value.toString();
  }

  private String substitute(String text) {
    Matcher m = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = env.getOrDefault(m.group(1), m.group(2) == null ? "" : m.group(2));
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }
}
