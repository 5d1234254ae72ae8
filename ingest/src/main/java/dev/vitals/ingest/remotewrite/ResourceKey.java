package dev.vitals.ingest.remotewrite;

import static dev.vitals.schemas.otlp.OtlpResources.SERVICE_INSTANCE_ID;
import static dev.vitals.schemas.otlp.OtlpResources.SERVICE_NAME;
import static dev.vitals.schemas.otlp.OtlpResources.SERVICE_NAMESPACE;
import static dev.vitals.schemas.otlp.OtlpResources.UNKNOWN_SERVICE;
import static dev.vitals.schemas.otlp.OtlpResources.stringKeyValue;

import dev.vitals.schemas.remotewrite.TimeSeries;
import io.opentelemetry.proto.resource.v1.Resource;

/**
 * The {@code job} and {@code instance} labels of a series, either null when absent: the inverse of
 * the OTel-to-Prometheus mapping ({@code job} = namespace/name, {@code instance} =
 * service.instance.id).
 */
record ResourceKey(String job, String instance) {

  static final String JOB = "job";
  static final String INSTANCE = "instance";

  static ResourceKey of(TimeSeries series) {
    return new ResourceKey(emptyToNull(series.label(JOB)), emptyToNull(series.label(INSTANCE)));
  }

  Resource toResource() {
    Resource.Builder resource = Resource.newBuilder();
    int slash = job == null ? -1 : job.indexOf('/');
    if (slash > 0) {
      resource.addAttributes(stringKeyValue(SERVICE_NAMESPACE, job.substring(0, slash)));
    }
    String name = job == null ? "" : job.substring(slash + 1);
    resource.addAttributes(stringKeyValue(SERVICE_NAME, name.isEmpty() ? UNKNOWN_SERVICE : name));
    if (instance != null) {
      resource.addAttributes(stringKeyValue(SERVICE_INSTANCE_ID, instance));
    }
    return resource.build();
  }

  private static String emptyToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }
}
