/**
 * The configuration grammar and binder shared by every file Vitals reads ({@code vitals.yaml}, the
 * SLO file, loadgen scenarios): {@link dev.vitals.streams.internal.config.Quantities} spells
 * durations and sizes, {@link dev.vitals.streams.internal.config.ConfigNode} walks a YAML tree and
 * collects every error with its path. Public only because {@code app} uses it; not an API.
 */
package dev.vitals.streams.internal.config;
