/**
 * The records the streams stage publishes: service and edge windows, SLO evaluations. Null-checked:
 * NullAway treats every type here as non-null unless {@code @Nullable}.
 */
@NullMarked
package dev.vitals.schemas.signals;

import org.jspecify.annotations.NullMarked;
