package io.distillery.teacher;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loaded teacher bundle: its manifest and the DJL model that turns texts into raw logits.
 * Predictors are not thread-safe: each worker takes its own with {@link #newPredictor()}.
 *
 * <pre>{@code
 * try (Teacher teacher = Teacher.load(bundle, DeviceChoice.AUTO);
 *      Predictor<String, float[]> predictor = teacher.newPredictor()) {
 *     List<float[]> logits = predictor.batchPredict(texts);
 * }
 * }</pre>
 */
public final class Teacher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Teacher.class);

    private final TeacherManifest manifest;
    private final Device device;
    private final HuggingFaceTokenizer tokenizer;
    private final TeacherTranslator translator;
    private final ZooModel<String, float[]> model;

    private Teacher(TeacherManifest manifest, Device device, HuggingFaceTokenizer tokenizer,
                    TeacherTranslator translator, ZooModel<String, float[]> model) {
        this.manifest = manifest;
        this.device = device;
        this.tokenizer = tokenizer;
        this.translator = translator;
        this.model = model;
    }

    /**
     * Validates the bundle (manifest, files, version, head shape), then loads it on the chosen
     * device and logs where it runs.
     */
    public static Teacher load(Path bundle, DeviceChoice deviceChoice) throws IOException {
        return load(bundle, deviceChoice, CpuThreads.DEFAULT);
    }

    /** As {@link #load(Path, DeviceChoice)}, using the CPU as {@code threads} says. */
    public static Teacher load(Path bundle, DeviceChoice deviceChoice, CpuThreads threads) throws IOException {
        TeacherManifest manifest = TeacherManifest.read(bundle);
        BundleVersion.verify(bundle, manifest);
        LinearHead head = null;
        if (manifest.head().isPresent()) {
            head = LinearHead.read(bundle.resolve(manifest.head().get()));
            if (head.classes() != manifest.labels().size()) {
                throw new InvalidBundleException(bundle, "the head has " + head.classes() + " outputs but there are "
                        + manifest.labels().size() + " labels " + manifest.labels());
            }
        }
        Device device = deviceChoice.resolve(manifest.engine());
        HuggingFaceTokenizer tokenizer = TeacherTranslator.tokenizer(bundle.resolve(manifest.tokenizer()),
                manifest.maxLength());
        TeacherTranslator translator = new TeacherTranslator(tokenizer, manifest.inputs(), manifest.pooling(), head);
        try {
            ZooModel<String, float[]> model = ModelLoader.load(manifest.engine(), bundle.resolve(manifest.model()),
                    translator, device, threads);
            LOG.info("teacher {} ({}) loaded: engine {} on {} (device {} requested{}), {}", manifest.id(),
                    manifest.version().substring(0, Math.min(19, manifest.version().length())),
                    manifest.engine().djlEngineName(), device.isGpu() ? "GPU " + device : "CPU",
                    deviceChoice.name().toLowerCase(java.util.Locale.ROOT),
                    deviceChoice == DeviceChoice.AUTO && !device.isGpu() ? ", no GPU found" : "",
                    threads);
            return new Teacher(manifest, device, tokenizer, translator, model);
        } catch (ModelNotFoundException | MalformedModelException | RuntimeException e) {
            tokenizer.close();
            throw new InvalidBundleException(bundle, "the " + manifest.engine().manifestName() + " model "
                    + manifest.model() + " does not load: " + e.getMessage(), e);
        }
    }

    public TeacherManifest manifest() {
        return manifest;
    }

    public List<String> labels() {
        return manifest.labels();
    }

    /** Where the model runs. */
    public Device device() {
        return device;
    }

    /** The translator (for tokenization diagnostics). */
    public TeacherTranslator translator() {
        return translator;
    }

    /** A predictor for one thread; close it after use. */
    public Predictor<String, float[]> newPredictor() {
        return model.newPredictor();
    }

    /** Whether a directory looks like a teacher bundle (has a manifest). */
    public static boolean isBundle(Path dir) {
        return Files.isRegularFile(dir.resolve(TeacherManifest.FILE_NAME));
    }

    @Override
    public void close() {
        model.close();
        tokenizer.close();
    }
}
