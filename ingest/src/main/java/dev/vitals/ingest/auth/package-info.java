/**
 * Tenant resolution and per-tenant rate limits of the ingest stage. Null-checked: NullAway treats
 * every type here as non-null unless {@code @Nullable}.
 */
@NullMarked
package dev.vitals.ingest.auth;

import org.jspecify.annotations.NullMarked;
