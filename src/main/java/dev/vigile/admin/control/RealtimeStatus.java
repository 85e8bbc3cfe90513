package dev.vigile.admin.control;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Live figures for the dashboard. This instance runs alone (Payara Micro starts with
 * {@code --nocluster}) and no WebSocket endpoint exists yet, so it counts one member and no
 * connection; the WebSocket module replaces these counts with its own.
 */
@ApplicationScoped
public class RealtimeStatus {
  public long connections() {
    return 0;
  }

  public int clusterMembers() {
    return 1;
  }
}
