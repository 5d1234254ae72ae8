package dev.vitals.streams.slo;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.vitals.schemas.signals.SignalJson;
import java.util.ArrayList;
import java.util.List;

/** Per-service state in the {@code slo-service} store: silence, the SLOs last evaluated. */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
@JsonInclude(JsonInclude.Include.NON_NULL)
final class SloServiceState {

  /** Consecutive silent service-level windows. */
  int silentWindows;

  /** Start of the first of those windows, epoch milliseconds; null when not silent. */
  Long silentSince;

  /** Fingerprint of the firing {@code VitalsServiceSilent} alert; null when not firing. */
  String silentAlert;

  /** The SLO names evaluated last, to resolve the alerts of an SLO taken out of the file. */
  List<String> slos = new ArrayList<>();

  /** What the last emitted health said: status and the firing alerts behind it. */
  List<String> healthKeys = new ArrayList<>();

  byte[] toBytes() {
    return SignalJson.write(this);
  }

  static SloServiceState fromBytes(byte[] bytes) {
    return bytes == null ? new SloServiceState() : SignalJson.read(bytes, SloServiceState.class);
  }
}
