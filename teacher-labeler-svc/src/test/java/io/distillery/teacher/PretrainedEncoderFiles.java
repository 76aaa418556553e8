package io.distillery.teacher;

import ai.djl.Device;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.repository.zoo.ZooModel;
import io.distillery.teacher.fit.PretrainedEncoder;
import java.nio.file.Path;

/** MiniLM's files in a directory and a model that outputs pooled vectors, as `teacher fit` uses it. */
final class PretrainedEncoderFiles implements AutoCloseable {

    private final Path dir;
    private final HuggingFaceTokenizer tokenizer;

    private PretrainedEncoderFiles(Path dir, HuggingFaceTokenizer tokenizer) {
        this.dir = dir;
        this.tokenizer = tokenizer;
    }

    static PretrainedEncoderFiles miniLm(Path dir) throws Exception {
        PretrainedEncoder.MINILM_L6_Q.copyTo(dir);
        return new PretrainedEncoderFiles(dir,
                TeacherTranslator.tokenizer(dir.resolve(PretrainedEncoder.TOKENIZER_FILE), 128));
    }

    ZooModel<String, float[]> poolingModel() throws Exception {
        return ModelLoader.load(TeacherEngine.ONNX, dir.resolve(PretrainedEncoder.MODEL_FILE),
                new TeacherTranslator(tokenizer, TestBundles.ENCODER_INPUTS, Pooling.MEAN, null), Device.cpu(), CpuThreads.DEFAULT);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
