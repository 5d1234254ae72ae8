/**
 * The load generator: a {@link dev.vitals.loadgen.Scenario} of services with scripted incidents,
 * turned step by step into OTLP metrics, spans and logs by {@link dev.vitals.loadgen.Loadgen}, sent
 * by an {@link dev.vitals.loadgen.OtlpHttpSender} and paced against the wall clock by a {@link
 * dev.vitals.loadgen.Runner}. {@link dev.vitals.loadgen.DemoTraffic} is the demo of {@code vitals
 * standalone}; the {@code vitals loadgen} command lives in {@code app}. See docs/loadgen.md.
 */
package dev.vitals.loadgen;
