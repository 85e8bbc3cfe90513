package dev.vigile.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests against what Vigile serves and reads, so the two cannot drift apart
 * silently: ports, probe paths, every variable name (the README's configuration table is the
 * list the code is checked against by {@code ConfigurationTableTest}), secrets kept out of the
 * ConfigMap, the grid's service and port, the grace period against the drain, memory against the
 * heap, and the discovery role's rights. Schemas are checked offline by {@code .ci/lint-containers}.
 */
class KubernetesManifestsTest {
    static final Path DIR = Path.of("deploy", "kubernetes");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final Map<String, JsonNode> BY_KIND = new HashMap<>();
    static JsonNode kustomization;

    @BeforeAll
    static void load() throws IOException {
        kustomization = YAML.readTree(DIR.resolve("kustomization.yaml").toFile());
        for (JsonNode resource : kustomization.get("resources")) {
            try (YAMLParser parser = new YAMLFactory()
                    .createParser(DIR.resolve(resource.asText()).toFile())) {
                for (JsonNode doc : YAML.readValues(parser, JsonNode.class).readAll()) {
                    String key = doc.get("kind").asText() + "/"
                            + doc.get("metadata").get("name").asText();
                    assertTrue(BY_KIND.put(key, doc) == null, "one " + key);
                }
            }
        }
    }

    static JsonNode get(String kindAndName) {
        JsonNode n = BY_KIND.get(kindAndName);
        assertNotNull(n, kindAndName + " among " + BY_KIND.keySet());
        return n;
    }

    static JsonNode container() {
        JsonNode containers = get("Deployment/vigile").at("/spec/template/spec/containers");
        assertEquals(1, containers.size());
        return containers.get(0);
    }

    static Map<String, String> config() {
        Map<String, String> data = new HashMap<>();
        get("ConfigMap/vigile-config")
                .get("data")
                .fields()
                .forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
        return data;
    }

    /** The README's configuration table: variable → default column. */
    static Map<String, String> readmeVariables() throws IOException {
        Map<String, String> vars = new HashMap<>();
        Pattern row = Pattern.compile("^\\| (?:`[a-z0-9.-]+`|—) \\| `([A-Z0-9_]+)` \\| ([^|]*) \\|");
        for (String line : Files.readAllLines(Path.of("README.md"))) {
            Matcher m = row.matcher(line);
            if (m.find()) {
                vars.put(m.group(1), m.group(2).trim());
            }
        }
        return vars;
    }

    /** The variables the README says come from the environment only (secrets). */
    static Set<String> readmeSecrets() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        Matcher m = Pattern.compile("Secrets \\(([^)]*)\\) come from the", Pattern.DOTALL)
                .matcher(readme);
        assertTrue(m.find(), "the README lists the secrets");
        Set<String> secrets = new TreeSet<>();
        Matcher v = Pattern.compile("`(VIGILE_[A-Z0-9_]+)`").matcher(m.group(1));
        while (v.find()) {
            secrets.add(v.group(1));
        }
        return secrets;
    }

    @Test
    void everyFileIsAResourceOfTheKustomization() throws IOException {
        Set<String> listed = new TreeSet<>();
        kustomization.get("resources").forEach(r -> listed.add(r.asText()));
        Set<String> files = new TreeSet<>();
        try (Stream<Path> all = Files.list(DIR)) {
            all.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml"))
                    .forEach(files::add);
        }
        assertEquals(files, listed);
        assertFalse(BY_KIND.keySet().stream().anyMatch(k -> k.startsWith("Secret/")), "no Secret in the repository");
    }

    @Test
    void portsAndProbesAreWhatVigileServes() throws IOException {
        JsonNode c = container();
        Map<String, Integer> ports = new HashMap<>();
        c.get("ports")
                .forEach(p ->
                        ports.put(p.get("name").asText(), p.get("containerPort").asInt()));
        assertEquals(
                Integer.valueOf(readmeVariables().get("VIGILE_PORT").replace("`", "")),
                ports.get("http"),
                "the image listens on VIGILE_PORT's default");
        assertEquals(Integer.valueOf(config().get("VIGILE_CLUSTER_PORT")), ports.get("grid"));
        assertEquals("/health/ready", c.at("/readinessProbe/httpGet/path").asText());
        assertEquals("/health/live", c.at("/livenessProbe/httpGet/path").asText());
        assertEquals("/health/live", c.at("/startupProbe/httpGet/path").asText());
        for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
            assertTrue(
                    ports.containsKey(c.at("/" + probe + "/httpGet/port").asText()), probe + " names a container port");
        }
        assertTrue(
                c.at("/startupProbe/periodSeconds").asInt()
                                * c.at("/startupProbe/failureThreshold").asInt()
                        >= 120,
                "the start-up probe waits for Payara's deployment");
        assertEquals(
                "http", get("Service/vigile").at("/spec/ports/0/targetPort").asText());
        JsonNode grid = get("Service/vigile-grid");
        assertEquals("None", grid.at("/spec/clusterIP").asText());
        assertTrue(
                grid.at("/spec/publishNotReadyAddresses").asBoolean(), "members find each other before they are ready");
        assertEquals(ports.get("grid"), grid.at("/spec/ports/0/port").asInt());
        assertEquals("vigile-grid", config().get("VIGILE_CLUSTER_KUBERNETES_SERVICE"));
        assertEquals("kubernetes", config().get("VIGILE_CLUSTER_DISCOVERY"));
        JsonNode policy = get("NetworkPolicy/vigile").at("/spec/ingress");
        boolean gridLimited = false;
        for (JsonNode rule : policy) {
            for (JsonNode port : rule.path("ports")) {
                if (port.get("port").asInt() == ports.get("grid")) {
                    gridLimited = rule.at("/from/0/podSelector/matchLabels/app.kubernetes.io~1name")
                            .asText()
                            .equals("vigile");
                }
            }
        }
        assertTrue(gridLimited, "only Vigile's pods reach the grid port");
        assertEquals(
                "http",
                get("Ingress/vigile")
                        .at("/spec/rules/0/http/paths/0/backend/service/port/name")
                        .asText());
    }

    @Test
    void everyVariableIsOneVigileReadsAndNoSecretIsInTheConfigMap() throws IOException {
        Map<String, String> known = readmeVariables();
        Set<String> secrets = readmeSecrets();
        Set<String> unknown = new TreeSet<>(config().keySet());
        unknown.removeAll(known.keySet());
        assertEquals(Set.of(), unknown, "ConfigMap keys missing from the README's table");
        Set<String> inConfigMap = new TreeSet<>(config().keySet());
        inConfigMap.retainAll(secrets);
        assertEquals(Set.of(), inConfigMap, "secrets in the ConfigMap");
        Set<String> fromSecret = new TreeSet<>();
        for (JsonNode e : container().get("env")) {
            String name = e.get("name").asText();
            assertTrue(known.containsKey(name), name + " is in the README's table");
            JsonNode ref = e.at("/valueFrom/secretKeyRef");
            if (!ref.isMissingNode()) {
                assertEquals("vigile-secrets", ref.get("name").asText());
                assertEquals(name, ref.get("key").asText(), "the Secret's key is the variable's name");
                fromSecret.add(name);
            }
        }
        Set<String> missing = new TreeSet<>(secrets);
        missing.removeAll(fromSecret);
        missing.remove("VIGILE_JWT_PRIVATE_KEY"); // optional: keys are generated and sealed by default
        assertEquals(Set.of(), missing, "every secret Vigile reads comes from the Secret");
    }

    @Test
    void theGracePeriodOutlastsTheDrainAndMemoryTheHeap() {
        JsonNode pod = get("Deployment/vigile").at("/spec/template/spec");
        long drain = Duration.parse(config().get("VIGILE_SHUTDOWN_TIMEOUT")).toSeconds();
        List<String> preStop = new ArrayList<>();
        container().at("/lifecycle/preStop/exec/command").forEach(x -> preStop.add(x.asText()));
        long sleep = preStop.get(0).equals("sleep") ? Long.parseLong(preStop.get(1)) : 0;
        assertTrue(
                pod.get("terminationGracePeriodSeconds").asLong() > drain + sleep + 5,
                "grace " + pod.get("terminationGracePeriodSeconds") + " s against drain " + drain + " s and preStop "
                        + sleep + " s");
        String memory = config().get("VIGILE_JAVA_MEMORY");
        long heap = mebibytes(find(memory, "-Xmx(\\d+[mMgG])"));
        long metaspace = mebibytes(find(memory, "-XX:MaxMetaspaceSize=(\\d+[mMgG])"));
        long limit = mebibytes(container().at("/resources/limits/memory").asText());
        long request = mebibytes(container().at("/resources/requests/memory").asText());
        assertTrue(
                limit >= heap + metaspace + 192,
                "limit " + limit + " MiB for heap " + heap + " and metaspace " + metaspace);
        assertTrue(request >= heap + metaspace, "request " + request + " MiB");
        assertFalse(container().at("/resources/requests/cpu").isMissingNode(), "the autoscaler needs a CPU request");
    }

    @Test
    void podsRunUnprivilegedAndDiscoveryMayOnlyReadItsNamespace() {
        JsonNode pod = get("Deployment/vigile").at("/spec/template/spec");
        JsonNode sc = container().get("securityContext");
        assertTrue(pod.at("/securityContext/runAsNonRoot").asBoolean());
        assertFalse(sc.get("allowPrivilegeEscalation").asBoolean());
        assertTrue(sc.get("readOnlyRootFilesystem").asBoolean());
        assertEquals("[\"ALL\"]", sc.at("/capabilities/drop").toString());
        assertEquals("/tmp", container().at("/volumeMounts/0/mountPath").asText(), "Payara's one writable place");
        assertEquals("vigile", pod.get("serviceAccountName").asText());
        JsonNode role = get("Role/vigile-grid-discovery");
        Set<String> verbs = new TreeSet<>();
        Set<String> resources = new TreeSet<>();
        role.get("rules").forEach(r -> {
            r.get("verbs").forEach(v -> verbs.add(v.asText()));
            r.get("resources").forEach(v -> resources.add(v.asText()));
        });
        assertEquals(Set.of("get", "list"), verbs);
        assertEquals(Set.of("endpoints", "endpointslices", "pods"), resources);
        JsonNode binding = get("RoleBinding/vigile-grid-discovery");
        assertEquals("Role", binding.at("/roleRef/kind").asText());
        assertEquals("vigile", binding.at("/subjects/0/name").asText());
        assertEquals(
                kustomization.at("/images/0/name").asText(),
                container().get("image").asText());
        String selector = get("Deployment/vigile")
                .at("/spec/selector/matchLabels/app.kubernetes.io~1name")
                .asText();
        for (String k : List.of("PodDisruptionBudget/vigile", "Service/vigile", "Service/vigile-grid")) {
            JsonNode s = get(k).at("/spec/selector");
            String label = s.has("matchLabels")
                    ? s.at("/matchLabels/app.kubernetes.io~1name").asText()
                    : s.at("/app.kubernetes.io~1name").asText();
            assertEquals(selector, label, k);
        }
        assertEquals(
                "vigile",
                get("HorizontalPodAutoscaler/vigile")
                        .at("/spec/scaleTargetRef/name")
                        .asText());
        assertTrue(get("HorizontalPodAutoscaler/vigile").at("/spec/minReplicas").asInt() >= 2);
    }

    private static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), regex + " in " + text);
        return m.group(1);
    }

    private static long mebibytes(String quantity) {
        Matcher m = Pattern.compile("(\\d+)(Mi|Gi|m|M|g|G)").matcher(quantity);
        assertTrue(m.matches(), quantity);
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "Gi", "g", "G" -> n * 1024;
            default -> n;
        };
    }
}
