/**
 * The ingest stage's own metrics. Null-checked: NullAway treats every type here as non-null unless
 * {@code @Nullable}.
 */
@NullMarked
package dev.vitals.ingest.metrics;

import org.jspecify.annotations.NullMarked;
