package io.distillery.teacher;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The one place a model file becomes a DJL model with our translator, engine and device: through
 * Criteria for TorchScript, through DJL's Model API for ONNX (see {@link #loadOnnx}).
 */
public final class ModelLoader {

    /** DJL's PyTorch engine reads this once, when it starts: it is process-wide. */
    static final String PYTORCH_THREADS_PROPERTY = "ai.djl.pytorch.num_threads";

    private ModelLoader() {
    }

    public static ZooModel<String, float[]> load(TeacherEngine engine, Path modelFile, TeacherTranslator translator,
                                                 Device device, CpuThreads threads) throws IOException,
            ModelNotFoundException, MalformedModelException {
        if (engine == TeacherEngine.ONNX) {
            return loadOnnx(modelFile, translator, device, threads);
        }
        if (threads.perCall() > 0) {
            System.setProperty(PYTORCH_THREADS_PROPERTY, Integer.toString(threads.perCall()));
        }
        return Criteria.builder()
                .setTypes(String.class, float[].class)
                .optEngine(engine.djlEngineName())
                .optModelPath(modelFile)
                .optTranslator(translator)
                .optDevice(device)
                .optOption("mapLocation", "true") // a model traced on a GPU must still load on a CPU-only machine
                .build().loadModel();
    }

    /**
     * ONNX Runtime through DJL's engine, with a session option Criteria cannot carry (its options
     * are strings): whether idle intra-op threads spin ({@link CpuThreads#spin}). DJL's ONNX model
     * takes a {@code SessionOptions} object under "sessionOptions" in {@code Model.load}'s map, so
     * this path builds the model with DJL's Model API and wraps it with our translator as Criteria
     * would. ONNX Runtime wants the options open while the session lives: the model closes them.
     */
    private static ZooModel<String, float[]> loadOnnx(Path modelFile, TeacherTranslator translator, Device device,
                                                      CpuThreads threads) throws IOException, MalformedModelException {
        String name = modelFile.getFileName().toString();
        Model model = Model.newInstance(name, device, TeacherEngine.ONNX.djlEngineName());
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.addConfigEntry("session.intra_op.allow_spinning", threads.spin() ? "1" : "0");
            if (threads.perCall() > 0) {
                options.setIntraOpNumThreads(threads.perCall());
            }
            model.load(modelFile.getParent(), name, Map.of("sessionOptions", options));
            return new OnnxModel(model, translator, options);
        } catch (OrtException e) {
            model.close();
            options.close();
            throw new MalformedModelException("ONNX Runtime refused the session options: " + e.getMessage(), e);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            options.close();
            throw e;
        }
    }

    /** A loaded ONNX model that closes its session options after its session. */
    private static final class OnnxModel extends ZooModel<String, float[]> {

        private final OrtSession.SessionOptions options;

        OnnxModel(Model model, TeacherTranslator translator, OrtSession.SessionOptions options) {
            super(model, translator);
            this.options = options;
        }

        @Override
        public void close() {
            try {
                super.close();
            } finally {
                options.close();
            }
        }
    }
}
