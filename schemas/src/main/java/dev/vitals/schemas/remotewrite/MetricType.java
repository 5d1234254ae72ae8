package dev.vitals.schemas.remotewrite;

/** {@code MetricMetadata.MetricType} of Prometheus's {@code prompb}, with its wire numbers. */
public enum MetricType {
  UNKNOWN(0),
  COUNTER(1),
  GAUGE(2),
  HISTOGRAM(3),
  GAUGEHISTOGRAM(4),
  SUMMARY(5),
  INFO(6),
  STATESET(7);

  private final int number;

  MetricType(int number) {
    this.number = number;
  }

  public int number() {
    return number;
  }

  /** The type with this wire number; numbers this version does not know read as UNKNOWN. */
  public static MetricType forNumber(int number) {
    for (MetricType type : values()) {
      if (type.number == number) {
        return type;
      }
    }
    return UNKNOWN;
  }
}
