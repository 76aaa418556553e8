package io.distillery.teacher.fit;

import ai.djl.Device;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.ZooModel;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.distillery.formats.EmbeddingTable;
import io.distillery.teacher.CpuThreads;
import io.distillery.teacher.DeviceChoice;
import io.distillery.teacher.ModelLoader;
import io.distillery.teacher.Teacher;
import io.distillery.teacher.TeacherManifest;
import io.distillery.teacher.TeacherTranslator;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The teacher's own view of every token of its vocabulary, as a table its students can start
 * from (after Model2Vec): each token's text ({@code ##} of a word piece dropped) goes through the
 * encoder alone and its output is pooled as the teacher pools. Unlike the encoder's input
 * embeddings, these rows carry what the teacher's layers make of a word, sentiment included, so a
 * student starting from them knows words its training stream has not shown it yet. Written into
 * the bundle as {@value EmbeddingTable#FILE_NAME} (not part of the bundle's version: it is derived
 * from the model and tokenizer the version covers); the trainer reads it
 * ({@code distillery.trainer.model.embeddings}).
 *
 * <pre>
 * StudentEmbeddings --bundle DIR [--device auto|cpu|gpu]
 * </pre>
 */
public final class StudentEmbeddings {

    private static final int BATCH_SIZE = 256;

    private StudentEmbeddings() {
    }

    public static void main(String[] args) throws Exception {
        Path bundle = null;
        DeviceChoice device = DeviceChoice.AUTO;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--bundle" -> bundle = Path.of(args[i + 1]).toAbsolutePath();
                case "--device" -> device = DeviceChoice.parse(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (bundle == null || !Teacher.isBundle(bundle)) {
            System.err.println("usage: StudentEmbeddings --bundle DIR [--device auto|cpu|gpu] (DIR: a teacher bundle)");
            System.exit(2);
        }
        Path file = write(bundle, device);
        System.out.println("student embeddings written to " + file);
    }

    /** Computes the table for a bundle and writes it into the bundle; returns the file. */
    public static Path write(Path bundle, DeviceChoice deviceChoice) throws Exception {
        TeacherManifest manifest = TeacherManifest.read(bundle);
        List<String> tokens = vocabulary(bundle.resolve(manifest.tokenizer()));
        long started = System.nanoTime();
        Device device = deviceChoice.resolve(manifest.engine());
        List<float[]> rows;
        try (HuggingFaceTokenizer tokenizer = TeacherTranslator.tokenizer(bundle.resolve(manifest.tokenizer()), manifest.maxLength());
             ZooModel<String, float[]> encoder = ModelLoader.load(manifest.engine(), bundle.resolve(manifest.model()),
                     new TeacherTranslator(tokenizer, manifest.inputs(), manifest.pooling(), null), device, CpuThreads.DEFAULT);
             Predictor<String, float[]> predictor = encoder.newPredictor()) {
            rows = BatchedInference.run(predictor, tokens, BATCH_SIZE);
        }
        int width = rows.get(0).length;
        float[] values = new float[tokens.size() * width];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, values, i * width, width);
        }
        Path file = bundle.resolve(EmbeddingTable.FILE_NAME);
        new EmbeddingTable(tokens.size(), width, values).write(file);
        System.out.printf(Locale.ROOT, "student embeddings: %,d tokens x %d through %s in %.0f s%n", tokens.size(), width,
                manifest.id(), (System.nanoTime() - started) / 1e9);
        return file;
    }

    /** Token texts by id from tokenizer.json's model.vocab, a word piece's {@code ##} dropped; gaps become "". */
    static List<String> vocabulary(Path tokenizerJson) throws IOException {
        JsonObject vocab;
        try (Reader reader = Files.newBufferedReader(tokenizerJson, StandardCharsets.UTF_8)) {
            JsonObject model = JsonParser.parseReader(reader).getAsJsonObject().getAsJsonObject("model");
            if (model == null || !model.has("vocab") || !model.get("vocab").isJsonObject()) {
                throw new IOException(tokenizerJson + " has no model.vocab map (a WordPiece or BPE tokenizer is needed)");
            }
            vocab = model.getAsJsonObject("vocab");
        }
        int size = 0;
        for (Map.Entry<String, JsonElement> entry : vocab.entrySet()) {
            size = Math.max(size, entry.getValue().getAsInt() + 1);
        }
        List<String> tokens = new ArrayList<>(java.util.Collections.nCopies(size, ""));
        for (Map.Entry<String, JsonElement> entry : vocab.entrySet()) {
            String token = entry.getKey();
            tokens.set(entry.getValue().getAsInt(), token.startsWith("##") && token.length() > 2 ? token.substring(2) : token);
        }
        return tokens;
    }
}
