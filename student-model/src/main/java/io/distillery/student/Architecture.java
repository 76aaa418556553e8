package io.distillery.student;

import io.distillery.schemas.StudentKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every setting needed to rebuild a student network before its weights are loaded; what a
 * checkpoint's {@code architecture.hyperparameters} map holds ({@link #toMap()}/{@link #fromMap}).
 *
 * <ul>
 *   <li>{@link StudentKind#BAG_OF_EMBEDDINGS_MLP} (seed 004): embedding → mean over real tokens →
 *       one hidden layer (ReLU, dropout) → logits. Uses {@code hidden_size}; no classifier hidden.</li>
 *   <li>{@link StudentKind#BILSTM} (seed 001, Tang et al.): embedding → one bidirectional LSTM layer
 *       of {@code hidden_size} per direction → [forward state at the last real token; backward state
 *       at the first] → Linear({@code classifier_hidden_size}) → ReLU → dropout → logits.</li>
 * </ul>
 *
 * @param kind                 network family
 * @param vocabSize            rows of the embedding table; must equal the tokenizer's vocabulary size
 * @param numClasses           outputs; must equal the number of label names
 * @param maxLength            tokens per text after truncation (special tokens included)
 * @param embeddingSize        embedding width
 * @param hiddenSize           MLP hidden layer width, or LSTM state size per direction
 * @param classifierHiddenSize BiLSTM classifier hidden layer width (0 for the MLP)
 * @param dropout              dropout rate before the output layer
 */
public record Architecture(StudentKind kind, int vocabSize, int numClasses, int maxLength, int embeddingSize,
                           int hiddenSize, int classifierHiddenSize, float dropout) {

    public static final String VOCAB_SIZE = "vocab_size";
    public static final String NUM_CLASSES = "num_classes";
    public static final String MAX_LENGTH = "max_length";
    public static final String EMBEDDING_SIZE = "embedding_size";
    public static final String HIDDEN_SIZE = "hidden_size";
    public static final String CLASSIFIER_HIDDEN_SIZE = "classifier_hidden_size";
    public static final String DROPOUT = "dropout";

    private static final List<String> COMMON_KEYS =
            List.of(VOCAB_SIZE, NUM_CLASSES, MAX_LENGTH, EMBEDDING_SIZE, HIDDEN_SIZE, DROPOUT);

    public Architecture {
        Objects.requireNonNull(kind, "kind");
        positive(VOCAB_SIZE, vocabSize);
        if (numClasses < 2) {
            throw new IllegalArgumentException(NUM_CLASSES + " must be at least 2, was " + numClasses);
        }
        positive(MAX_LENGTH, maxLength);
        positive(EMBEDDING_SIZE, embeddingSize);
        positive(HIDDEN_SIZE, hiddenSize);
        if (kind == StudentKind.BILSTM) {
            positive(CLASSIFIER_HIDDEN_SIZE, classifierHiddenSize);
        } else if (classifierHiddenSize != 0) {
            throw new IllegalArgumentException(CLASSIFIER_HIDDEN_SIZE + " applies to BILSTM only");
        }
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException(DROPOUT + " must be in [0, 1), was " + dropout);
        }
    }

    /** Seed 004's small bag-of-embeddings MLP (embedding 64, hidden 64, dropout 0.1, 64 tokens). */
    public static Architecture mlp(int vocabSize, int numClasses) {
        return new Architecture(StudentKind.BAG_OF_EMBEDDINGS_MLP, vocabSize, numClasses, 64, 64, 64, 0, 0.1f);
    }

    /** Tang et al.'s BiLSTM as seed 001 sets it up (embedding 300, hidden 300, classifier 400, dropout 0.15). */
    public static Architecture bilstm(int vocabSize, int numClasses) {
        return new Architecture(StudentKind.BILSTM, vocabSize, numClasses, 64, 300, 300, 400, 0.15f);
    }

    public Architecture withMaxLength(int value) {
        return new Architecture(kind, vocabSize, numClasses, value, embeddingSize, hiddenSize, classifierHiddenSize, dropout);
    }

    public Architecture withEmbeddingSize(int value) {
        return new Architecture(kind, vocabSize, numClasses, maxLength, value, hiddenSize, classifierHiddenSize, dropout);
    }

    public Architecture withHiddenSize(int value) {
        return new Architecture(kind, vocabSize, numClasses, maxLength, embeddingSize, value, classifierHiddenSize, dropout);
    }

    public Architecture withClassifierHiddenSize(int value) {
        return new Architecture(kind, vocabSize, numClasses, maxLength, embeddingSize, hiddenSize, value, dropout);
    }

    public Architecture withDropout(float value) {
        return new Architecture(kind, vocabSize, numClasses, maxLength, embeddingSize, hiddenSize, classifierHiddenSize, value);
    }

    /** The hyper-parameters as a checkpoint stores them (the kind is stored beside them). */
    public Map<String, String> toMap() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put(VOCAB_SIZE, Integer.toString(vocabSize));
        map.put(NUM_CLASSES, Integer.toString(numClasses));
        map.put(MAX_LENGTH, Integer.toString(maxLength));
        map.put(EMBEDDING_SIZE, Integer.toString(embeddingSize));
        map.put(HIDDEN_SIZE, Integer.toString(hiddenSize));
        if (kind == StudentKind.BILSTM) {
            map.put(CLASSIFIER_HIDDEN_SIZE, Integer.toString(classifierHiddenSize));
        }
        map.put(DROPOUT, Float.toString(dropout));
        return map;
    }

    /**
     * Rebuilds an architecture; refuses keys it does not know (a newer writer's setting could
     * change the network), missing keys and unparsable values, naming the culprit.
     */
    public static Architecture fromMap(StudentKind kind, Map<String, String> map) {
        if (kind == null) {
            throw new IllegalArgumentException("no student kind");
        }
        Set<String> expected = new TreeSet<>(COMMON_KEYS);
        if (kind == StudentKind.BILSTM) {
            expected.add(CLASSIFIER_HIDDEN_SIZE);
        }
        Set<String> unknown = new TreeSet<>(map.keySet());
        unknown.removeAll(expected);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown hyper-parameters for " + kind + ": " + unknown
                    + " (this reader knows " + expected + ")");
        }
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(map.keySet());
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("missing hyper-parameters for " + kind + ": " + missing);
        }
        return new Architecture(kind, intOf(map, VOCAB_SIZE), intOf(map, NUM_CLASSES), intOf(map, MAX_LENGTH),
                intOf(map, EMBEDDING_SIZE), intOf(map, HIDDEN_SIZE),
                kind == StudentKind.BILSTM ? intOf(map, CLASSIFIER_HIDDEN_SIZE) : 0, floatOf(map, DROPOUT));
    }

    private static int intOf(Map<String, String> map, String key) {
        try {
            return Integer.parseInt(map.get(key).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("hyper-parameter " + key + "='" + map.get(key) + "' is not an integer");
        }
    }

    private static float floatOf(Map<String, String> map, String key) {
        try {
            return Float.parseFloat(map.get(key).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("hyper-parameter " + key + "='" + map.get(key) + "' is not a number");
        }
    }

    private static void positive(String key, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + " must be positive, was " + value);
        }
    }
}
