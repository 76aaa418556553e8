package io.distillery.teacher;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import java.io.IOException;
import java.nio.file.Path;

/** The one place a model file becomes a DJL model: Criteria with our translator, engine and device. */
public final class ModelLoader {

    /** DJL's PyTorch engine reads this once, when it starts: it is process-wide. */
    static final String PYTORCH_THREADS_PROPERTY = "ai.djl.pytorch.num_threads";

    private ModelLoader() {
    }

    static int requireThreads(int intraOpThreads) {
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intra-op threads must be 0 (engine default) or more, not " + intraOpThreads);
        }
        return intraOpThreads;
    }

    /**
     * @param intraOpThreads threads one model call may use on the CPU; 0 leaves the engine's
     *                       default (every core). Several labellers on one machine each take their
     *                       share, so they do not fight over the same cores.
     */
    public static ZooModel<String, float[]> load(TeacherEngine engine, Path modelFile, TeacherTranslator translator,
                                          Device device, int intraOpThreads) throws IOException, ModelNotFoundException,
            MalformedModelException {
        requireThreads(intraOpThreads);
        Criteria.Builder<String, float[]> criteria = Criteria.builder()
                .setTypes(String.class, float[].class)
                .optEngine(engine.djlEngineName())
                .optModelPath(modelFile)
                .optTranslator(translator)
                .optDevice(device);
        if (engine == TeacherEngine.TORCHSCRIPT) {
            // A model traced on a GPU must still load on a CPU-only machine.
            criteria.optOption("mapLocation", "true");
        }
        if (intraOpThreads > 0) {
            if (engine == TeacherEngine.ONNX) {
                criteria.optOption("intraOpNumThreads", Integer.toString(intraOpThreads));
            } else {
                System.setProperty(PYTORCH_THREADS_PROPERTY, Integer.toString(intraOpThreads));
            }
        }
        return criteria.build().loadModel();
    }
}
