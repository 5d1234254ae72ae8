/**
 * The OTLP metrics sink. Null-checked: NullAway treats every type here as non-null unless
 * {@code @Nullable}.
 */
@NullMarked
package dev.vitals.sinks.otlp;

import org.jspecify.annotations.NullMarked;
