/**
 * {@code ./mvnw -Prun}: the embedded PostgreSQL and the Payara Micro process. Not in the WAR.
 */
package dev.vigile.launcher;
