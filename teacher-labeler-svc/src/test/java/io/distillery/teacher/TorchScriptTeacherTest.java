package io.distillery.teacher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.inference.Predictor;
import io.distillery.teacher.fit.PretrainedEncoder;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TorchScript path, as a user exporting a fine-tuned Hugging Face classifier takes it: a tiny
 * BERT-shaped classifier is traced by Python at test time (never committed), bundled with a real
 * tokenizer.json, and DJL on PyTorch must give Python's logits from padded, ragged batches.
 */
class TorchScriptTeacherTest {

    private static final int MAX_LENGTH = 24;

    @TempDir
    Path bundle;

    @Test
    void djlLogitsMatchPythonOnRaggedBatches() throws Exception {
        PythonTorch.assumeAvailable();
        PretrainedEncoder.MINILM_L6_Q.copyTo(bundle);
        Files.delete(bundle.resolve(PretrainedEncoder.MODEL_FILE));
        List<String> texts = List.of("Great phone!", "", "The battery died after two days and support never answered.",
                "ok", "so " + "very ".repeat(100) + "long that it is truncated");

        // The ids Python must see are the ones our tokenizer gives: no padding, truncated at max_length.
        List<long[]> ids = new ArrayList<>();
        try (var tokenizer = TeacherTranslator.tokenizer(bundle.resolve(PretrainedEncoder.TOKENIZER_FILE), MAX_LENGTH)) {
            for (String text : texts) {
                ids.add(tokenizer.encode(text).getIds());
            }
        }
        assertEquals(MAX_LENGTH, ids.get(4).length, "the long text is truncated");
        Path idsFile = bundle.resolve("ids.txt");
        Files.write(idsFile, ids.stream().map(row -> Arrays.stream(row).mapToObj(Long::toString)
                .collect(Collectors.joining(" "))).toList());
        Path script = bundle.resolve("trace_tiny_classifier.py");
        try (InputStream in = getClass().getResourceAsStream("trace_tiny_classifier.py")) {
            Files.copy(in, script);
        }
        assertEquals(0, PythonTorch.run(List.of(PythonTorch.PYTHON.toString(), script.toString(), bundle.toString(),
                idsFile.toString()), 5), "tracing failed");
        List<float[]> expected = Files.readAllLines(bundle.resolve("expected_logits.txt")).stream()
                .map(TorchScriptTeacherTest::floats).toList();
        Files.delete(idsFile);
        Files.delete(script);
        Files.delete(bundle.resolve("expected_logits.txt"));

        TeacherManifest manifest = new TeacherManifest("tiny-hf-classifier", "sha256:pending",
                TeacherEngine.TORCHSCRIPT, "model.pt", PretrainedEncoder.TOKENIZER_FILE, List.of("negative", "positive"),
                MAX_LENGTH, Pooling.NONE, Optional.empty(), 2.0, TeacherManifest.DEFAULT_INPUTS);
        manifest.withVersion(BundleVersion.compute(bundle, manifest)).write(bundle);

        try (Teacher teacher = Teacher.load(bundle, DeviceChoice.AUTO);
             Predictor<String, float[]> predictor = teacher.newPredictor()) {
            assertFalse(teacher.device().isGpu());
            List<float[]> batched = predictor.batchPredict(texts);
            List<float[]> pair = predictor.batchPredict(texts.subList(1, 3));
            for (int i = 0; i < texts.size(); i++) {
                assertArrayEquals(expected.get(i), batched.get(i), 1e-5f, "ragged batch, text " + i);
                assertArrayEquals(expected.get(i), predictor.predict(texts.get(i)), 1e-5f, "alone, text " + i);
            }
            assertArrayEquals(expected.get(1), pair.get(0), 1e-5f);
            assertArrayEquals(expected.get(2), pair.get(1), 1e-5f);
        }
    }

    private static float[] floats(String line) {
        String[] parts = line.trim().split(" ");
        float[] values = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            values[i] = Float.parseFloat(parts[i]);
        }
        return values;
    }
}
