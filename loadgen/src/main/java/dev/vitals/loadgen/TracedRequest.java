package dev.vitals.loadgen;

/** A request that left a span or a log record, with its trace and span ids. */
record TracedRequest(Request request, long traceHigh, long traceLow, long spanId) {}
