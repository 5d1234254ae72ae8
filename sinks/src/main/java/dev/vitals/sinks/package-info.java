/**
 * The sinks stage: consumers that deliver windows, evaluations and alerts to stores. Null-checked:
 * NullAway treats every type here as non-null unless {@code @Nullable}.
 */
@NullMarked
package dev.vitals.sinks;

import org.jspecify.annotations.NullMarked;
