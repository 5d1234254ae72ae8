/**
 * The one retry policy of every Vitals HTTP client: {@link dev.vitals.common.retry.Backoff},
 * exponential backoff with full jitter that honours {@code Retry-After}.
 */
package dev.vitals.common.retry;
