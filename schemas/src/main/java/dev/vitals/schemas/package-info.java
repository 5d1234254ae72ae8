/**
 * The contracts the stages share: topics, record types and their codecs. Null-checked: NullAway
 * treats every type here as non-null unless {@code @Nullable}.
 */
@NullMarked
package dev.vitals.schemas;

import org.jspecify.annotations.NullMarked;
