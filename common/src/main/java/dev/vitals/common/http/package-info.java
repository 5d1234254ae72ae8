/**
 * The scaffold of the stages' JDK HTTP servers (the admin server and the query server): the
 * builder, TLS, bearer tokens, security headers and limits. Null-checked: NullAway treats every
 * type here as non-null unless {@code @Nullable}.
 */
@NullMarked
package dev.vitals.common.http;

import org.jspecify.annotations.NullMarked;
