package dev.vigile.cluster;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/** An event that reached this instance from any instance of the cluster (this one included). */
public record ClusterMessage(String type, JsonObject body) {
  /** A body naming these users or sessions, as {@code {"ids": [...]}}. */
  public static JsonObjectBuilder withIds(Collection<UUID> ids) {
    JsonArrayBuilder array = Json.createArrayBuilder();
    ids.forEach(id -> array.add(id.toString()));
    return Json.createObjectBuilder().add("ids", array);
  }

  /** The ids a body made by {@link #withIds} names. */
  public List<UUID> ids() {
    return body.getJsonArray("ids").getValuesAs(JsonString.class).stream()
        .map(s -> UUID.fromString(s.getString()))
        .toList();
  }
}
