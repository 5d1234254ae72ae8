package dev.vitals.ingest.auth;

import dev.vitals.ingest.IngestSettings.Auth;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Finds the tenant of a request. With bearer tokens configured, only a known token gets in and its
 * tenant is the one configured for it ({@code X-Scope-OrgID} is then ignored, so a client cannot
 * write into another tenant). Without tokens, {@code X-Scope-OrgID} names the tenant (the Mimir and
 * Loki convention), falling back to the default tenant when one is configured.
 */
public final class TenantResolver {

  /** Tenant ids: what is safe in a Kafka key, a header and a metric label. */
  private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9_.\\-]{1,128}");

  private final Map<String, String> tokens;
  private final String defaultTenant;

  public TenantResolver(Auth auth) {
    this.tokens = auth.tokens();
    this.defaultTenant = auth.defaultTenant();
  }

  /** The outcome: a tenant, or why there is none. */
  public sealed interface Result {}

  public record Tenant(String id) implements Result {}

  public record Denied(String message) implements Result {}

  /**
   * The tenant a request belongs to, or why it is denied.
   *
   * @param authorization the Authorization header, or null
   * @param scopeOrgId the X-Scope-OrgID header, or null
   */
  public Result resolve(String authorization, String scopeOrgId) {
    if (!tokens.isEmpty()) {
      return byToken(authorization);
    }
    if (scopeOrgId != null && !scopeOrgId.isEmpty()) {
      return TENANT.matcher(scopeOrgId).matches()
          ? new Tenant(scopeOrgId)
          : new Denied(
              "X-Scope-OrgID is not a valid tenant id (expected: 1 to 128 of A-Z a-z 0-9 _ . -)");
    }
    if (defaultTenant != null) {
      return new Tenant(defaultTenant);
    }
    return new Denied("no tenant: send the X-Scope-OrgID header");
  }

  private Result byToken(String authorization) {
    if (authorization == null || authorization.isEmpty()) {
      return new Denied("missing bearer token: send Authorization: Bearer <token>");
    }
    if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return new Denied("unsupported authorization scheme (expected: Bearer)");
    }
    byte[] presented = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    // Compare every token in constant time, so timing does not tell how much of one matched.
    String tenant = null;
    for (Map.Entry<String, String> entry : tokens.entrySet()) {
      if (MessageDigest.isEqual(entry.getKey().getBytes(StandardCharsets.UTF_8), presented)) {
        tenant = entry.getValue();
      }
    }
    return tenant == null ? new Denied("unknown bearer token") : new Tenant(tenant);
  }
}
