package io.distillery.teacher;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;

/**
 * What {@code teacher.properties} says about a teacher bundle: a directory holding a model file,
 * its {@code tokenizer.json}, optionally a linear head, and this manifest.
 *
 * <p>A properties file rather than JSON: it is what a person writes by hand next to an exported
 * model, and it needs no parser beyond the JDK.
 *
 * @param id          a stable name, e.g. {@code uci-sentiment-bge-small-en-v15}
 * @param version     {@code sha256:<hex>} over the model, tokenizer and head files ({@link BundleVersion})
 * @param engine      which DJL engine runs the model
 * @param model       the model file, relative to the bundle
 * @param tokenizer   the Hugging Face {@code tokenizer.json}, relative to the bundle
 * @param labels      class names, in the order of the logits
 * @param maxLength   texts are truncated to this many tokens (special tokens included)
 * @param pooling     how token vectors become one vector; {@code none} when the model outputs logits
 * @param head        the linear head applied after pooling, relative to the bundle; empty when pooling is none
 * @param temperature the softmax temperature recommended for distilling from this teacher
 * @param inputs      the model's inputs, in the order a TorchScript model takes them
 */
public record TeacherManifest(
        String id,
        String version,
        TeacherEngine engine,
        String model,
        String tokenizer,
        List<String> labels,
        int maxLength,
        Pooling pooling,
        Optional<String> head,
        double temperature,
        List<String> inputs) {

    public static final String FILE_NAME = "teacher.properties";
    public static final String INPUT_IDS = "input_ids";
    public static final String ATTENTION_MASK = "attention_mask";
    public static final String TOKEN_TYPE_IDS = "token_type_ids";
    /** What a traced HF classifier takes when nothing else is said. */
    public static final List<String> DEFAULT_INPUTS = List.of(INPUT_IDS, ATTENTION_MASK);

    private static final Set<String> KNOWN_INPUTS = Set.of(INPUT_IDS, ATTENTION_MASK, TOKEN_TYPE_IDS);
    private static final Set<String> KNOWN_KEYS = Set.of("id", "version", "engine", "model", "tokenizer",
            "labels", "max_length", "pooling", "head", "temperature", "inputs");

    public TeacherManifest {
        labels = List.copyOf(labels);
        inputs = List.copyOf(inputs);
    }

    /**
     * Reads and validates the manifest of a bundle directory. Every problem found is reported in
     * one {@link InvalidBundleException}, so a broken bundle is fixed in one go.
     */
    public static TeacherManifest read(Path bundle) {
        Path file = bundle.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new InvalidBundleException(bundle, "no " + FILE_NAME + " (is this a teacher bundle directory?)");
        }
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (IOException e) {
            throw new InvalidBundleException(bundle, "cannot read " + FILE_NAME, e);
        }
        return parse(bundle, props);
    }

    static TeacherManifest parse(Path bundle, Properties props) {
        List<String> problems = new ArrayList<>();
        for (String key : props.stringPropertyNames()) {
            if (!KNOWN_KEYS.contains(key)) {
                problems.add("unknown key '" + key + "'");
            }
        }
        String id = required(props, "id", problems);
        String version = required(props, "version", problems);
        if (version != null && !version.matches("sha256:[0-9a-f]{64}")) {
            problems.add("version must be sha256:<64 hex digits>, got '" + version + "'");
        }
        TeacherEngine engine = parsed(props, "engine", TeacherEngine::fromManifest, problems);
        String model = existingFile(bundle, props, "model", problems);
        String tokenizer = existingFile(bundle, props, "tokenizer", problems);
        List<String> labels = list(props.getProperty("labels", ""));
        if (labels.size() < 2) {
            problems.add("labels needs at least two comma-separated class names, got '"
                    + props.getProperty("labels", "") + "'");
        } else if (Set.copyOf(labels).size() != labels.size()) {
            problems.add("labels repeat a name: " + labels);
        }
        Integer maxLength = parsed(props, "max_length", Integer::parseInt, problems);
        if (maxLength != null && maxLength < 2) {
            problems.add("max_length must be at least 2 (room for [CLS] and [SEP]), got " + maxLength);
        }
        Pooling pooling = parsed(props, "pooling", Pooling::fromManifest, problems);
        Optional<String> head = Optional.ofNullable(props.getProperty("head")).map(String::trim)
                .filter(h -> !h.isEmpty() && !h.equals("none"));
        if (head.isPresent()) {
            existingFile(bundle, props, "head", problems);
        }
        if (pooling == Pooling.NONE && head.isPresent()) {
            problems.add("pooling is none (the model outputs logits), so there must be no head");
        }
        if (pooling != null && pooling != Pooling.NONE && head.isEmpty()) {
            problems.add("pooling is " + pooling.manifestName()
                    + ", so a head file is needed to turn the pooled vector into logits");
        }
        Double temperature = parsed(props, "temperature", Double::parseDouble, problems);
        if (temperature != null && !(temperature > 0 && Double.isFinite(temperature))) {
            problems.add("temperature must be a positive number, got " + temperature);
        }
        List<String> inputs = props.containsKey("inputs") ? list(props.getProperty("inputs")) : DEFAULT_INPUTS;
        if (!inputs.contains(INPUT_IDS) || !KNOWN_INPUTS.containsAll(inputs)) {
            problems.add("inputs must include input_ids and name only " + KNOWN_INPUTS + ", got " + inputs);
        }
        if (!problems.isEmpty()) {
            throw new InvalidBundleException(bundle, String.join("; ", problems));
        }
        return new TeacherManifest(id, version, engine, model, tokenizer, labels, maxLength, pooling, head,
                temperature, inputs);
    }

    /** The files whose bytes make up the bundle's version. */
    public List<String> contentFiles() {
        List<String> files = new ArrayList<>(List.of(model, tokenizer));
        head.ifPresent(files::add);
        return files;
    }

    /** This manifest with another version, e.g. the one {@link BundleVersion} computes. */
    public TeacherManifest withVersion(String newVersion) {
        return new TeacherManifest(id, newVersion, engine, model, tokenizer, labels, maxLength, pooling, head,
                temperature, inputs);
    }

    /** Writes {@code teacher.properties} into the bundle directory. */
    public void write(Path bundle) {
        StringBuilder text = new StringBuilder("# Distillery teacher bundle (see TeacherManifest)\n");
        text.append("id=").append(id).append('\n')
                .append("version=").append(version).append('\n')
                .append("engine=").append(engine.manifestName()).append('\n')
                .append("model=").append(model).append('\n')
                .append("tokenizer=").append(tokenizer).append('\n')
                .append("labels=").append(String.join(",", labels)).append('\n')
                .append("max_length=").append(maxLength).append('\n')
                .append("pooling=").append(pooling.manifestName()).append('\n')
                .append("head=").append(head.orElse("none")).append('\n')
                .append("temperature=").append(temperature).append('\n')
                .append("inputs=").append(String.join(",", inputs)).append('\n');
        try (Writer writer = Files.newBufferedWriter(bundle.resolve(FILE_NAME), StandardCharsets.UTF_8)) {
            writer.write(text.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String required(Properties props, String key, List<String> problems) {
        String value = props.getProperty(key);
        if (value == null || value.isBlank()) {
            problems.add("missing '" + key + "'");
            return null;
        }
        return value.trim();
    }

    private static String existingFile(Path bundle, Properties props, String key, List<String> problems) {
        String name = required(props, key, problems);
        if (name == null) {
            return null;
        }
        Path file = bundle.resolve(name).normalize();
        if (!file.startsWith(bundle.normalize())) {
            problems.add(key + " '" + name + "' points outside the bundle");
        } else if (!Files.isRegularFile(file)) {
            problems.add(key + " file '" + name + "' does not exist");
        }
        return name;
    }

    private static <T> T parsed(Properties props, String key, Function<String, T> parser,
                                List<String> problems) {
        String value = required(props, key, problems);
        if (value == null) {
            return null;
        }
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            problems.add(key + ": " + (e instanceof NumberFormatException ? "not a number: '" + value + "'" : e.getMessage()));
            return null;
        }
    }

    private static List<String> list(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
