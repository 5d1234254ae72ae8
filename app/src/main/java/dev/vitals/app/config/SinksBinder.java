package dev.vitals.app.config;

import dev.vitals.common.config.ConfigNode;
import dev.vitals.schemas.Topics;
import dev.vitals.sinks.SinkSettings;
import dev.vitals.sinks.SinkSettings.Auth;
import dev.vitals.sinks.SinkSettings.Delivery;
import dev.vitals.sinks.SinkSettings.Destination;
import dev.vitals.sinks.SinkSettings.Kind;
import dev.vitals.sinks.SinkSettings.Tls;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Binds the {@code sinks:} section: a list of destinations per kind, and the delivery rules. */
final class SinksBinder {

  /** The list key of each kind in {@code vitals.yaml}; also the name of a flag-made destination. */
  static final Map<Kind, String> KEYS = keys();

  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  static final int DEFAULT_SHARDS = 4;
  static final int DEFAULT_MAX_BATCH_SAMPLES = 2000;

  private SinksBinder() {}

  static SinkSettings bind(ConfigNode s, Topics topics) {
    List<Destination> destinations = new ArrayList<>();
    Set<String> names = new HashSet<>();
    KEYS.forEach(
        (kind, key) -> {
          List<ConfigNode> entries = s.sections(key);
          for (int i = 0; i < entries.size(); i++) {
            Destination d = destination(entries.get(i), kind, key + (i == 0 ? "" : "-" + i));
            if (d != null && !names.add(d.name())) {
              entries
                  .get(i)
                  .error("name", "\"" + d.name() + "\" is used twice (expected: unique names)");
            } else if (d != null) {
              destinations.add(d);
            }
          }
        });
    ConfigNode d = s.section("delivery");
    Duration min = d.duration("minBackoff", Delivery.DEFAULT.minBackoff());
    Duration max = d.duration("maxBackoff", Delivery.DEFAULT.maxBackoff());
    Delivery delivery = d.build(() -> new Delivery(min, max), Delivery.DEFAULT);
    return new SinkSettings(destinations, delivery, topics);
  }

  private static Destination destination(ConfigNode n, Kind kind, String defaultName) {
    String name = n.string("name", defaultName);
    String url = n.string("url", null);
    Map<String, String> headers = n.stringMap("headers");
    String tenantHeader = n.nullableString("tenantHeader", null);
    Auth auth = auth(n.section("auth"));
    Tls tls = tls(n.section("tls"));
    Duration timeout = n.duration("timeout", DEFAULT_TIMEOUT);
    int shards = n.integer("shards", DEFAULT_SHARDS, 1, 64);
    int maxBatch = n.integer("maxBatchSamples", DEFAULT_MAX_BATCH_SAMPLES, 1, 1_000_000);
    SinkSettings.Corrections corrections =
        kind == Kind.ALERTMANAGER
            ? null
            : n.choice(
                "corrections",
                SinkSettings.Corrections.defaultFor(kind),
                SinkSettings.Corrections.class);
    SinkSettings.Histograms histograms =
        kind == Kind.REMOTE_WRITE
            ? n.choice("histograms", SinkSettings.Histograms.CLASSIC, SinkSettings.Histograms.class)
            : null;
    if (url == null || url.isBlank()) {
      n.error("url", "missing (expected: the destination's http or https URL)");
      return null;
    }
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (URISyntaxException e) {
      // Not echoed: a URL may hold a password or token.
      n.error("url", "not a URL (" + e.getReason() + " at index " + e.getIndex() + ")");
      return null;
    }
    return n.build(
        () ->
            new Destination(
                name,
                kind,
                uri,
                headers,
                tenantHeader,
                auth,
                tls,
                timeout,
                shards,
                maxBatch,
                corrections,
                histograms),
        null);
  }

  private static Auth auth(ConfigNode a) {
    String user = a.nullableString("username", null);
    String password = a.nullableString("password", null);
    String bearer = a.nullableString("bearerToken", null);
    if (!a.present() || (user == null && password == null && bearer == null)) {
      return null;
    }
    return a.build(() -> new Auth(user, password, bearer), null);
  }

  private static Tls tls(ConfigNode t) {
    var ca = t.file("caFile");
    var cert = t.file("certFile");
    var key = t.file("keyFile");
    boolean insecure = t.bool("insecureSkipVerify", false);
    if (!t.present()) {
      return null;
    }
    return t.build(() -> new Tls(ca, cert, key, insecure), null);
  }

  private static Map<Kind, String> keys() {
    Map<Kind, String> keys = new LinkedHashMap<>();
    keys.put(Kind.REMOTE_WRITE, "remoteWrite");
    keys.put(Kind.INFLUX, "influx");
    keys.put(Kind.OTLP, "otlp");
    keys.put(Kind.ALERTMANAGER, "alertmanager");
    return java.util.Collections.unmodifiableMap(keys);
  }
}
