package dev.vitals.loadgen;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * One HTTP route of a simulated service.
 *
 * @param weight its share of the service's requests (the weights of a service add up to 1)
 * @param notFoundRatio the share of its requests answered 404 (lookups by id miss sometimes)
 * @param medianSeconds the median latency
 */
record Route(
    String method, String path, double weight, double notFoundRatio, double medianSeconds) {

  Route {
    requireNonNull(method, "method");
    requireNonNull(path, "path");
  }

  /** The span name, as the HTTP semantic conventions want it: {@code GET /api/orders/{id}}. */
  String spanName() {
    return method + " " + path;
  }

  /** A concrete URL path of the route: every {@code {param}} replaced by a number. */
  String samplePath(long id) {
    return path.replaceAll("\\{[a-z]+}", Long.toString(id));
  }

  private static final Map<String, List<String>> CATALOGUE =
      Map.ofEntries(
          Map.entry(
              "frontend",
              List.of(
                  "GET /",
                  "GET /product/{id}",
                  "GET /cart",
                  "POST /cart/checkout",
                  "GET /static/{id}")),
          Map.entry(
              "checkout",
              List.of(
                  "POST /api/checkout",
                  "GET /api/orders/{id}",
                  "GET /api/orders",
                  "POST /api/orders/{id}/cancel")),
          Map.entry(
              "payments",
              List.of("POST /api/payments", "GET /api/payments/{id}", "POST /api/refunds")),
          Map.entry(
              "cart",
              List.of(
                  "GET /api/cart/{id}",
                  "POST /api/cart/{id}/items",
                  "DELETE /api/cart/{id}/items/{item}")),
          Map.entry(
              "catalog",
              List.of(
                  "GET /api/products",
                  "GET /api/products/{id}",
                  "GET /api/categories",
                  "GET /api/categories/{id}/products")),
          Map.entry(
              "search",
              List.of("GET /api/search", "GET /api/search/suggest", "GET /api/search/facets")),
          Map.entry(
              "shipping",
              List.of("POST /api/shipments", "GET /api/shipments/{id}", "GET /api/quotes")),
          Map.entry(
              "accounts",
              List.of(
                  "POST /api/login",
                  "GET /api/users/{id}",
                  "PUT /api/users/{id}",
                  "POST /api/logout")));

  /** The method and path of each route of a service: a known catalogue, else a generic set. */
  static List<String> namesFor(String service) {
    List<String> known = CATALOGUE.get(service);
    if (known != null) {
      return known;
    }
    return List.of(
        "GET /api/" + service,
        "GET /api/" + service + "/{id}",
        "POST /api/" + service,
        "PUT /api/" + service + "/{id}");
  }
}
