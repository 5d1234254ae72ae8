package dev.vitals.streams.query;

/**
 * Who is asking: the tenant a token maps to, or every tenant ({@code tenant} null) without tenant
 * tokens or with the admin token.
 */
record Caller(String tenant) {

  static final String DEFAULT_TENANT = "default";
  static final Caller EVERYONE = new Caller(null);

  boolean sees(String itemTenant) {
    return tenant == null || tenant.equals(itemTenant);
  }

  /** The tenant of a request that names none. */
  String defaultTenant() {
    return tenant == null ? DEFAULT_TENANT : tenant;
  }
}
