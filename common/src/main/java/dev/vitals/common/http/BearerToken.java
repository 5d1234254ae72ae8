package dev.vitals.common.http;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.jspecify.annotations.Nullable;

/**
 * A bearer token a server accepts in {@code Authorization: Bearer <token>}. The compare takes the
 * same time for every presented value of a given length, so timing reveals nothing about the
 * token's content. A secret: {@link #toString} does not show it.
 */
public final class BearerToken {

  private static final String SCHEME = "Bearer ";

  private final byte[] token;

  public BearerToken(String token) {
    requireNonNull(token, "token");
    if (token.isEmpty()) {
      throw new IllegalArgumentException("token: empty (expected a token)");
    }
    this.token = bytes(token);
  }

  /**
   * The credentials of an {@code Authorization} header of the Bearer scheme (in any case), trimmed;
   * null when the header is absent or of another scheme.
   */
  public static byte @Nullable [] presented(@Nullable String authorization) {
    if (authorization == null
        || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return null;
    }
    return bytes(authorization.substring(SCHEME.length()).trim());
  }

  /** Whether {@code presented} (from {@link #presented}) is this token; in constant time. */
  public boolean matches(byte[] presented) {
    return presented != null && MessageDigest.isEqual(presented, token);
  }

  @Override
  public String toString() {
    return "BearerToken[redacted]";
  }

  private static byte[] bytes(String token) {
    return token.getBytes(StandardCharsets.UTF_8);
  }
}
