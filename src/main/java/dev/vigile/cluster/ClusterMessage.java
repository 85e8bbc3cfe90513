package dev.vigile.cluster;

import jakarta.json.JsonObject;

/** An event that reached this instance from any instance of the cluster (this one included). */
public record ClusterMessage(String type, JsonObject body) {}
