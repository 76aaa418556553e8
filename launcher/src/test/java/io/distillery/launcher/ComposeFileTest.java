package io.distillery.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.distillery.topics.Topic;
import io.distillery.topics.Topics;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Keeps docker-compose.yml right and in step with the code: docker-compose accepts it; every
 * service module of the root pom is a compose service built from its Dockerfile, on the port of its
 * application.properties; the topic-init job creates exactly the catalogue's topics; every
 * DISTILLERY_* variable handed to a service is one of that service's settings; the platform images
 * are the versions the build uses. No Docker engine needed.
 */
class ComposeFileTest {

    private static final Path ROOT = projectRoot();
    private static final Path COMPOSE = ROOT.resolve("docker-compose.yml");

    /** The compose file as compose sees it with nothing set in the environment: every ${VAR:-default} at its default. */
    private static Map<String, Object> compose;
    /** The same file uninterpolated, to see which defaults it spells out. */
    private static Map<String, Object> raw;

    @BeforeAll
    static void load() throws IOException {
        String text = Files.readString(COMPOSE);
        raw = new Yaml().load(text);
        compose = map(interpolate(new Yaml().load(text)));
    }

    @Test
    void dockerComposeAcceptsTheFile() throws Exception {
        Optional<Path> dockerCompose = onPath("docker-compose");
        assumeTrue(dockerCompose.isPresent(),
                "docker-compose is not installed, so the compose file was not validated by it (Debian: apt-get install -y docker-compose)");
        for (List<String> args : List.of(List.of("config", "-q"), List.of("--profile", "gpu", "config", "-q"))) {
            List<String> command = new ArrayList<>(List.of(dockerCompose.get().toString(), "-f", COMPOSE.toString()));
            command.addAll(args);
            Process process = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "docker-compose config did not finish in 60 s");
            assertEquals(0, process.exitValue(), String.join(" ", command) + " refused the file:\n" + output);
        }
    }

    @Test
    void everyServiceModuleIsAComposeServiceBuiltFromItsDockerfile() {
        Map<String, List<String>> built = builtServicesByModule();
        for (String module : serviceModules()) {
            assertTrue(built.containsKey(module), "service module " + module + " (root pom) has no compose service built from ./"
                    + module + "; compose builds: " + built);
        }
        for (var service : services().entrySet()) {
            Map<String, Object> build = buildOf(service.getValue());
            if (build == null) {
                continue;
            }
            Path context = ROOT.resolve(string(build.get("context"))).normalize();
            Path dockerfile = context.resolve(string(build.getOrDefault("dockerfile", "Dockerfile")));
            assertTrue(Files.isRegularFile(dockerfile), service.getKey() + ": no Dockerfile at " + ROOT.relativize(dockerfile));
            assertEquals(context.resolve("src/main/docker/Dockerfile.jvm"), dockerfile,
                    service.getKey() + ": Quarkus' convention is <module>/src/main/docker/Dockerfile.jvm");
            String text = read(dockerfile);
            assertTrue(text.contains("COPY --chown=185 target/quarkus-app/lib/ /deployments/lib/"),
                    dockerfile + " must package the module's target/quarkus-app (the mvn package output)");
            assertTrue(Pattern.compile("(?m)^USER 185\\s*$").matcher(text).find(), dockerfile + " must run as the non-root user 185");
        }
    }

    @Test
    void httpPortsAreThoseOfApplicationProperties() {
        for (var service : services().entrySet()) {
            Map<String, Object> build = buildOf(service.getValue());
            if (build == null) {
                continue;
            }
            String module = moduleOf(build);
            if (!serviceModules().contains(module)) {
                continue; // a module not in the reactor yet (serving-svc while it is written)
            }
            String name = service.getKey();
            Map<String, Object> definition = service.getValue();
            int port = Integer.parseInt(applicationProperties(module).getProperty("quarkus.http.port"));
            List<Integer> containerPorts = new ArrayList<>();
            for (Object entry : list(definition.get("ports"))) {
                containerPorts.add(entry instanceof Map<?, ?> m ? Integer.parseInt(string(m.get("target")))
                        : Integer.parseInt(string(entry).replaceAll("/(tcp|udp)$", "").replaceAll(".*:", "")));
            }
            for (Object entry : list(definition.get("expose"))) {
                containerPorts.add(Integer.parseInt(string(entry)));
            }
            assertFalse(containerPorts.isEmpty(), name + " publishes no port");
            for (int p : containerPorts) {
                assertEquals(port, p, name + ": container port vs quarkus.http.port of " + module);
            }
            String health = String.join(" ", list(map(definition.get("healthcheck")).get("test")).stream().map(ComposeFileTest::string).toList());
            assertTrue(health.contains("/q/health/ready") && Pattern.compile("\\b" + port + "\\b").matcher(health).find(),
                    name + ": the healthcheck must ask /q/health/ready on " + port + ": " + health);
            Path dockerfile = ROOT.resolve(module).resolve(string(build.get("dockerfile")));
            assertTrue(Pattern.compile("(?m)^EXPOSE " + port + "\\s*$").matcher(read(dockerfile)).find(),
                    dockerfile + " must EXPOSE " + port);
        }
    }

    @Test
    void topicInitCreatesExactlyTheCatalogue() {
        Map<String, Object> init = services().get("topic-init");
        assertNotNull(init, "no topic-init service");
        String script = Stream.concat(list(init.get("entrypoint")).stream(), list(init.get("command")).stream())
                .map(ComposeFileTest::string).collect(Collectors.joining("\n"));
        assertTrue(script.contains("--if-not-exists"), "topic-init must leave existing topics as they are");
        assertTrue(script.contains("${DISTILLERY_TOPICS_PREFIX:-}$1"), "topic-init must put DISTILLERY_TOPICS_PREFIX before every name");

        Matcher lines = Pattern.compile("(?m)^\\s*create\\s+(\\S+)\\s+(\\d+)((?:\\s+--config\\s+\\S+=\\S+)*)\\s*$").matcher(script);
        Set<String> actual = new TreeSet<>();
        while (lines.find()) {
            Map<String, String> config = new TreeMap<>();
            Matcher c = Pattern.compile("--config\\s+([^=\\s]+)=(\\S+)").matcher(lines.group(3));
            while (c.find()) {
                config.put(c.group(1), c.group(2));
            }
            actual.add(createLine(lines.group(1), Integer.parseInt(lines.group(2)), config));
        }
        List<String> expected = Topics.all().stream()
                .map(t -> createLine(t.name(), t.partitions(), new TreeMap<>(t.config()))).toList();
        assertEquals(new TreeSet<>(expected), actual,
                "topic-init differs from the catalogue (io.distillery.topics.Topics); its lines should read:\n"
                        + String.join("\n", expected));
        assertTrue(script.contains("--replication-factor 1"), "one broker: replication factor 1");
    }

    @Test
    void brokerTakesTheLargestRecordOfTheCatalogue() {
        Map<String, String> env = environment(services().get("kafka"));
        int largest = Topics.all().stream().mapToInt(Topic::maxRecordBytes).max().orElseThrow();
        assertTrue(Integer.parseInt(env.get("KAFKA_MESSAGE_MAX_BYTES")) >= largest, "message.max.bytes below " + largest);
        assertTrue(Integer.parseInt(env.get("KAFKA_REPLICA_FETCH_MAX_BYTES")) >= largest, "replica.fetch.max.bytes below " + largest);
        assertEquals("false", env.get("KAFKA_AUTO_CREATE_TOPICS_ENABLE"), "topics come from the catalogue only");
        assertEquals("broker,controller", env.get("KAFKA_PROCESS_ROLES"), "KRaft combined mode");
        assertEquals("1", env.get("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"), "one broker: transactions need RF 1");
    }

    @Test
    void platformImagesAreTheVersionsTheBuildUses() {
        String pom = read(ROOT.resolve("pom.xml"));
        assertEquals("apache/kafka:" + pomProperty(pom, "kafka.version"), string(services().get("kafka").get("image")));
        assertEquals("apache/kafka:" + pomProperty(pom, "kafka.version"), string(services().get("topic-init").get("image")));
        assertEquals("apicurio/apicurio-registry:" + pomProperty(pom, "apicurio.registry.version"),
                string(services().get("registry").get("image")));
    }

    @Test
    void registryEnforcesBackwardCompatibilityAsTheLauncherDoes() {
        String command = list(services().get("registry-init").get("command")).stream().map(ComposeFileTest::string)
                .collect(Collectors.joining(" "));
        assertTrue(command.contains("PUT") && command.contains("http://registry:8080/apis/ccompat/v7/config")
                && command.contains("{\"compatibility\":\"BACKWARD\"}"), "registry-init must PUT the global BACKWARD rule: " + command);
        Map<String, String> env = environment(services().get("registry"));
        assertEquals("false", env.get("APICURIO_CCOMPAT_LEGACY_ID_MODE_ENABLED"), "ccompat ids must be content ids (our serde)");
        for (var service : services().entrySet()) {
            if (buildOf(service.getValue()) != null) {
                Map<String, Object> dependsOn = map(service.getValue().get("depends_on"));
                for (String job : List.of("topic-init", "registry-init")) {
                    assertEquals("service_completed_successfully", string(map(dependsOn.get(job)).get("condition")),
                            service.getKey() + " must start after " + job);
                }
            }
        }
    }

    @Test
    void distilleryVariablesAreSettingsOfTheirService() {
        for (var service : services().entrySet()) {
            Map<String, Object> build = buildOf(service.getValue());
            if (build == null) {
                continue;
            }
            String module = moduleOf(build);
            if (!serviceModules().contains(module)) {
                continue; // not in the reactor yet: checked once it is
            }
            Map<String, Optional<String>> settings = settingsOf(module);
            Set<String> variables = new TreeSet<>(environment(service.getValue()).keySet());
            variables.addAll(dockerfileEnv(ROOT.resolve(module).resolve(string(build.get("dockerfile")))));
            for (String variable : variables) {
                if (!variable.startsWith("DISTILLERY_")) {
                    continue;
                }
                String setting = variable.endsWith("_FILE") && !settings.containsKey(variable)
                        ? variable.substring(0, variable.length() - "_FILE".length()) : variable;
                assertTrue(settings.containsKey(setting), service.getKey() + ": " + variable + " is no setting of " + module
                        + " (its @ConfigMapping interfaces, application.properties, service-support); known: " + settings.keySet());
            }
            // Where the compose file spells out a default, it must be the code's.
            Map<String, Object> rawEnvironment = map(map(map(raw.get("services")).get(service.getKey())).get("environment"));
            for (var entry : rawEnvironment.entrySet()) {
                Matcher m = Pattern.compile("^\\$\\{\\w+:-([^}]*)}$").matcher(String.valueOf(entry.getValue()));
                Optional<String> codeDefault = settings.getOrDefault(entry.getKey(), Optional.empty());
                if (m.matches() && codeDefault.isPresent()) {
                    assertEquals(codeDefault.get(), m.group(1), service.getKey() + ": default of " + entry.getKey() + " vs the code's");
                }
            }
        }
    }

    /** The launcher's own settings drift as easily as the compose file's: a misspelt variable is silently ignored. */
    @Test
    void demoVariablesAreSettingsOfTheirService() {
        for (String student : List.of("mlp", "bilstm")) {
            for (var entry : DemoCommand.demoSettings(student, 0, "uci=15").entrySet()) {
                Map<String, Optional<String>> settings = settingsOf(entry.getKey().module());
                for (String variable : entry.getValue().keySet()) {
                    assertTrue(settings.containsKey(variable), "demo --student " + student + ": " + variable + " is no setting of "
                            + entry.getKey().module());
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> DemoCommand.demoSettings("cnn", 0, ""));
    }

    // ---------------------------------------------------------------- the project

    private static Path projectRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docker-compose.yml")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no docker-compose.yml above " + Path.of("").toAbsolutePath());
    }

    /** Modules of the root pom that are HTTP services (their application.properties sets quarkus.http.port). */
    private static Set<String> serviceModules() {
        Set<String> modules = new TreeSet<>();
        Matcher m = Pattern.compile("<module>\\s*([^<\\s]+)\\s*</module>").matcher(read(ROOT.resolve("pom.xml")));
        while (m.find()) {
            Path properties = ROOT.resolve(m.group(1)).resolve("src/main/resources/application.properties");
            if (Files.isRegularFile(properties) && applicationProperties(m.group(1)).getProperty("quarkus.http.port") != null) {
                modules.add(m.group(1));
            }
        }
        assertFalse(modules.isEmpty(), "no service modules found in " + ROOT.resolve("pom.xml"));
        return modules;
    }

    private static Properties applicationProperties(String module) {
        return properties(ROOT.resolve(module).resolve("src/main/resources/application.properties"));
    }

    private static String pomProperty(String pom, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</" + Pattern.quote(name) + ">").matcher(pom);
        assertTrue(m.find(), "no " + name + " in the root pom");
        return m.group(1).trim();
    }

    /**
     * Every setting a module reads, as its environment variable name, with the code's default
     * where there is one: its and service-support's @ConfigMapping interfaces, its
     * application.properties and service-support's microprofile-config.properties (keys and the
     * ${VARIABLE:...} they read).
     */
    private static Map<String, Optional<String>> settingsOf(String module) {
        Map<String, Optional<String>> settings = new TreeMap<>();
        for (Path sources : List.of(ROOT.resolve(module).resolve("src/main/java"), ROOT.resolve("service-support/src/main/java"))) {
            try (Stream<Path> files = Files.walk(sources)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    configMapping(read(file)).forEach((property, value) -> settings.put(envName(property), value));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        for (Path file : List.of(ROOT.resolve(module).resolve("src/main/resources/application.properties"),
                ROOT.resolve("service-support/src/main/resources/META-INF/microprofile-config.properties"))) {
            for (String key : properties(file).stringPropertyNames()) {
                if (!key.startsWith("%")) {
                    settings.putIfAbsent(envName(key), Optional.empty());
                }
            }
            Matcher variable = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)[:}]").matcher(read(file));
            while (variable.find()) {
                settings.putIfAbsent(variable.group(1), Optional.empty());
            }
        }
        return settings;
    }

    private static final Pattern MAPPING_PREFIX = Pattern.compile("@ConfigMapping\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern INTERFACE = Pattern.compile("\\binterface\\s+(\\w+)");
    private static final Pattern MEMBER = Pattern.compile(
            "^\\s*(?:@\\w+(?:\\([^)]*\\))?\\s+)*([\\w.]+(?:<[\\w.<>?,\\s]+>)?)\\s+(\\w+)\\(\\)\\s*;\\s*$");
    private static final Pattern WITH_DEFAULT = Pattern.compile("@WithDefault\\(\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*\\)");

    /**
     * The properties of a @ConfigMapping interface (with nested group interfaces), read from its
     * source: member {@code Type name();} becomes {@code prefix.name-in-kebab-case}, its
     * {@code @WithDefault} the default. Enough for the plain interfaces of this project.
     */
    static Map<String, Optional<String>> configMapping(String source) {
        Matcher prefix = MAPPING_PREFIX.matcher(source);
        if (!prefix.find()) {
            return Map.of();
        }
        String code = source.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("(?m)//.*$", "");
        Map<String, List<String[]>> members = new LinkedHashMap<>(); // interface -> {type, name, default or null}
        Deque<Map.Entry<String, Integer>> open = new ArrayDeque<>();
        String pendingInterface = null;
        String pendingDefault = null;
        String root = null;
        int depth = 0;
        for (String line : code.split("\n")) {
            Matcher declared = INTERFACE.matcher(line);
            if (declared.find()) {
                pendingInterface = declared.group(1);
                root = root == null ? pendingInterface : root;
                members.putIfAbsent(pendingInterface, new ArrayList<>());
            }
            Matcher withDefault = WITH_DEFAULT.matcher(line);
            if (withDefault.find() && !open.isEmpty() && depth == open.peek().getValue()) {
                pendingDefault = withDefault.group(1);
            }
            Matcher member = MEMBER.matcher(line);
            if (member.matches() && !open.isEmpty() && depth == open.peek().getValue()) {
                members.get(open.peek().getKey()).add(new String[] {member.group(1), member.group(2), pendingDefault});
                pendingDefault = null;
            }
            for (char c : line.toCharArray()) {
                if (c == '{') {
                    depth++;
                    if (pendingInterface != null) {
                        open.push(Map.entry(pendingInterface, depth));
                        pendingInterface = null;
                    }
                } else if (c == '}') {
                    if (!open.isEmpty() && open.peek().getValue() == depth) {
                        open.pop();
                    }
                    depth--;
                }
            }
        }
        Map<String, Optional<String>> properties = new TreeMap<>();
        expand(root, prefix.group(1), members, properties);
        return properties;
    }

    private static void expand(String type, String prefix, Map<String, List<String[]>> members, Map<String, Optional<String>> out) {
        for (String[] member : members.getOrDefault(type, List.of())) {
            String elementType = member[0].replaceAll("^(?:Optional|List|Set)<(.+)>$", "$1");
            String property = prefix + "." + member[1].replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
            if (members.containsKey(elementType)) {
                expand(elementType, property, members, out);
            } else {
                out.put(property, Optional.ofNullable(member[2]));
            }
        }
    }

    /** SmallRye's environment variable for a property: upper case, every other character an underscore. */
    static String envName(String property) {
        return property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /** Names set by ENV instructions (both the {@code ENV a=b c=d \} and the {@code ENV a b} forms). */
    private static Set<String> dockerfileEnv(Path dockerfile) {
        String text = read(dockerfile).replaceAll("\\\\\\r?\\n", " ");
        Set<String> names = new TreeSet<>();
        Matcher env = Pattern.compile("(?m)^ENV\\s+(.*)$").matcher(text);
        while (env.find()) {
            Matcher pair = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=").matcher(env.group(1));
            boolean any = false;
            while (pair.find()) {
                names.add(pair.group(1));
                any = true;
            }
            if (!any) {
                names.add(env.group(1).trim().split("\\s+")[0]);
            }
        }
        return names;
    }

    // ---------------------------------------------------------------- the compose file

    private static Map<String, Map<String, Object>> services() {
        Map<String, Map<String, Object>> services = new LinkedHashMap<>();
        map(compose.get("services")).forEach((name, definition) -> services.put(name, map(definition)));
        return services;
    }

    private static Map<String, List<String>> builtServicesByModule() {
        Map<String, List<String>> byModule = new TreeMap<>();
        services().forEach((name, definition) -> {
            Map<String, Object> build = buildOf(definition);
            if (build != null) {
                byModule.computeIfAbsent(moduleOf(build), m -> new ArrayList<>()).add(name);
            }
        });
        return byModule;
    }

    private static Map<String, Object> buildOf(Map<String, Object> service) {
        Object build = service.get("build");
        if (build == null) {
            return null;
        }
        return build instanceof Map<?, ?> ? map(build) : Map.of("context", build);
    }

    private static String moduleOf(Map<String, Object> build) {
        return ROOT.relativize(ROOT.resolve(string(build.get("context"))).normalize()).toString();
    }

    private static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> env = new TreeMap<>();
        Object environment = service.get("environment");
        if (environment instanceof Map<?, ?> m) {
            m.forEach((k, v) -> env.put(string(k), v == null ? null : string(v)));
        } else {
            for (Object entry : list(environment)) {
                String[] kv = string(entry).split("=", 2);
                env.put(kv[0], kv.length > 1 ? kv[1] : null);
            }
        }
        return env;
    }

    private static final Pattern VARIABLE = Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}");

    /** Compose's interpolation with an empty environment: defaults apply, $$ is a literal $. */
    static Object interpolate(Object node) {
        if (node instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(string(k), interpolate(v)));
            return out;
        }
        if (node instanceof List<?> l) {
            return l.stream().map(ComposeFileTest::interpolate).toList();
        }
        if (node instanceof String s) {
            Matcher m = VARIABLE.matcher(s);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String value = m.group().equals("$$") ? "$" : m.group(2) != null && m.group(2).endsWith("-") ? m.group(3) : "";
                m.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            return m.appendTail(out).toString();
        }
        return node;
    }

    private static String createLine(String topic, int partitions, Map<String, String> config) {
        StringBuilder line = new StringBuilder("create " + topic + " " + partitions);
        config.forEach((k, v) -> line.append(" --config ").append(k).append('=').append(v));
        return line.toString();
    }

    // ---------------------------------------------------------------- plumbing

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node) {
        if (node == null) {
            return Map.of();
        }
        if (!(node instanceof Map<?, ?>)) {
            fail("expected a mapping, found " + node);
        }
        return (Map<String, Object>) node;
    }

    private static List<Object> list(Object node) {
        if (node == null) {
            return List.of();
        }
        if (node instanceof Collection<?> c) {
            return new ArrayList<>(c);
        }
        return List.of(node);
    }

    private static String string(Object node) {
        return String.valueOf(node);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Properties properties(Path file) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    private static Optional<Path> onPath(String executable) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, executable))
                .filter(Files::isExecutable)
                .findFirst();
    }
}
