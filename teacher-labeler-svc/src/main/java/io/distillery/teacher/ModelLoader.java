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

    private ModelLoader() {
    }

    public static ZooModel<String, float[]> load(TeacherEngine engine, Path modelFile, TeacherTranslator translator,
                                          Device device) throws IOException, ModelNotFoundException,
            MalformedModelException {
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
        return criteria.build().loadModel();
    }
}
