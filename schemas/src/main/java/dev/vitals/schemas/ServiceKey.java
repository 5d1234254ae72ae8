package dev.vitals.schemas;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;

/**
 * The identity of a service across Vitals: the Kafka key of every raw and signal record, written
 * {@code tenant/namespace/name}. The namespace is empty when the resource has no {@code
 * service.namespace}.
 */
public record ServiceKey(String tenant, String namespace, String name) {

  public ServiceKey {
    requireNonNull(tenant, "tenant");
    requireNonNull(namespace, "namespace");
    requireNonNull(name, "name");
    if (tenant.isEmpty()) {
      throw new IllegalArgumentException("tenant: \"\" (expected: not empty)");
    }
    if (tenant.indexOf('/') >= 0) {
      throw new IllegalArgumentException("tenant: \"" + tenant + "\" (expected: no '/')");
    }
  }

  /** The key text {@code tenant/namespace/name}; the name may itself contain '/'. */
  @Override
  public String toString() {
    return tenant + '/' + namespace + '/' + name;
  }

  public byte[] toBytes() {
    return toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Parses a key written by {@link #toString()}.
   *
   * @throws IllegalArgumentException when the text has fewer than three parts
   */
  public static ServiceKey parse(String text) {
    int first = text.indexOf('/');
    int second = first < 0 ? -1 : text.indexOf('/', first + 1);
    if (second < 0) {
      throw new IllegalArgumentException(
          "service key: \"" + text + "\" (expected: tenant/namespace/name)");
    }
    return new ServiceKey(
        text.substring(0, first), text.substring(first + 1, second), text.substring(second + 1));
  }
}
