package dev.vitals.streams.query;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bearer-token authentication. Without tokens everyone sees everything. With an admin token or
 * tenant tokens, a request needs {@code Authorization: Bearer <token>}: the admin token sees every
 * tenant, a tenant token only its tenant. Tokens are compared in constant time and never logged.
 */
final class Access {

  private static final String SCHEME = "Bearer ";

  private final byte[] adminToken;

  // Never looked up: authenticate() compares each token in constant time (MessageDigest.isEqual).
  @SuppressWarnings("ArrayAsKeyOfSetOrMap")
  private final Map<byte[], String> tenantTokens = new LinkedHashMap<>();

  Access(String adminToken, Map<String, String> tenantTokens) {
    this.adminToken = adminToken == null ? null : bytes(adminToken);
    tenantTokens.forEach((token, tenant) -> this.tenantTokens.put(bytes(token), tenant));
  }

  boolean required() {
    return adminToken != null || !tenantTokens.isEmpty();
  }

  /** The caller of a request with this Authorization header; 401 when it is not accepted. */
  Caller authenticate(String authorization) {
    if (!required()) {
      return Caller.EVERYONE;
    }
    if (authorization == null
        || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      throw unauthorized("a bearer token is required");
    }
    byte[] presented = bytes(authorization.substring(SCHEME.length()).trim());
    Caller match = null;
    if (adminToken != null && MessageDigest.isEqual(presented, adminToken)) {
      match = Caller.EVERYONE;
    }
    for (Map.Entry<byte[], String> e : tenantTokens.entrySet()) {
      if (MessageDigest.isEqual(presented, e.getKey()) && match == null) {
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

  private static byte[] bytes(String token) {
    return token.getBytes(StandardCharsets.UTF_8);
  }
}
