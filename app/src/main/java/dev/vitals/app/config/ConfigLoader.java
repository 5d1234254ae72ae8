package dev.vitals.app.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vitals.common.config.ConfigErrors;
import dev.vitals.common.config.ConfigNode;
import dev.vitals.common.tls.ServerTls;
import dev.vitals.common.tls.ServerTls.ClientAuth;
import dev.vitals.ingest.IngestSettings;
import dev.vitals.ingest.IngestSettings.Auth;
import dev.vitals.ingest.IngestSettings.Limits;
import dev.vitals.ingest.IngestSettings.Listener;
import dev.vitals.schemas.Topics;
import dev.vitals.sinks.SinkSettings;
import dev.vitals.streams.StreamsSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads {@code vitals.yaml}, applies {@code VITALS_*} environment overrides and validates the
 * result, reporting every problem at once.
 *
 * <p>An environment variable {@code VITALS_<PATH>} sets the key whose dotted path, with dots
 * replaced by underscores, matches {@code <PATH>} ignoring case: {@code
 * VITALS_INGEST_LIMITS_MAXINFLIGHTBYTES=128MiB}. Maps ({@code kafka.clientProperties}, {@code
 * ingest.auth.tokens}) are file-only. {@link #NOT_CONFIG} lists the variables that are not keys.
 */
public final class ConfigLoader {

  /** {@code VITALS_*} variables read by scripts, not configuration keys. */
  public static final Set<String> NOT_CONFIG = Set.of("VITALS_JAVA_OPTS", "VITALS_CONFIG");

  private static final String ENV_PREFIX = "VITALS_";

  private ConfigLoader() {}

  /**
   * Loads the file (or only the defaults when {@code file} is null) with the overrides of {@code
   * env}.
   */
  public static VitalsConfig load(Path file, Map<String, String> env) throws ConfigException {
    if (file == null) {
      return parse("", env);
    }
    try {
      return parse(Files.readString(file), env);
    } catch (NoSuchFileException e) {
      throw new ConfigException(List.of(file + ": no such file"));
    } catch (IOException e) {
      throw new ConfigException(List.of(file + ": cannot be read (" + e.getMessage() + ")"));
    }
  }

  static VitalsConfig parse(String yaml, Map<String, String> env) throws ConfigException {
    ConfigErrors errors = new ConfigErrors();
    ObjectNode root = ConfigNode.tree(yaml, errors);
    if (root == null) {
      throw new ConfigException(errors.list());
    }
    applyEnvironment(root, env, errors);
    VitalsConfig config = bind(ConfigNode.root(errors, root));
    errors.checkUnknownKeys();
    if (!errors.isEmpty()) {
      throw new ConfigException(errors.list());
    }
    return config;
  }

  /** Writes each {@code VITALS_*} value into the tree, at the key it names. */
  private static void applyEnvironment(
      ObjectNode root, Map<String, String> env, ConfigErrors target) {
    ConfigErrors schema = new ConfigErrors();
    bind(ConfigNode.root(schema, JsonNodeFactory.instance.objectNode()));
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      String name = e.getKey();
      if (!name.regionMatches(true, 0, ENV_PREFIX, 0, ENV_PREFIX.length())
          || NOT_CONFIG.contains(name.toUpperCase(Locale.ROOT))) {
        continue;
      }
      String wanted = name.substring(ENV_PREFIX.length());
      String path = match(schema.scalarPaths(), wanted);
      if (path != null) {
        set(root, path, e.getValue());
        target.setSource(path, name);
      } else if (match(schema.mapPaths(), wanted) != null) {
        target.add(name + ": " + match(schema.mapPaths(), wanted) + " can only be set in the file");
      } else {
        target.add(name + ": matches no configuration key (e.g. VITALS_KAFKA_BOOTSTRAPSERVERS)");
      }
    }
  }

  private static String match(Set<String> paths, String envName) {
    for (String path : paths) {
      if (path.replace('.', '_').equalsIgnoreCase(envName)) {
        return path;
      }
    }
    return null;
  }

  private static void set(ObjectNode root, String path, String value) {
    String[] keys = path.split("\\.", -1);
    ObjectNode node = root;
    for (int i = 0; i < keys.length - 1; i++) {
      JsonNode child = node.get(keys[i]);
      node = child instanceof ObjectNode ? (ObjectNode) child : node.putObject(keys[i]);
    }
    node.put(keys[keys.length - 1], value);
  }

  private static VitalsConfig bind(ConfigNode root) {
    KafkaSettings kafka = kafka(root.section("kafka"));
    IngestSettings ingest = ingest(root.section("ingest"), kafka.topics());
    AdminSettings admin = admin(root.section("admin"));
    ConfigNode s = root.section("standalone");
    StandaloneSettings standalone =
        new StandaloneSettings(
            Path.of(s.string("dataDir", "./data")),
            s.port("kafkaPort", StandaloneSettings.DEFAULT_KAFKA_PORT),
            s.port("controllerPort", StandaloneSettings.DEFAULT_CONTROLLER_PORT),
            demo(s.nullableString("demo", StandaloneSettings.DEFAULT_DEMO)));
    SinkSettings sinks = SinksBinder.bind(root.section("sinks"), kafka.topics());
    StreamsSettings streams =
        StreamsBinder.bind(root.section("streams"), kafka.topics(), kafka.replicationFactor());
    return new VitalsConfig(kafka, ingest, admin, standalone, streams, sinks);
  }

  /** "none", "off" or "false" turn the demo traffic off. */
  private static String demo(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.trim().toLowerCase(java.util.Locale.ROOT);
    return v.equals("none") || v.equals("off") || v.equals("false") ? null : value.trim();
  }

  private static AdminSettings admin(ConfigNode a) {
    String host = a.string("host", "0.0.0.0");
    int port = a.port("port", AdminSettings.DEFAULT_PORT);
    ServerTls tls = serverTls(a.section("tls"));
    ConfigNode auth = a.section("auth");
    String token = auth.nullableString("bearerToken", null);
    if (token != null && !AdminSettings.isValidToken(token)) {
      auth.error("bearerToken", AdminSettings.TOKEN_RULE);
      token = null;
    }
    return new AdminSettings(host, port, tls, token);
  }

  private static KafkaSettings kafka(ConfigNode k) {
    String servers = k.string("bootstrapServers", KafkaSettings.DEFAULT_BOOTSTRAP_SERVERS);
    if (servers.isBlank()) {
      k.error("bootstrapServers", "is empty (expected: host:port[,host:port...])");
      servers = KafkaSettings.DEFAULT_BOOTSTRAP_SERVERS;
    }
    return new KafkaSettings(
        servers,
        k.string("topicPrefix", ""),
        k.integer("partitions", KafkaSettings.DEFAULT_PARTITIONS, 1, 100_000),
        k.integer("replicationFactor", 0, 0, Short.MAX_VALUE),
        k.stringMap("clientProperties"));
  }

  private static IngestSettings ingest(ConfigNode i, Topics topics) {
    Listener grpc = listener(i.section("grpc"), IngestSettings.DEFAULT_GRPC_PORT, true);
    Listener http = listener(i.section("http"), IngestSettings.DEFAULT_HTTP_PORT, false);
    ServerTls tls = serverTls(i.section("tls"));
    ConfigNode a = i.section("auth");
    Auth auth =
        a.build(
            () -> new Auth(a.stringMap("tokens"), a.nullableString("defaultTenant", "default")),
            Auth.DEFAULT);
    Limits limits = limits(i.section("limits"));
    return new IngestSettings(grpc, http, tls, auth, limits, topics);
  }

  /** An ingest listener; {@code maxConnectionAge} (0 for none) is a key of the gRPC one only. */
  private static Listener listener(ConfigNode n, int defaultPort, boolean grpc) {
    Listener d = new Listener("0.0.0.0", defaultPort);
    String host = n.string("host", d.host());
    int port = n.port("port", defaultPort);
    int maxConnections = n.integer("maxConnections", d.maxConnections(), 1, 1_000_000);
    var headerTimeout = n.duration("headerTimeout", d.headerTimeout());
    int maxHeaderBytes =
        (int) n.size("maxHeaderBytes", d.maxHeaderBytes(), 1024, 16L * 1024 * 1024);
    var idleTimeout = n.duration("idleTimeout", d.idleTimeout());
    var age = grpc ? n.duration("maxConnectionAge", d.maxConnectionAge()) : d.maxConnectionAge();
    var maxAge = age.isZero() ? null : age;
    return n.build(
        () ->
            new Listener(
                host, port, maxConnections, headerTimeout, maxHeaderBytes, idleTimeout, maxAge),
        d);
  }

  /**
   * A server TLS section ({@code ingest.tls}, {@code admin.tls}, {@code streams.query.tls}); null
   * when absent or invalid, with every problem reported at the section's path.
   */
  static ServerTls serverTls(ConfigNode t) {
    Path cert = t.file("certFile");
    Path key = t.file("keyFile");
    Path clientCa = t.file("clientCaFile");
    ClientAuth clientAuth = t.choice("clientAuth", ClientAuth.NONE, ClientAuth.class);
    if (!t.present()) {
      return null;
    }
    if (cert == null) {
      t.error("certFile", "missing (expected: the server certificate chain, PEM)");
    }
    if (key == null) {
      t.error("keyFile", "missing (expected: the server private key, PKCS#8 PEM)");
    }
    if (cert == null || key == null) {
      return null;
    }
    return t.build(() -> new ServerTls(cert, key, clientCa, clientAuth), null);
  }

  private static Limits limits(ConfigNode l) {
    Limits d = Limits.DEFAULT;
    long maxRequest = l.size("maxRequestBytes", d.maxRequestBytes(), Long.MAX_VALUE);
    long maxInFlight = l.size("maxInFlightBytes", d.maxInFlightBytes(), Long.MAX_VALUE);
    var kafkaTimeout = l.duration("kafkaTimeout", d.kafkaTimeout());
    var retryAfter = l.duration("retryAfter", d.retryAfter());
    int maxRecord = (int) l.size("maxRecordBytes", d.maxRecordBytes(), Integer.MAX_VALUE);
    long tenantRate = l.size("tenantBytesPerSecond", 0, 0, Long.MAX_VALUE);
    long tenantBurst = l.size("tenantBurstBytes", 0, 0, Long.MAX_VALUE);
    var bodyTimeout = l.duration("bodyTimeout", d.bodyTimeout());
    return l.build(
        () ->
            new Limits(
                maxRequest,
                maxInFlight,
                kafkaTimeout,
                retryAfter,
                maxRecord,
                tenantRate,
                tenantBurst,
                bodyTimeout),
        d);
  }
}
