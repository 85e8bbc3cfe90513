package dev.vigile.identity.accounts.control;

import dev.vigile.identity.accounts.entity.Role;
import dev.vigile.identity.accounts.entity.User;
import jakarta.enterprise.inject.spi.CDI;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.hibernate.boot.Metadata;
import org.hibernate.boot.spi.BootstrapContext;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.event.service.spi.EventListenerRegistry;
import org.hibernate.event.spi.AbstractCollectionEvent;
import org.hibernate.event.spi.EventSource;
import org.hibernate.event.spi.EventType;
import org.hibernate.event.spi.PostCollectionRecreateEventListener;
import org.hibernate.event.spi.PostCollectionRemoveEventListener;
import org.hibernate.event.spi.PostCollectionUpdateEventListener;
import org.hibernate.event.spi.PostDeleteEvent;
import org.hibernate.event.spi.PostDeleteEventListener;
import org.hibernate.event.spi.PostUpdateEvent;
import org.hibernate.event.spi.PostUpdateEventListener;
import org.hibernate.integrator.spi.Integrator;
import org.hibernate.persister.entity.EntityPersister;
import org.hibernate.service.spi.SessionFactoryServiceRegistry;

/**
 * Sees every change Hibernate writes to a user (profile, state, last login, roles) or to a role
 * (its permissions), and once the transaction has committed fires {@link UsersChanged}, so that
 * what is cached of users is dropped. Changes made by bulk statements are announced by their own
 * events ({@code UserTokensCutOff}) or, where none is fired, by {@link #changedInBulk}.
 */
public class UserChangeListener implements Integrator {
    private static final Logger LOG = Logger.getLogger(UserChangeListener.class.getName());

    /** Users whose cached view is out of date; {@code all} when a role changed. */
    public record UsersChanged(Set<UUID> ids, boolean all) {}

    @Override
    public void integrate(Metadata metadata, BootstrapContext bootstrap, SessionFactoryImplementor factory) {
        EventListenerRegistry registry = factory.getServiceRegistry().getService(EventListenerRegistry.class);
        EntityChanges entities = new EntityChanges();
        registry.appendListeners(EventType.POST_UPDATE, entities);
        registry.appendListeners(EventType.POST_DELETE, entities);
        registry.appendListeners(
                EventType.POST_COLLECTION_UPDATE, (PostCollectionUpdateEventListener) this::collection);
        registry.appendListeners(
                EventType.POST_COLLECTION_RECREATE, (PostCollectionRecreateEventListener) this::collection);
        registry.appendListeners(
                EventType.POST_COLLECTION_REMOVE, (PostCollectionRemoveEventListener) this::collection);
    }

    @Override
    public void disintegrate(SessionFactoryImplementor factory, SessionFactoryServiceRegistry registry) {}

    /** Updates and deletions of users and roles. */
    private static final class EntityChanges implements PostUpdateEventListener, PostDeleteEventListener {
        @Override
        public void onPostUpdate(PostUpdateEvent e) {
            changed(e.getSession(), e.getEntity());
        }

        @Override
        public void onPostDelete(PostDeleteEvent e) {
            changed(e.getSession(), e.getEntity());
        }

        @Override
        public boolean requiresPostCommitHandling(EntityPersister persister) {
            return false;
        }
    }

    private void collection(AbstractCollectionEvent e) {
        changed(e.getSession(), e.getAffectedOwnerOrNull());
    }

    private static void changed(EventSource session, Object entity) {
        UsersChanged change;
        if (entity instanceof User user) {
            change = new UsersChanged(Set.of(user.id()), false);
        } else if (entity instanceof Role) {
            change = new UsersChanged(Set.of(), true);
        } else {
            return;
        }
        session.getActionQueue().registerProcess((success, s) -> {
            if (success) {
                announce(change);
            }
        });
    }

    /**
     * A user changed by a bulk statement, which raises no entity event: announced as the listener
     * announces an entity's change, once the transaction has committed.
     */
    public static void changedInBulk(jakarta.persistence.EntityManager em, UUID id) {
        UsersChanged change = new UsersChanged(Set.of(id), false);
        em.unwrap(EventSource.class).getActionQueue().registerProcess((success, s) -> {
            if (success) {
                announce(change);
            }
        });
    }

    private static void announce(UsersChanged change) {
        try {
            CDI.current().getBeanManager().getEvent().select(UsersChanged.class).fire(change);
        } catch (RuntimeException e) {
            // Committed already; the caches' expiry still bounds how long they are behind.
            LOG.log(Level.WARNING, "Could not announce a user change: {0}", e.toString());
        }
    }
}
