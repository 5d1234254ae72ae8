package dev.vitals.bench.faults;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * The exactness checks run after every fault, each against the client's ledger. A check waits for
 * the cluster to catch up (at most {@link Settings#checkDeadline}) and says how long that took: the
 * backlog drain time. Checks that fail spend a budget of waiting shared by the whole campaign (two
 * deadlines), so a broken cluster ends the campaign in bounded time with every check recorded
 * instead of waiting out each one.
 */
final class Checks {

  private static final long CLOSE_MARGIN_MS = 3000;

  private final Settings settings;
  private final LedgerChecks ledger;
  private final QueryCheck query;
  private final StoreChecks stores;
  private final VitalsStages stages;
  private long budgetNanos;

  Checks(
      Settings settings,
      LedgerChecks ledger,
      QueryCheck query,
      StoreChecks stores,
      VitalsStages stages) {
    this.settings = settings;
    this.ledger = ledger;
    this.query = query;
    this.stores = stores;
    this.stages = stages;
    this.budgetNanos = settings.checkDeadline().multipliedBy(2).toNanos();
  }

  /** Every process the campaign did not stop on purpose is running. */
  Check processes(String fault) {
    List<String> dead =
        stages.all().stream().filter(p -> !p.alive()).map(ManagedProcess::name).toList();
    return new Check(
        fault,
        "processes alive",
        dead.isEmpty(),
        0,
        dead.isEmpty()
            ? "all " + stages.all().size() + " Vitals processes run"
            : "exited: " + dead);
  }

  Check rawTopic(String fault) {
    return await(fault, "raw topic exact", ledger::rawProblem, ledger::rawSummary);
  }

  Check windows(String fault) {
    long closedBefore = closedBefore();
    return await(
        fault,
        "closed windows exact",
        () -> ledger.windowProblem(closedBefore),
        () -> ledger.windowSummary(closedBefore));
  }

  /** No window ever ended more than one window after the wall clock when it was read. */
  Check noFutureWindows(String fault) {
    List<String> future = ledger.futureWindows();
    return new Check(
        fault,
        "no future windows",
        future.isEmpty(),
        0,
        future.isEmpty()
            ? "no window read ended more than one window after the wall clock"
            : "future windows " + Fetch.first(future));
  }

  /** No window was emitted twice with one revision and different counts. */
  Check oneCountPerRevision(String fault) {
    List<String> conflicts = ledger.revisionConflicts();
    return new Check(
        fault,
        "one count per window revision",
        conflicts.isEmpty(),
        0,
        conflicts.isEmpty()
            ? "no window was emitted twice with the same revision and other counts"
            : "windows re-emitted with the same revision " + Fetch.first(conflicts));
  }

  Check query(String fault, List<Integer> instances) {
    return await(
        fault,
        "query API on every instance",
        () -> query.problem(instances),
        () -> "every service answered 200 by streams " + instances + ", lists complete");
  }

  Check victoriaMetrics(String fault) {
    long closedBefore = closedBefore();
    return await(
        fault,
        "VictoriaMetrics has no gap",
        () -> stores.storeProblem(ledger.closedWindows(closedBefore)),
        () -> "every closed window with requests is a vitals_window_requests sample, latest count");
  }

  Check alerts(String fault) {
    return await(fault, "one alert per incident", stores::alertProblem, stores::alertSummary);
  }

  String queryProblem(List<Integer> instances) {
    return query.problem(instances);
  }

  /**
   * Seconds until every window closed by now holds exactly what the ledger says (the backlog is
   * drained), or -1 after the deadline.
   */
  double windowsDrained() {
    long closedBefore = closedBefore();
    return Awaiting.seconds(settings.checkDeadline(), () -> ledger.windowProblem(closedBefore));
  }

  /** Seconds until the store has every window closed by now, or -1 after the deadline. */
  double storeDrained() {
    long closedBefore = closedBefore();
    return Awaiting.seconds(
        settings.checkDeadline(), () -> stores.storeProblem(ledger.closedWindows(closedBefore)));
  }

  String alertProblem() {
    return stores.alertProblem();
  }

  long latestWindowStart(String service) {
    return ledger.latestWindowStart(service);
  }

  private long closedBefore() {
    return System.currentTimeMillis() - settings.grace().toMillis() - CLOSE_MARGIN_MS;
  }

  private Check await(String fault, String name, Supplier<String> problem, Supplier<String> ok) {
    Duration deadline = Duration.ofNanos(Math.min(settings.checkDeadline().toNanos(), budgetNanos));
    Check c = Awaiting.check(fault, name, deadline, problem, ok);
    if (!c.passed()) {
      budgetNanos = Math.max(0, budgetNanos - (long) (c.seconds() * 1e9));
    }
    return c;
  }
}
