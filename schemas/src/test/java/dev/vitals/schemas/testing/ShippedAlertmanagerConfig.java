package dev.vitals.schemas.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An Alertmanager configuration for tests: the inhibit rules shipped in {@code
 * docker/alertmanager/alertmanager.yml}, read from the repository, routed to a webhook receiver
 * with waits of a second, so that a test sees what the shipped rules let through.
 */
public final class ShippedAlertmanagerConfig {

  /** The shipped configuration, from a module's folder. */
  public static final Path SHIPPED = Path.of("..", "docker", "alertmanager", "alertmanager.yml");

  private ShippedAlertmanagerConfig() {}

  /** The configuration's text, notifying {@code http://127.0.0.1:<webhookPort>/}. */
  public static String withWebhook(int webhookPort) throws IOException {
    String shipped = Files.readString(SHIPPED);
    return String.join(
            "\n",
            "route:",
            "  receiver: webhook",
            "  group_by: [alertname, tenant, namespace, service, slo]",
            "  group_wait: 1s",
            "  group_interval: 1s",
            "  repeat_interval: 1h",
            "receivers:",
            "  - name: webhook",
            "    webhook_configs:",
            "      - url: http://127.0.0.1:" + webhookPort + "/",
            "        send_resolved: false",
            "")
        + shipped.substring(shipped.indexOf("inhibit_rules:"));
  }
}
