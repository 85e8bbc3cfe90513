/**
 * Infrastructure below every feature and knowing none: data source and migrations, start-up and
 * graceful shutdown ({@code lifecycle.Draining} event), readiness, logging and metrics, OpenAPI, the
 * data grid ({@code cluster}: sealed messages between members). Owns {@code flyway_schema_history}.
 */
package dev.vigile.platform;
