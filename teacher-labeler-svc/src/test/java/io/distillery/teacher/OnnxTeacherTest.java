package io.distillery.teacher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.ZooModel;
import io.distillery.datasets.LabelledSentence;
import io.distillery.datasets.Split;
import io.distillery.datasets.UciSentiment;
import io.distillery.teacher.fit.BatchedInference;
import io.distillery.teacher.fit.PretrainedEncoder;
import io.distillery.teacher.fit.SoftmaxHeadTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ONNX path end to end with a real pretrained encoder (MiniLM-L6: fp32 90 MB, int8 23 MB). */
class OnnxTeacherTest {

    @TempDir
    Path dir;

    @Test
    void raggedBatchGivesTheSameLogitsAsOneByOne() throws Exception {
        // fp32 MiniLM: the int8 one quantizes activations per batch, so its outputs move a little
        // with the batch's other texts (see quantizedModelDependsSlightlyOnBatchMates).
        Path bundle = TestBundles.bundle(dir, PretrainedEncoder.MINILM_L6, TestBundles.randomHead(2, 384, 7), 128);
        List<String> texts = List.of("Great product, works perfectly.", "no",
                "The plot was thin, the acting wooden and the ending made no sense at all.", "",
                "meh " + "really ".repeat(500) + "bad");

        try (Teacher teacher = Teacher.load(bundle, DeviceChoice.AUTO);
             Predictor<String, float[]> predictor = teacher.newPredictor()) {
            assertFalse(teacher.device().isGpu(), "this machine kind has no GPU");
            assertEquals(List.of("negative", "positive"), teacher.labels());
            List<float[]> batched = predictor.batchPredict(texts);
            for (int i = 0; i < texts.size(); i++) {
                float[] alone = predictor.predict(texts.get(i));
                assertEquals(2, alone.length);
                assertArrayEquals(alone, batched.get(i), 1e-4f, "padding must not change text " + i);
            }
        }
    }

    @Test
    void aCappedOrSpinningThreadPoolGivesTheSameLogits() throws Exception {
        // intra-op threads split the work of one call and may spin or block between calls: neither may change its result
        Path bundle = TestBundles.bundle(dir, PretrainedEncoder.MINILM_L6, TestBundles.randomHead(2, 384, 7), 128);
        List<String> texts = List.of("Great product, works perfectly.", "The plot was thin and the acting wooden.");
        List<float[]> allCores;
        try (Teacher teacher = Teacher.load(bundle, DeviceChoice.CPU);
             Predictor<String, float[]> predictor = teacher.newPredictor()) {
            allCores = predictor.batchPredict(texts);
        }
        for (CpuThreads threads : List.of(CpuThreads.perCall(1), new CpuThreads(0, true))) {
            try (Teacher teacher = Teacher.load(bundle, DeviceChoice.CPU, threads);
                 Predictor<String, float[]> predictor = teacher.newPredictor()) {
                List<float[]> logits = predictor.batchPredict(texts);
                for (int i = 0; i < texts.size(); i++) {
                    assertArrayEquals(allCores.get(i), logits.get(i), 1e-4f, threads + ", text " + i);
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> CpuThreads.perCall(-1));
    }

    @Test
    void quantizedModelDependsSlightlyOnBatchMates() throws Exception {
        // Dynamic int8 quantization takes its scale from the whole batch tensor, so a text's vector
        // moves with its batch mates (cosine down to ~0.97): the fp32 encoders do not have this.
        List<String> texts = UciSentiment.split(Split.TEST).stream().limit(64).map(LabelledSentence::text).toList();
        try (PretrainedEncoderFiles files = PretrainedEncoderFiles.miniLm(dir);
             ZooModel<String, float[]> model = files.poolingModel();
             Predictor<String, float[]> predictor = model.newPredictor()) {
            List<float[]> batched = predictor.batchPredict(texts);
            double lowest = 1;
            for (int i = 0; i < texts.size(); i++) {
                lowest = Math.min(lowest, TestBundles.cosine(predictor.predict(texts.get(i)), batched.get(i)));
            }
            System.out.printf("int8 MiniLM: lowest cosine between a text alone and in a batch of 64: %.5f%n", lowest);
            assertTrue(lowest > 0.95, "cosine " + lowest); // measured 0.972 here
        }
    }

    @Test
    void headTrainedOnRealEmbeddingsSeparatesSentiment() throws Exception {
        // A quick `teacher fit` on a slice of the data: the ONNX path yields useful features, and a
        // bundle of encoder + trained head classifies unseen sentences.
        List<LabelledSentence> train = UciSentiment.split(Split.TRAIN).subList(0, 400);
        List<LabelledSentence> test = UciSentiment.split(Split.TEST).subList(0, 150);
        float[][] trainX;
        try (PretrainedEncoderFiles files = PretrainedEncoderFiles.miniLm(dir.resolve("encoder"));
             ZooModel<String, float[]> model = files.poolingModel();
             Predictor<String, float[]> predictor = model.newPredictor()) {
            trainX = BatchedInference.run(predictor, texts(train), 32).toArray(float[][]::new);
        }
        LinearHead head = new SoftmaxHeadTrainer(300, 0.02).fit(trainX, labels(train), 2, 0.1);

        Path bundle = TestBundles.miniLm(dir.resolve("bundle"), head, 128);
        List<float[]> logits;
        try (Teacher teacher = Teacher.load(bundle, DeviceChoice.CPU);
             Predictor<String, float[]> predictor = teacher.newPredictor()) {
            logits = predictor.batchPredict(texts(test));
        }
        int right = 0;
        for (int i = 0; i < test.size(); i++) {
            right += TeacherMetrics.argmax(logits.get(i)) == labels(test)[i] ? 1 : 0;
        }
        double accuracy = (double) right / test.size();
        assertTrue(accuracy > 0.8, "accuracy " + accuracy);
    }

    @Test
    void headOfTheWrongShapeIsRefusedAtLoad() throws Exception {
        Path bundle = TestBundles.miniLm(dir, TestBundles.randomHead(3, 384, 1), 128);

        InvalidBundleException e = assertThrows(InvalidBundleException.class,
                () -> Teacher.load(bundle, DeviceChoice.CPU));
        assertTrue(e.getMessage().contains("the head has 3 outputs but there are 2 labels"), e.getMessage());
    }

    @Test
    void corruptModelFileIsAClearBundleError() throws Exception {
        Path bundle = TestBundles.miniLm(dir, TestBundles.randomHead(2, 384, 1), 128);
        Files.writeString(bundle.resolve("model.onnx"), "garbage");
        TeacherManifest manifest = TeacherManifest.read(bundle);
        manifest.withVersion(BundleVersion.compute(bundle, manifest)).write(bundle);

        InvalidBundleException e = assertThrows(InvalidBundleException.class,
                () -> Teacher.load(bundle, DeviceChoice.CPU));
        assertTrue(e.getMessage().contains("the onnx model model.onnx does not load"), e.getMessage());
    }

    @Test
    void gpuOnAMachineWithoutOneFailsClearly() throws Exception {
        Path bundle = TestBundles.miniLm(dir, TestBundles.randomHead(2, 384, 1), 128);
        org.junit.jupiter.api.Assumptions.assumeTrue(
                ai.djl.engine.Engine.getEngine("OnnxRuntime").getGpuCount() == 0, "this machine has a GPU");

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Teacher.load(bundle, DeviceChoice.GPU));
        assertTrue(e.getMessage().contains("sees no GPU"), e.getMessage());
    }

    private static List<String> texts(List<LabelledSentence> sentences) {
        return new ArrayList<>(sentences.stream().map(LabelledSentence::text).toList());
    }

    private static int[] labels(List<LabelledSentence> sentences) {
        return sentences.stream().mapToInt(s -> UciSentiment.LABELS.indexOf(s.label())).toArray();
    }
}
