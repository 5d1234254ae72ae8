/**
 * Helpers over the OTLP protobuf types. Null-checked: NullAway treats every type here as non-null
 * unless {@code @Nullable}.
 */
@NullMarked
package dev.vitals.schemas.otlp;

import org.jspecify.annotations.NullMarked;
