package dev.vitals.streams.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Items collected from this instance and every other one.
 *
 * @param unreachable the instances ({@code host:port}) that did not answer: the list is partial
 */
record Gathered(List<JsonNode> items, List<String> unreachable) {

  Gathered {
    items = List.copyOf(items);
    unreachable = List.copyOf(unreachable);
  }
}
