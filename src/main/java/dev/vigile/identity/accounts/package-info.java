/**
 * Accounts: users, roles and permissions, the profile, and what administrators change of them
 * (create, update, disable, delete, roles, sign-out). Owns {@code users}, {@code user_roles},
 * {@code roles}, {@code permissions}, {@code role_permissions} and {@code user_count}; every SQL
 * write on {@code users} goes through {@code UserRepository}, and entity writes through
 * Hibernate, whose listener ({@code UserChangeListener}) drops what is cached of the user.
 * {@code Accounts} is the façade the other components use; {@code Privileges} is the one rule for
 * acting on another user. Uses no other component: what follows a change (cut-offs, a
 * verification mail) is announced as an event ({@code AccountCreated}, {@code UserDisabled}, …).
 */
package dev.vigile.identity.accounts;
