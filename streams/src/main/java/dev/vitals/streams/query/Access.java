package dev.vitals.streams.query;

import dev.vitals.common.http.BearerToken;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bearer-token authentication. Without tokens everyone sees everything. With an admin token or
 * tenant tokens, a request needs {@code Authorization: Bearer <token>}: the admin token sees every
 * tenant, a tenant token only its tenant. Tokens are compared in constant time and never logged.
 */
final class Access {

  private final BearerToken adminToken;
  private final Map<BearerToken, String> tenantTokens = new LinkedHashMap<>();

  Access(String adminToken, Map<String, String> tenantTokens) {
    this.adminToken = adminToken == null ? null : new BearerToken(adminToken);
    tenantTokens.forEach((token, tenant) -> this.tenantTokens.put(new BearerToken(token), tenant));
  }

  boolean required() {
    return adminToken != null || !tenantTokens.isEmpty();
  }

  /** The caller of a request with this Authorization header; 401 when it is not accepted. */
  Caller authenticate(String authorization) {
    if (!required()) {
      return Caller.EVERYONE;
    }
    byte[] presented = BearerToken.presented(authorization);
    if (presented == null) {
      throw unauthorized("a bearer token is required");
    }
    Caller match = null;
    if (adminToken != null && adminToken.matches(presented)) {
      match = Caller.EVERYONE;
    }
    // Every token is compared, also after a match: the time taken tells nothing about which.
    for (Map.Entry<BearerToken, String> e : tenantTokens.entrySet()) {
      if (e.getKey().matches(presented) && match == null) {
        match = new Caller(e.getValue());
      }
    }
    if (match == null) {
      throw unauthorized("the bearer token is not accepted");
    }
    return match;
  }

  private static ApiException unauthorized(String message) {
    return new ApiException(401, message, Map.of("WWW-Authenticate", "Bearer"), null);
  }
}
