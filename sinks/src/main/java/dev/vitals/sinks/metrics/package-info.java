/**
 * The sinks stage's own metrics. Null-checked: NullAway treats every type here as non-null unless
 * {@code @Nullable}.
 */
@NullMarked
package dev.vitals.sinks.metrics;

import org.jspecify.annotations.NullMarked;
