/**
 * Limits for the JDK HTTP servers of every stage. Null-checked: NullAway treats every type here as
 * non-null unless {@code @Nullable}.
 */
@NullMarked
package dev.vitals.schemas.http;

import org.jspecify.annotations.NullMarked;
