/**
 * The {@code vitals} command line: runs one stage or all of them. Null-checked: NullAway treats
 * every type here as non-null unless {@code @Nullable}.
 */
@NullMarked
package dev.vitals.app;

import org.jspecify.annotations.NullMarked;
