/** Transactions as one visible unit of work per use case ({@link dev.vigile.platform.persistence.UnitOfWork}). */
package dev.vigile.platform.persistence;
