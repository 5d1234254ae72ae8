/**
 * Network helpers of the ingest stage. Null-checked: NullAway treats every type here as non-null
 * unless {@code @Nullable}.
 */
@NullMarked
package dev.vitals.ingest.net;

import org.jspecify.annotations.NullMarked;
