/**
 * The HTTP client every store sink writes through. Null-checked: NullAway treats every type here as
 * non-null unless {@code @Nullable}.
 */
@NullMarked
package dev.vitals.sinks.http;

import org.jspecify.annotations.NullMarked;
