package dev.vitals.streams.slo;

import dev.vitals.common.config.Quantities;
import dev.vitals.schemas.ServiceKey;
import dev.vitals.schemas.signals.AlertEvent;
import dev.vitals.schemas.signals.Health;
import dev.vitals.schemas.signals.ServiceWindow;
import dev.vitals.schemas.signals.SignalJson;
import dev.vitals.schemas.signals.SloEvaluation;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates the SLOs of a service at the end of each of its service-level windows: folds the window
 * into the running sums, emits one {@link SloEvaluation} per SLO, steps the lifecycle of its burn
 * and silence alerts, and emits its {@link Health} when it changes. Operation windows only feed the
 * alert evidence. Time is the windows' event time, so replays are deterministic.
 */
final class SloProcessor implements Processor<String, byte[], String, Emitted> {

  private static final Logger log = LoggerFactory.getLogger(SloProcessor.class);

  private final SloSettings settings;
  private final SloCatalog catalog;
  private final SloMetrics metrics;
  private final AlertEvents alertEvents;
  private ProcessorContext<String, Emitted> context;
  private KeyValueStore<String, byte[]> stateStore;
  private KeyValueStore<String, byte[]> buckets;
  private KeyValueStore<String, byte[]> serviceStore;
  private Contributions contributions;
  private Evidence evidence;
  private RecentWindows recent;
  private KeyValueStore<String, String> health;
  private KeyValueStore<String, String> alertsActive;
  private KeyValueStore<String, String> sloLatest;
  private KeyValueStore<String, byte[]> deferred;
  private GraphView graph;
  private boolean windowHasSpans;

  SloProcessor(SloSettings settings, SloCatalog catalog, SloMetrics metrics) {
    this.settings = settings;
    this.catalog = catalog;
    this.metrics = metrics;
    this.alertEvents = new AlertEvents(settings);
  }

  @Override
  public void init(ProcessorContext<String, Emitted> context) {
    this.context = context;
    stateStore = context.getStateStore(SloTopology.STATE_STORE);
    buckets = context.getStateStore(SloTopology.BUCKETS_STORE);
    serviceStore = context.getStateStore(SloTopology.SERVICE_STORE);
    contributions = new Contributions(context.getStateStore(SloTopology.CONTRIBUTIONS_STORE));
    evidence = new Evidence(context.getStateStore(SloTopology.EVIDENCE_STORE));
    recent =
        new RecentWindows(
            context.getStateStore(SloTopology.WINDOWS_RECENT_STORE), settings.recentWindows());
    health = context.getStateStore(SloTopology.HEALTH_STORE);
    alertsActive = context.getStateStore(SloTopology.ALERTS_ACTIVE_STORE);
    sloLatest = context.getStateStore(SloTopology.SLO_LATEST_STORE);
    deferred = context.getStateStore(SloTopology.DEFERRED_STORE);
    graph = GraphView.of(context);
    context.schedule(
        settings.reloadInterval(), PunctuationType.WALL_CLOCK_TIME, t -> catalog.poll());
  }

  @Override
  public void process(Record<String, byte[]> record) {
    byte[] json = record.value();
    if (json == null) {
      return;
    }
    ServiceWindow w;
    try {
      w = WindowJson.read(json);
    } catch (SerializationException e) {
      metrics.unreadableWindow();
      log.warn("Skipping an unreadable service window (key {}): {}", record.key(), e.getMessage());
      return;
    }
    ServiceKey key = new ServiceKey(w.tenant(), w.namespace(), w.service());
    String service = key.toString();
    evidence.recordSamples(service, w);
    if (w.operation() != null) {
      evidence.recordOperation(service, w);
      return;
    }
    List<SloSpec> specs = catalog.slosFor(key);
    Map<String, long[]> counts = new HashMap<>();
    for (SloSpec spec : specs) {
      counts.put(spec.name(), GoodEvents.of(w, spec));
    }
    long start = w.windowStart().toEpochMilli();
    Map<String, long[]> delta = contributions.replace(service, start, w.revision(), counts);
    if (delta == null) {
      return;
    }
    if (w.revision() > 0) {
      metrics.corrected();
    }
    contributions.forgetBefore(service, start - settings.correctionHorizon().toMillis());
    recent.add(service, w, json);
    windowHasSpans = w.spans() > 0;
    evaluate(key, w, specs, delta);
  }

  private void evaluate(
      ServiceKey key, ServiceWindow w, List<SloSpec> specs, Map<String, long[]> delta) {
    String service = key.toString();
    SloConfig.AlertPolicy policy = catalog.alerting();
    SloServiceState ss = SloServiceState.fromBytes(serviceStore.get(service));
    HealthRules rules = new HealthRules();
    long end = w.windowEnd().toEpochMilli();
    long now = end;
    for (SloSpec spec : specs) {
      now = Math.max(now, evaluateSlo(key, spec, w, delta.get(spec.name()), policy, rules));
    }
    dropRemovedSlos(key, ss, specs, Instant.ofEpochMilli(now));
    silence(key, w, ss, policy, rules);
    emitHealth(key, ss, rules, Instant.ofEpochMilli(now));
    serviceStore.put(service, ss.toBytes());
  }

  /**
   * Returns the evaluation time: the latest window end seen for the SLO, or, for a late correction,
   * a millisecond after the previous evaluation (see {@link SloState#lastEvaluated}).
   */
  private long evaluateSlo(
      ServiceKey key,
      SloSpec spec,
      ServiceWindow w,
      long[] delta,
      SloConfig.AlertPolicy policy,
      HealthRules healthRules) {
    String stateKey = key + "|" + spec.name();
    byte[] bytes = stateStore.get(stateKey);
    long end = w.windowEnd().toEpochMilli();
    SloState state =
        bytes == null ? RollingCounts.fresh(end, spec.period()) : SloState.fromBytes(bytes);
    RollingCounts counts = new RollingCounts(buckets, key.toString(), spec.name(), state);
    counts.usePeriod(spec.period());
    counts.advanceTo(end);
    if (delta != null) {
      counts.add(w.windowStart().toEpochMilli(), delta[0], delta[1]);
    }
    state.lastEvaluated = Math.max(state.lastEnd, state.lastEvaluated + 1);
    Instant now = Instant.ofEpochMilli(state.lastEvaluated);
    BurnRates rates = new BurnRates(state, spec);
    emitEvaluation(key, spec, state, rates, now);
    stepBurnAlerts(key, spec, state, rates, policy, now, healthRules);
    stateStore.put(stateKey, state.toBytes());
    return state.lastEvaluated;
  }

  private void emitEvaluation(
      ServiceKey key, SloSpec spec, SloState state, BurnRates rates, Instant now) {
    SloEvaluation e =
        new SloEvaluation(
            key.tenant(),
            key.namespace(),
            key.name(),
            spec.name(),
            spec.objective(),
            now,
            rates.all(),
            rates.budgetRemaining(),
            Quantities.formatDuration(spec.period()),
            Math.max(0, state.periodGood),
            Math.max(0, state.periodTotal),
            spec.threshold() == null ? null : spec.threshold().toNanos() / 1e9);
    Emitted out = Emitted.of(Emitted.Kind.SLO, e);
    sloLatest.put(key + "|" + spec.name(), out.json());
    forward(key, out, now);
    metrics.evaluated();
  }

  private void stepBurnAlerts(
      ServiceKey key,
      SloSpec spec,
      SloState state,
      BurnRates rates,
      SloConfig.AlertPolicy policy,
      Instant now,
      HealthRules healthRules) {
    List<BurnRates.Match> matches = rates.matches(policy.rules(), policy.minEvents());
    TreeSet<String> severities = new TreeSet<>(state.alerts.keySet());
    policy.rules().forEach(r -> severities.add(r.severity()));
    for (String severity : severities) {
      List<BurnRates.Match> fired = new ArrayList<>();
      matches.stream().filter(m -> m.rule().severity().equals(severity)).forEach(fired::add);
      SloState.Track track = state.alerts.get(severity);
      String marker = key + "|" + spec.name() + "|" + severity;
      if (fired.isEmpty() && deferred.get(marker) != null) {
        deferred.delete(marker);
      }
      if (!fired.isEmpty()) {
        if (track == null && !deferForCause(key, spec, severity, now)) {
          fire(key, spec, severity, state, rates, fired, now);
        } else if (track != null) {
          track.falseSince = null;
        }
        healthRules.firing(spec.name(), severity, fired.get(0).describe(spec.name()));
      } else if (track != null) {
        if (track.falseSince == null) {
          track.falseSince = now.toEpochMilli();
        }
        if (now.toEpochMilli() - track.falseSince >= policy.resolveAfter().toMillis()) {
          resolve(track.fingerprint, severity, now);
          state.alerts.remove(severity);
        } else {
          healthRules.firing(
              spec.name(),
              severity,
              spec.name() + " " + severity + " alert resolving: " + rates.text());
        }
      }
    }
  }

  private void fire(
      ServiceKey key,
      SloSpec spec,
      String severity,
      SloState state,
      BurnRates rates,
      List<BurnRates.Match> fired,
      Instant now) {
    AlertEvents.BurnEvidence e =
        new AlertEvents.BurnEvidence(
            fired,
            rates,
            evidence.worst(key.toString(), state.clockMinute, spec.kind() == SloSpec.Kind.LATENCY),
            evidence.samples(key.toString()));
    AlertEvent event =
        alertEvents.burnFiring(key, spec, severity, now, e, likelyCause(key, spec, now));
    state.alerts.put(severity, new SloState.Track(now.toEpochMilli(), event.fingerprint()));
    emitAlert(event, now);
    metrics.fired(severity);
  }

  /**
   * Holds a new alert back for one evaluation when its service's calls' edge windows do not reach
   * the alert's window yet (edge windows close a pairing wait after service windows; a service that
   * sends spans but is not on the graph yet may be waiting for its first ones): its likely cause is
   * then judged on the same windows as its own errors. Never longer: the next evaluation fires
   * whatever the edges say. Known leaves and services without spans are not held.
   */
  private boolean deferForCause(ServiceKey key, SloSpec spec, String severity, Instant now) {
    if (!graph.present()) {
      return false;
    }
    Instant upTo = graph.downstreamUpTo(key);
    if (upTo != null && !upTo.isBefore(now)) {
      return false;
    }
    if (upTo == null && (graph.contains(key) || !windowHasSpans)) {
      // A known leaf of the graph, or a service without spans: no edge will tell more.
      return false;
    }
    String marker = key + "|" + spec.name() + "|" + severity;
    if (deferred.get(marker) != null) {
      deferred.delete(marker);
      return false;
    }
    deferred.put(marker, java.nio.ByteBuffer.allocate(8).putLong(now.toEpochMilli()).array());
    return true;
  }

  /** The verdict on the alert's likely cause, or null for a service not on the graph. */
  private LikelyCause.Verdict likelyCause(ServiceKey key, SloSpec spec, Instant now) {
    if (!graph.contains(key)) {
      return null;
    }
    return LikelyCause.of(
        key,
        recent.since(key.toString(), now.minus(LikelyCause.LOOKBACK).toEpochMilli() - 1),
        graph.upstream(key),
        graph.downstream(key),
        graph::health,
        spec.kind() == SloSpec.Kind.LATENCY,
        now);
  }

  private void resolve(String fingerprint, String severity, Instant now) {
    String firing = alertsActive.get(fingerprint);
    if (firing != null) {
      AlertEvent event =
          AlertEvents.resolved(
              SignalJson.read(firing.getBytes(StandardCharsets.UTF_8), AlertEvent.class), now);
      alertsActive.delete(fingerprint);
      forward(fingerprint, Emitted.of(Emitted.Kind.ALERT, event), now);
    }
    metrics.resolved(severity);
  }

  private void emitAlert(AlertEvent event, Instant now) {
    Emitted out = Emitted.of(Emitted.Kind.ALERT, event);
    alertsActive.put(event.fingerprint(), out.json());
    context.forward(new Record<>(event.fingerprint(), out, now.toEpochMilli()));
  }

  /** Resolves the alerts of SLOs no longer in the file and forgets their state. */
  private void dropRemovedSlos(
      ServiceKey key, SloServiceState ss, List<SloSpec> specs, Instant now) {
    List<String> names = specs.stream().map(SloSpec::name).toList();
    for (String old : ss.slos) {
      if (!names.contains(old)) {
        byte[] bytes = stateStore.delete(key + "|" + old);
        if (bytes != null) {
          SloState.fromBytes(bytes).alerts.forEach((sev, t) -> resolve(t.fingerprint, sev, now));
        }
        sloLatest.delete(key + "|" + old);
      }
    }
    ss.slos = new ArrayList<>(names);
  }

  private void silence(
      ServiceKey key,
      ServiceWindow w,
      SloServiceState ss,
      SloConfig.AlertPolicy policy,
      HealthRules rules) {
    Instant end = w.windowEnd();
    if (!w.silent()) {
      ss.silentWindows = 0;
      ss.silentSince = null;
      if (ss.silentAlert != null) {
        resolve(ss.silentAlert, AlertEvents.SILENT_SEVERITY, end);
        ss.silentAlert = null;
      }
      return;
    }
    if (ss.silentWindows++ == 0) {
      ss.silentSince = w.windowStart().toEpochMilli();
    }
    if (ss.silentWindows >= policy.silentWindows()) {
      Instant since = Instant.ofEpochMilli(ss.silentSince);
      if (ss.silentAlert == null) {
        AlertEvent event = alertEvents.silentFiring(key, ss.silentWindows, since, end);
        ss.silentAlert = event.fingerprint();
        emitAlert(event, end);
        metrics.fired(AlertEvents.SILENT_SEVERITY);
      }
      rules.silent("no data for " + ss.silentWindows + " windows, since " + since);
    }
  }

  private void emitHealth(ServiceKey key, SloServiceState ss, HealthRules rules, Instant now) {
    String service = key.toString();
    String stored = health.get(service);
    Health previous =
        stored == null
            ? null
            : SignalJson.read(stored.getBytes(StandardCharsets.UTF_8), Health.class);
    Health h = rules.health(key, previous, now);
    Emitted out = Emitted.of(Emitted.Kind.HEALTH, h);
    health.put(service, out.json());
    if (!rules.keys().equals(ss.healthKeys)) {
      ss.healthKeys = rules.keys();
      forward(key, out, now);
    }
  }

  private void forward(ServiceKey key, Emitted out, Instant now) {
    forward(key.toString(), out, now);
  }

  private void forward(String recordKey, Emitted out, Instant now) {
    context.forward(new Record<>(recordKey, out, now.toEpochMilli()));
  }
}
