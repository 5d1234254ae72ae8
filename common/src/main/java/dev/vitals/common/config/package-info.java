/**
 * The configuration grammar and binder shared by every file Vitals reads ({@code vitals.yaml}, the
 * SLO file, loadgen scenarios): {@link dev.vitals.common.config.Quantities} spells durations and
 * sizes, {@link dev.vitals.common.config.ConfigNode} walks a YAML tree and collects every error
 * with its path. Public because {@code streams}, {@code app} and {@code loadgen} use it; not an
 * API.
 */
package dev.vitals.common.config;
