package dev.vitals.streams.query;

/**
 * The queryable stores the query API reads: String keys, String JSON values, each partitioned by
 * the service key {@code tenant/namespace/name} with the default partitioner.
 */
public final class StoreNames {

  /** Service key to the service's current Health JSON. */
  public static final String HEALTH = "health";

  /**
   * Alert fingerprint to the AlertEvent JSON of a firing alert; kept in the same task as the
   * alert's service.
   */
  public static final String ALERTS_ACTIVE = "alerts-active";

  /** {@code serviceKey|sloName} to the latest SloEvaluation JSON. */
  public static final String SLO_LATEST = "slo-latest";

  /** Service key to a JSON array of the service's most recent service-level windows. */
  public static final String WINDOWS_RECENT = "windows-recent";

  /**
   * Global: edge key {@code clientKey|serverKey} to a JSON array of the edge's recent windows
   * (vitals.edges.v1 records, oldest first); the same on every instance.
   */
  public static final String EDGES_RECENT = dev.vitals.streams.graph.GraphTopology.EDGES_RECENT;

  /** Separates the service key from the SLO name in {@link #SLO_LATEST} keys. */
  public static final char SLO_KEY_SEPARATOR = '|';

  private StoreNames() {}
}
