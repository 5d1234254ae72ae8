package dev.vitals.bench.faults;

import java.time.Duration;

/**
 * How long and how hard the campaign runs. {@link #BOUNDED} fits CI (a few minutes on two cores):
 * 10 s windows, short faults, consumer sessions of 6 s so a killed streams instance is noticed
 * quickly. {@link #FULL} is the campaign: one-minute windows, a two-minute store outage, a
 * 60 s Kafka outage, and Kafka's default session timeout (45 s), as an operator who tuned nothing
 * would see it.
 *
 * @param streamsClientProperties lines of {@code kafka.clientProperties} for the streams processes
 * @param checkDeadline how long a check may wait for the cluster to catch up before it fails
 */
record Settings(
    String name,
    Duration window,
    Duration grace,
    Duration kafkaTimeout,
    String streamsClientProperties,
    int senders,
    int requestsPerSecondPerSender,
    int spansPerRequest,
    int services,
    Duration warmup,
    Duration brokerDown,
    Duration ingestDown,
    Duration storeOutage,
    Duration kafkaOutage,
    Duration checkDeadline) {

  static final Settings BOUNDED =
      new Settings(
          "bounded",
          Duration.ofSeconds(10),
          Duration.ofSeconds(2),
          Duration.ofSeconds(5),
          "    session.timeout.ms: 6000\n    heartbeat.interval.ms: 1500\n",
          2,
          5,
          10,
          6,
          Duration.ofSeconds(5),
          Duration.ofSeconds(10),
          Duration.ofSeconds(5),
          Duration.ofSeconds(20),
          Duration.ofSeconds(15),
          Duration.ofSeconds(45));

  static final Settings FULL =
      new Settings(
          "full",
          Duration.ofMinutes(1),
          Duration.ofSeconds(10),
          Duration.ofSeconds(5),
          "",
          2,
          10,
          10,
          12,
          Duration.ofMinutes(2),
          Duration.ofSeconds(60),
          Duration.ofSeconds(30),
          Duration.ofMinutes(2),
          Duration.ofSeconds(60),
          Duration.ofMinutes(4));

  Settings {
    if (requestsPerSecondPerSender < 1 || requestsPerSecondPerSender > 100) {
      throw new IllegalArgumentException(
          "requestsPerSecondPerSender: " + requestsPerSecondPerSender + " (expected: 1..100)");
    }
  }

  long windowMs() {
    return window.toMillis();
  }
}
