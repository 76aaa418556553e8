package io.distillery.student;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import io.distillery.schemas.StudentKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The BiLSTM student and the parameter-order fix for DJL's bidirectional LSTM on PyTorch. */
class BiLstmTest {

    private static final StudentTokenizer TOKENIZER = TestTokenizers.miniLm();

    private static Architecture small() {
        return new Architecture(StudentKind.BILSTM, TOKENIZER.vocabSize(), 2, 32, 16, 12, 16, 0f);
    }

    /** Why the fix exists: DJL registers all weights before all biases, torch reads w, w, b, b per direction. */
    @Test
    void djlsOwnLstmOrdersParametersByTypeNotByDirection() {
        LSTM lstm = LSTM.builder().setStateSize(4).setNumLayers(1).optBidirectional(true).optHasBiases(true).build();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), Student.ENGINE)) {
            lstm.initialize(manager, DataType.FLOAT32, new Shape(2, 3, 5));
            List<Parameter.Type> types = lstm.getParameters().values().stream().map(Parameter::getType).toList();
            // torch::lstm expects [W, W, B, B, W, W, B, B]; if DJL ever emits that, this fix can go.
            assertEquals(List.of(Parameter.Type.WEIGHT, Parameter.Type.WEIGHT, Parameter.Type.WEIGHT, Parameter.Type.WEIGHT,
                    Parameter.Type.BIAS, Parameter.Type.BIAS, Parameter.Type.BIAS, Parameter.Type.BIAS), types);
        }
    }

    @Test
    void ourLstmHandsTorchItsOrder() {
        TorchOrderBiLstm lstm = new TorchOrderBiLstm(5, 4);
        List<String> names = lstm.getParameters().values().stream().map(Parameter::getName).toList();
        assertEquals(List.of("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_ih_l0_reverse",
                "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse"), names);
    }

    /**
     * On an unpadded batch the fused bidirectional call (all eight tensors in one list) and the two
     * single-direction calls the classifier uses must give the same features: this only holds if
     * torch reads each tensor where we meant it.
     */
    @Test
    void fusedBidirectionalCallMatchesTwoSingleDirectionPasses() {
        try (Student student = Student.create(small(), List.of("a", "b"), TOKENIZER, 3);
             NDManager scope = student.manager().newSubManager()) {
            BiLstmClassifier block = (BiLstmClassifier) student.block();
            ParameterStore store = new ParameterStore(scope, false);
            int batch = 3;
            int length = 7;
            int hidden = 12;
            Random random = new Random(1);
            long[] ids = new long[batch * length];
            long[] reversed = new long[batch * length];
            float[] last = new float[batch * length];
            for (int b = 0; b < batch; b++) {
                for (int t = 0; t < length; t++) {
                    ids[b * length + t] = 1000 + random.nextInt(5000);
                }
                for (int t = 0; t < length; t++) {
                    reversed[b * length + t] = ids[b * length + length - 1 - t];
                }
                last[b * length + length - 1] = 1f;
            }
            Shape shape = new Shape(batch, length);
            NDArray x = block.embed(store, scope.create(ids, shape), false);
            NDArray fused = block.lstm().fused(store, x, false);
            assertEquals(new Shape(batch, length, 2 * hidden), fused.getShape());
            NDArray fusedFeatures = fused.get(":, -1, :" + hidden).concat(fused.get(":, 0, " + hidden + ":"), 1);
            NDArray twoPass = block.lstm().forward(store,
                    new NDList(x, block.embed(store, scope.create(reversed, shape), false), scope.create(last, shape)), false).head();
            assertArrayEquals(fusedFeatures.toFloatArray(), twoPass.toFloatArray(), 1e-5f);
        }
    }

    @Test
    void paddingDoesNotChangeAPrediction() {
        try (Student student = Student.create(small(), List.of("a", "b"), TOKENIZER, 5)) {
            String text = "The food was cold.";
            float[] alone = student.logits(List.of(text))[0];
            float[] padded = student.logits(List.of("a far longer review that forces several pad tokens onto the first one", text))[1];
            assertArrayEquals(alone, padded, 1e-5f);
        }
    }

    /** Inference with a helper thread (the two directions at once) gives the fused call's logits. */
    @Test
    void directionsOnTwoThreadsGiveTheFusedCallsLogits() {
        List<String> texts = List.of("The food was cold.", "a far longer review that runs on and on about the plot", "ok");
        try (Student student = Student.create(small(), List.of("a", "b"), TOKENIZER, 5)) {
            DirectionWorkers.enable(false);
            List<float[]> fused = texts.stream().map(text -> student.logits(List.of(text))[0]).toList();
            DirectionWorkers.enable(true);
            assumeTrue(DirectionWorkers.enabled(), "one core: no helper thread");
            long before = DirectionWorkers.pairs();
            for (int i = 0; i < texts.size(); i++) {
                assertArrayEquals(fused.get(i), student.logits(List.of(texts.get(i)))[0], 1e-5f, texts.get(i));
            }
            assertEquals(before + texts.size(), DirectionWorkers.pairs(), "every text took the two-thread path");
        } finally {
            DirectionWorkers.enable(true);
        }
    }

    /**
     * Backward through the BiLSTM gives finite, non-zero gradients for every tensor on both paths
     * (rows of one length take the fused call, padded rows the two single-direction calls), and the
     * loss falls.
     */
    @Test
    void backwardIsFiniteAndTheLossFallsOnAToyTask() {
        int[] gold = new int[64];
        for (int i = 0; i < gold.length; i++) {
            gold[i] = i % 2;
        }
        List<String> texts = toyTexts(gold, 6, 6);
        List<String> ragged = toyTexts(gold, 3, 9);
        assertEquals(1, Arrays.stream(TOKENIZER.encode(texts, 32).lengths()).distinct().count(), "unpadded batch");
        assertTrue(Arrays.stream(TOKENIZER.encode(ragged, 32).lengths()).distinct().count() > 1, "padded batch");
        try (Student student = Student.create(small(), List.of("negative", "positive"), TOKENIZER, 7)) {
            assertEveryGradientFiniteAndNonZero(student, texts, gold);
            assertEveryGradientFiniteAndNonZero(student, ragged, gold);
            TrainingSession session = new TrainingSession(student, DistillationLoss.hinton(1f, 0f), Tracker.fixed(0.01f), 1f);
            float first = session.step(ragged, null, gold);
            float lastLoss = first;
            for (int step = 0; step < 40; step++) {
                lastLoss = session.step(ragged, null, gold);
                assertTrue(Double.isFinite(session.lastGradNorm()));
            }
            assertTrue(lastLoss < first * 0.5, "loss " + first + " -> " + lastLoss);
            long right = 0;
            List<String> predicted = student.predict(ragged);
            for (int i = 0; i < gold.length; i++) {
                right += predicted.get(i).equals(student.labels().get(gold[i])) ? 1 : 0;
            }
            assertTrue(right >= 60, right + "/64 right after training");
        }
    }

    /** Texts of {@code minWords..maxWords} one-token words with one sentiment word deciding the label. */
    private static List<String> toyTexts(int[] gold, int minWords, int maxWords) {
        List<String> texts = new ArrayList<>();
        Random random = new Random(11);
        String[] filler = {"the", "movie", "was", "really", "quite", "and", "plot", "actors", "it", "food"};
        for (int label : gold) {
            int words = minWords + random.nextInt(maxWords - minWords + 1);
            int position = random.nextInt(words);
            StringBuilder text = new StringBuilder();
            for (int w = 0; w < words; w++) {
                text.append(w == position ? (label == 1 ? "wonderful" : "terrible") : filler[random.nextInt(filler.length)]).append(' ');
            }
            texts.add(text.toString().trim());
        }
        return texts;
    }

    private static void assertEveryGradientFiniteAndNonZero(Student student, List<String> texts, int[] gold) {
        try (NDManager scope = student.manager().newSubManager()) {
            NDArray goldArray = scope.create(Arrays.stream(gold).asLongStream().toArray());
            try (GradientCollector collector = Engine.getEngine(Student.ENGINE).newGradientCollector()) {
                NDArray logits = student.forward(scope, TOKENIZER.encode(texts, 32), true);
                collector.backward(DistillationLoss.hinton(1f, 0f).evaluate(logits, null, goldArray));
            }
            for (Pair<String, Parameter> pair : student.block().getParameters()) {
                NDArray grad = pair.getValue().getArray().getGradient();
                grad.attach(scope);
                float norm = grad.square().sum().getFloat();
                assertTrue(Float.isFinite(norm), pair.getKey() + " gradient not finite");
                assertTrue(norm > 0, pair.getKey() + " got no gradient");
                grad.muli(0);
            }
        }
    }
}
