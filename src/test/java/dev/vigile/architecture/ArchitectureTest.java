package dev.vigile.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Set;

/**
 * The architecture, as rules the build checks (issue 14). Packages are feature slices ({@code
 * dev.vigile.<feature>}), each cut into {@code boundary} (JAX-RS, WebSocket), {@code control}
 * (services) and {@code entity} (JPA). {@code common} and {@code platform} are the bottom: they
 * serve every feature and know none. A feature uses another only through what that one offers
 * outside its {@code control} and {@code entity} (its façade and its events).
 *
 * <p>Each rule failed on the code before issue 14's re-cut (cycles among 8 of the 10 packages,
 * 30 uses of features by {@code common}/{@code platform}, 427 uses of another feature's
 * {@code control}/{@code entity}, 4 service-locator lookups); each passes now, with no frozen
 * exception.
 */
@AnalyzeClasses(packages = "dev.vigile", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    static final String ROOT = "dev.vigile";

    /** The bottom layers, which may depend on no feature. */
    static final Set<String> FOUNDATION = Set.of("common", "platform");

    /** Started by hand or by the build, never deployed: outside the feature graph. */
    static final Set<String> OUTSIDE = Set.of("launcher");

    @ArchTest
    static final ArchRule featuresFormNoCycle =
            slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().as("no cycle between feature packages");

    @ArchTest
    static final ArchRule foundationKnowsNoFeature = noClasses()
            .that()
            .resideInAnyPackage(ROOT + ".common..", ROOT + ".platform..")
            .should(dependOnAFeature())
            .as("common and platform depend on no feature");

    @ArchTest
    static final ArchRule innerLayersNeverReachOut = noClasses()
            .that()
            .resideInAnyPackage("..control..", "..entity..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("..boundary..")
            .as("control and entity never use boundary");

    @ArchTest
    static final ArchRule entitiesStayEntities = noClasses()
            .that()
            .resideInAPackage("..entity..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("..control..")
            .as("entity never uses control");

    @ArchTest
    static final ArchRule featuresKeepTheirInsides = noClasses()
            .should(reachIntoAnotherFeaturesControlOrEntity())
            .as("no feature uses another's control or entity");

    @ArchTest
    static final ArchRule noServiceLocator = noClasses()
            .that()
            .doNotImplement(org.hibernate.integrator.spi.Integrator.class)
            .should()
            .callMethod(jakarta.enterprise.inject.spi.CDI.class, "current")
            .as("dependencies are injected, not looked up with CDI.current() (Hibernate integrators,"
                    + " which Hibernate makes through ServiceLoader, excepted)");

    /**
     * Identity's components (issue 34): accounts, then credentials, then sessions, each using only
     * those before it, and all of them the events. Failed before the re-cut: {@code UserService}
     * and {@code Recovery}, {@code AuthService} and {@code MfaService} used each other.
     */
    @ArchTest
    static final ArchRule identityComponentsFormNoCycle = slices().matching(ROOT + ".identity.(*)..")
            .should()
            .beFreeOfCycles()
            .as("no cycle between identity's components");

    /**
     * A unit of work is a top-level bean's method (a use case) or {@code UnitOfWork}, never a
     * nested class made only to carry {@code @Transactional}.
     */
    @ArchTest
    static final ArchRule noNestedTransactionalClass = noClasses()
            .that()
            .areNestedClasses()
            .should()
            .beAnnotatedWith(jakarta.transaction.Transactional.class)
            .orShould(haveATransactionalMethod())
            .as("no nested class carries @Transactional");

    /** No bean injects a bean that injects it back (a use case never calls its caller). */
    @ArchTest
    static final ArchRule noMutualInjection =
            noClasses().should(injectABeanThatInjectsThemBack()).as("no bean injects a bean that injects it back");

    static ArchCondition<JavaClass> haveATransactionalMethod() {
        return new ArchCondition<>("have a @Transactional method") {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                item.getMethods().stream()
                        .filter(m -> m.isAnnotatedWith(jakarta.transaction.Transactional.class))
                        .forEach(m ->
                                events.add(SimpleConditionEvent.satisfied(m, m.getFullName() + " is @Transactional")));
            }
        };
    }

    static Set<JavaClass> injected(JavaClass c) {
        Set<JavaClass> types = new java.util.HashSet<>();
        c.getFields().stream()
                .filter(f -> f.isAnnotatedWith(jakarta.inject.Inject.class))
                .forEach(f -> types.add(f.getRawType()));
        return types;
    }

    static ArchCondition<JavaClass> injectABeanThatInjectsThemBack() {
        return new ArchCondition<>("inject a bean that injects them back") {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                for (JavaClass other : injected(item)) {
                    if (!other.equals(item) && injected(other).contains(item)) {
                        events.add(SimpleConditionEvent.satisfied(
                                item, item.getName() + " and " + other.getName() + " inject each other"));
                    }
                }
            }
        };
    }

    static String featureOf(JavaClass c) {
        String name = c.getPackageName();
        if (!name.startsWith(ROOT + ".")) {
            return null;
        }
        String rest = name.substring(ROOT.length() + 1);
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }

    static String layerOf(JavaClass c) {
        String name = c.getPackageName();
        for (String layer : new String[] {"boundary", "control", "entity"}) {
            if (name.contains("." + layer)) {
                return layer;
            }
        }
        return null;
    }

    static ArchCondition<JavaClass> dependOnAFeature() {
        return new ArchCondition<>("depend on a feature") {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                for (Dependency d : item.getDirectDependenciesFromSelf()) {
                    String target = featureOf(d.getTargetClass());
                    if (target != null && !FOUNDATION.contains(target) && !OUTSIDE.contains(target)) {
                        events.add(SimpleConditionEvent.satisfied(d, d.getDescription()));
                    }
                }
            }
        };
    }

    static ArchCondition<JavaClass> reachIntoAnotherFeaturesControlOrEntity() {
        return new ArchCondition<>("use another feature's control or entity") {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                String own = featureOf(item);
                for (Dependency d : item.getDirectDependenciesFromSelf()) {
                    String target = featureOf(d.getTargetClass());
                    String layer = layerOf(d.getTargetClass());
                    if (target != null && !target.equals(own) && ("control".equals(layer) || "entity".equals(layer))) {
                        events.add(SimpleConditionEvent.satisfied(d, d.getDescription()));
                    }
                }
            }
        };
    }
}
