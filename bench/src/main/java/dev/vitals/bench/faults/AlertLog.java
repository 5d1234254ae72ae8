package dev.vitals.bench.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** The lifecycle events of {@code vitals.alerts.v1}: what streams decided, before any sink. */
final class AlertLog {

  /** One firing or resolved event. */
  record Event(
      String fingerprint,
      String status,
      String alertname,
      String service,
      String severity,
      String slo,
      String startsAt) {

    /** What tells one alert from another in Alertmanager: the labels the campaign varies. */
    String labels() {
      return alertname + "{service=" + service + ",severity=" + severity + ",slo=" + slo + "}";
    }

    @Override
    public String toString() {
      return status
          + " "
          + alertname
          + "{service="
          + service
          + "} fp="
          + fingerprint
          + " startsAt="
          + startsAt;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private final List<Event> events = new ArrayList<>();

  void accept(ConsumerRecord<byte[], byte[]> record) {
    try {
      JsonNode n = JSON.readTree(record.value());
      Event e =
          new Event(
              n.path("fingerprint").asText(),
              n.path("status").asText(),
              n.path("labels").path("alertname").asText(),
              n.path("labels").path("service").asText(),
              n.path("labels").path("severity").asText(),
              n.path("labels").path("slo").asText(),
              n.path("startsAt").asText());
      synchronized (events) {
        events.add(e);
      }
    } catch (IOException e) {
      // not an alert event; streams' own schema test covers that
    }
  }

  List<Event> events() {
    synchronized (events) {
      return List.copyOf(events);
    }
  }

  /** The label sets whose latest event is {@code firing}. */
  Set<String> firing() {
    Map<String, Event> latest = new HashMap<>();
    events().forEach(e -> latest.put(e.fingerprint(), e));
    Set<String> firing = new TreeSet<>();
    latest.values().stream()
        .filter(e -> e.status().equals("firing"))
        .forEach(e -> firing.add(e.labels()));
    return firing;
  }

  /** The events of one alert of one service. */
  List<Event> of(String alertname, String service) {
    return events().stream()
        .filter(e -> e.alertname().equals(alertname) && e.service().equals(service))
        .toList();
  }
}
