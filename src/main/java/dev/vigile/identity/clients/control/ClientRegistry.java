package dev.vigile.identity.clients.control;

import dev.vigile.common.pagination.Page;
import dev.vigile.common.pagination.PageRequest;
import dev.vigile.platform.persistence.NativeValues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The one writer of {@code service_clients}, {@code service_client_roles} and {@code
 * service_client_secrets}, in the caller's transaction.
 */
@ApplicationScoped
public class ClientRegistry {
    /** What a list of clients may be sorted by: API name to column. */
    public static final PageRequest.Sorts SORTS = new PageRequest.Sorts(
            Map.of("createdAt", "created_at", "name", "name", "clientId", "client_id"), "createdAt", false);

    @PersistenceContext
    EntityManager em;

    /** What authenticating a client reads: its state and its secrets' hashes. */
    public record Credentials(
            UUID id, String clientId, boolean enabled, Instant expiresAt, List<StoredSecret> secrets) {}

    /** A stored secret: its id and hash. */
    public record StoredSecret(UUID id, byte[] hash, Instant expiresAt) {}

    /** A client's groups (its roles, then their permissions) and token generation, read in one statement. */
    public record Grants(List<String> roles, List<String> permissions, long generation, Instant expiresAt) {}

    void insert(UUID id, String clientId, String name, Instant expiresAt, UUID createdBy, Instant now) {
        em.createNativeQuery("insert into service_clients (id, client_id, name, enabled, created_at, updated_at,"
                        + " created_by) values (?1, ?2, ?3, true, ?4, ?4, ?5)")
                .setParameter(1, id)
                .setParameter(2, clientId)
                .setParameter(3, name)
                .setParameter(4, Timestamp.from(now))
                .setParameter(5, createdBy)
                .executeUpdate();
        if (expiresAt != null) {
            // Apart, so that no untyped null is bound.
            em.createNativeQuery("update service_clients set expires_at = ?2 where id = ?1")
                    .setParameter(1, id)
                    .setParameter(2, Timestamp.from(expiresAt))
                    .executeUpdate();
        }
    }

    void setRoles(UUID id, Collection<String> roles) {
        em.createNativeQuery("delete from service_client_roles where client_id = ?1")
                .setParameter(1, id)
                .executeUpdate();
        for (String role : new TreeSet<>(roles)) {
            em.createNativeQuery("insert into service_client_roles (client_id, role_name) values (?1, ?2)")
                    .setParameter(1, id)
                    .setParameter(2, role)
                    .executeUpdate();
        }
    }

    void insertSecret(UUID secretId, UUID clientId, byte[] hash, Instant now) {
        em.createNativeQuery("insert into service_client_secrets (id, client_id, secret_hash, created_at)"
                        + " values (?1, ?2, ?3, ?4)")
                .setParameter(1, secretId)
                .setParameter(2, clientId)
                .setParameter(3, hash)
                .setParameter(4, Timestamp.from(now))
                .executeUpdate();
    }

    boolean deleteSecret(UUID clientId, UUID secretId) {
        return em.createNativeQuery("delete from service_client_secrets where client_id = ?1 and id = ?2")
                        .setParameter(1, clientId)
                        .setParameter(2, secretId)
                        .executeUpdate()
                == 1;
    }

    long secretCount(UUID clientId) {
        return ((Number) em.createNativeQuery("select count(*) from service_client_secrets where client_id = ?1")
                        .setParameter(1, clientId)
                        .getSingleResult())
                .longValue();
    }

    /** Locks the client's row until the transaction ends; false when there is none. */
    boolean lock(UUID id) {
        return !em.createNativeQuery("select id from service_clients where id = ?1 for no key update")
                .setParameter(1, id)
                .getResultList()
                .isEmpty();
    }

    void rename(UUID id, String name, Instant now) {
        em.createNativeQuery("update service_clients set name = ?2, updated_at = ?3 where id = ?1")
                .setParameter(1, id)
                .setParameter(2, name)
                .setParameter(3, Timestamp.from(now))
                .executeUpdate();
    }

    void enable(UUID id, boolean enabled, Instant now) {
        em.createNativeQuery("update service_clients set enabled = ?2, updated_at = ?3 where id = ?1")
                .setParameter(1, id)
                .setParameter(2, enabled)
                .setParameter(3, Timestamp.from(now))
                .executeUpdate();
    }

    /** Cuts off every access token these clients hold now. */
    void moveTokenGeneration(List<UUID> ids) {
        if (!ids.isEmpty()) {
            em.createNativeQuery("update service_clients set token_generation = token_generation + 1 where id in (?1)")
                    .setParameter(1, ids)
                    .executeUpdate();
        }
    }

    /** The same for every client holding the role; returns them. */
    List<UUID> moveTokenGenerationOfRole(String role) {
        @SuppressWarnings("unchecked")
        List<Object> ids = em.createNativeQuery("update service_clients c set token_generation = c.token_generation + 1"
                        + " from service_client_roles r where r.client_id = c.id and r.role_name = ?1 returning c.id")
                .setParameter(1, role)
                .getResultList();
        return ids.stream().map(UUID.class::cast).toList();
    }

    void delete(UUID id) {
        em.createNativeQuery("delete from service_clients where id = ?1")
                .setParameter(1, id)
                .executeUpdate();
    }

    /** Notes a use, at most once a minute per client and secret, so that busy clients do not write on every token. */
    void used(UUID clientId, UUID secretId, Instant now) {
        Timestamp at = Timestamp.from(now);
        Timestamp stale = Timestamp.from(now.minusSeconds(60));
        em.createNativeQuery("update service_clients set last_used_at = ?2 where id = ?1"
                        + " and (last_used_at is null or last_used_at < ?3)")
                .setParameter(1, clientId)
                .setParameter(2, at)
                .setParameter(3, stale)
                .executeUpdate();
        em.createNativeQuery("update service_client_secrets set last_used_at = ?2 where id = ?1"
                        + " and (last_used_at is null or last_used_at < ?3)")
                .setParameter(1, secretId)
                .setParameter(2, at)
                .setParameter(3, stale)
                .executeUpdate();
    }

    public Optional<Credentials> credentials(String clientId) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select c.id, c.enabled, c.expires_at, s.id, s.secret_hash,"
                        + " s.expires_at from service_clients c left join service_client_secrets s"
                        + " on s.client_id = c.id where c.client_id = ?1")
                .setParameter(1, clientId)
                .getResultList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        List<StoredSecret> secrets = new ArrayList<>();
        for (Object[] r : rows) {
            if (r[3] != null) {
                secrets.add(new StoredSecret((UUID) r[3], (byte[]) r[4], NativeValues.instant(r[5])));
            }
        }
        Object[] first = rows.get(0);
        return Optional.of(new Credentials(
                (UUID) first[0], clientId, (Boolean) first[1], NativeValues.instant(first[2]), List.copyOf(secrets)));
    }

    /**
     * The client's roles, their permissions, its token generation and expiry, in one statement that
     * also requires the client to be enabled, unexpired and to still hold the secret it
     * authenticated with: a token minted from them carries the generation that was current with
     * them (docs/security.md), and none is minted across a disabling or a secret's removal.
     */
    public Optional<Grants> grants(UUID id, UUID secretId, Instant now) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select c.token_generation,"
                        + " (select string_agg(r.role_name, ',' order by r.role_name) from service_client_roles r"
                        + " where r.client_id = c.id),"
                        + " (select string_agg(distinct p.permission_name, ',') from service_client_roles r"
                        + " join role_permissions p on p.role_name = r.role_name where r.client_id = c.id),"
                        + " c.expires_at"
                        + " from service_clients c where c.id = ?1 and c.enabled"
                        + " and (c.expires_at is null or c.expires_at > ?3)"
                        + " and exists (select 1 from service_client_secrets s where s.id = ?2 and s.client_id = c.id)")
                .setParameter(1, id)
                .setParameter(2, secretId)
                .setParameter(3, Timestamp.from(now))
                .getResultList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Object[] row = rows.get(0);
        return Optional.of(new Grants(
                strings(row[1]), strings(row[2]), ((Number) row[0]).longValue(), NativeValues.instant(row[3])));
    }

    /** Whether the client is enabled, unexpired and holds the permission through its roles, now. */
    public boolean holds(UUID id, String permission, Instant now) {
        return !em.createNativeQuery("select 1 from service_clients c join service_client_roles r on r.client_id = c.id"
                        + " join role_permissions p on p.role_name = r.role_name where c.id = ?1 and c.enabled"
                        + " and (c.expires_at is null or c.expires_at > ?3) and p.permission_name = ?2 limit 1")
                .setParameter(1, id)
                .setParameter(2, permission)
                .setParameter(3, Timestamp.from(now))
                .getResultList()
                .isEmpty();
    }

    public Optional<ServiceClient> find(UUID id) {
        List<ServiceClient> found = load(List.of(id));
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    public Page<ServiceClient> page(PageRequest request) {
        long total = ((Number) em.createNativeQuery("select count(*) from service_clients")
                        .getSingleResult())
                .longValue();
        String direction = request.ascending() ? "asc" : "desc";
        @SuppressWarnings("unchecked")
        List<Object> ids = em.createNativeQuery("select id from service_clients order by " + request.sortPath() + " "
                        + direction + ", id " + direction)
                .setFirstResult((request.page() - 1) * request.size())
                .setMaxResults(request.size())
                .getResultList();
        return Page.of(load(ids.stream().map(UUID.class::cast).toList()), request, total);
    }

    /** The clients of these ids, in this order, in three statements. */
    private List<ServiceClient> load(List<UUID> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<UUID, Object[]> rows = new LinkedHashMap<>();
        Map<UUID, List<String>> roles = new LinkedHashMap<>();
        Map<UUID, List<String>> permissions = new LinkedHashMap<>();
        Map<UUID, List<ServiceClient.Secret>> secrets = new LinkedHashMap<>();
        @SuppressWarnings("unchecked")
        List<Object[]> clientRows = em.createNativeQuery("select id, client_id, name, enabled, created_at, expires_at,"
                        + " last_used_at from service_clients where id in (?1)")
                .setParameter(1, ids)
                .getResultList();
        clientRows.forEach(r -> rows.put((UUID) r[0], r));
        @SuppressWarnings("unchecked")
        List<Object[]> roleRows = em.createNativeQuery("select r.client_id, r.role_name,"
                        + " (select string_agg(p.permission_name, ',') from role_permissions p"
                        + " where p.role_name = r.role_name)"
                        + " from service_client_roles r where r.client_id in (?1) order by r.role_name")
                .setParameter(1, ids)
                .getResultList();
        for (Object[] r : roleRows) {
            roles.computeIfAbsent((UUID) r[0], k -> new ArrayList<>()).add((String) r[1]);
            permissions.computeIfAbsent((UUID) r[0], k -> new ArrayList<>()).addAll(strings(r[2]));
        }
        @SuppressWarnings("unchecked")
        List<Object[]> secretRows = em.createNativeQuery("select client_id, id, created_at, expires_at, last_used_at"
                        + " from service_client_secrets where client_id in (?1) order by created_at, id")
                .setParameter(1, ids)
                .getResultList();
        for (Object[] r : secretRows) {
            secrets.computeIfAbsent((UUID) r[0], k -> new ArrayList<>())
                    .add(new ServiceClient.Secret(
                            (UUID) r[1],
                            NativeValues.instant(r[2]),
                            NativeValues.instant(r[3]),
                            NativeValues.instant(r[4])));
        }
        List<ServiceClient> clients = new ArrayList<>();
        for (UUID id : ids) {
            Object[] r = rows.get(id);
            if (r == null) {
                continue;
            }
            clients.add(new ServiceClient(
                    id,
                    (String) r[1],
                    (String) r[2],
                    List.copyOf(roles.getOrDefault(id, List.of())),
                    List.copyOf(new TreeSet<>(permissions.getOrDefault(id, List.of()))),
                    (Boolean) r[3],
                    NativeValues.instant(r[4]),
                    NativeValues.instant(r[5]),
                    NativeValues.instant(r[6]),
                    List.copyOf(secrets.getOrDefault(id, List.of()))));
        }
        return clients;
    }

    /** A comma-joined list (names never hold a comma), or null for none. */
    private static List<String> strings(Object joined) {
        return joined == null || joined.toString().isEmpty()
                ? List.of()
                : List.of(joined.toString().split(","));
    }
}
