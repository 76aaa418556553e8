package io.distillery.student;

import ai.djl.MalformedModelException;
import io.distillery.schemas.StudentArchitecture;
import io.distillery.schemas.StudentCheckpoint;
import io.distillery.schemas.TrainingPosition;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A student ⇄ the Avro {@link StudentCheckpoint}. Weights are DJL's {@code Block.saveParameters}
 * stream of the network the architecture rebuilds ({@link #FORMAT_VERSION} 1), with their SHA-256.
 * {@link #decode} refuses, with an {@link InvalidCheckpointException} naming the reason, an unknown
 * format version, weights whose SHA-256 does not match, an architecture it cannot build, label names
 * that do not fit it, and a checkpoint trained with another tokenizer than the one we have.
 */
public final class CheckpointCodec {

    /** Weights = DJL 0.35 {@code Block.saveParameters} of {@link Student#network}. */
    public static final int FORMAT_VERSION = 1;

    private CheckpointCodec() {
    }

    /**
     * @param lineage  the student's name, e.g. {@code bilstm-sentiment}
     * @param parentId the checkpoint training continued from, or null
     * @param position steps, examples and input offsets included in the weights
     * @param metrics  evaluation at checkpoint time (may be empty)
     */
    public static StudentCheckpoint encode(Student student, String lineage, String parentId, TrainingPosition position,
                                           Map<String, Double> metrics, Instant createdAt) {
        byte[] weights = student.weights();
        String sha = Hashing.sha256Hex(weights);
        return StudentCheckpoint.newBuilder()
                .setId(lineage + "-" + position.getSteps() + "-" + sha.substring(0, 12))
                .setLineage(lineage)
                .setParentId(parentId)
                .setFormatVersion(FORMAT_VERSION)
                .setArchitecture(StudentArchitecture.newBuilder()
                        .setKind(student.architecture().kind())
                        .setHyperparameters(new LinkedHashMap<>(student.architecture().toMap()))
                        .build())
                .setTokenizer(student.tokenizer().reference().toAvro())
                .setLabelNames(List.copyOf(student.labels()))
                .setWeights(ByteBuffer.wrap(weights))
                .setWeightsSha256(sha)
                .setTrainingPosition(position)
                .setMetrics(new LinkedHashMap<>(metrics))
                .setCreatedAt(createdAt)
                .build();
    }

    /** The architecture a checkpoint declares, refusing what this reader cannot build. */
    public static Architecture architectureOf(StudentCheckpoint checkpoint) {
        StudentArchitecture declared = checkpoint.getArchitecture();
        try {
            Map<String, String> map = new LinkedHashMap<>();
            declared.getHyperparameters().forEach((k, v) -> map.put(k.toString(), v == null ? null : v.toString()));
            return Architecture.fromMap(declared.getKind(), map);
        } catch (RuntimeException e) {
            throw new InvalidCheckpointException(InvalidCheckpointException.Reason.UNKNOWN_ARCHITECTURE, checkpoint.getId(),
                    "architecture " + declared.getKind() + " " + declared.getHyperparameters() + ": " + e.getMessage(), e);
        }
    }

    /** Rebuilds the student, using {@code tokenizer} (which must be the one it was trained with). */
    public static Student decode(StudentCheckpoint checkpoint, StudentTokenizer tokenizer) {
        String id = checkpoint.getId();
        if (checkpoint.getFormatVersion() != FORMAT_VERSION) {
            throw new InvalidCheckpointException(InvalidCheckpointException.Reason.UNKNOWN_FORMAT_VERSION, id,
                    "format_version " + checkpoint.getFormatVersion() + ", this reader knows " + FORMAT_VERSION, null);
        }
        ByteBuffer buffer = checkpoint.getWeights().duplicate();
        byte[] weights = new byte[buffer.remaining()];
        buffer.get(weights);
        String actual = Hashing.sha256Hex(weights);
        if (!actual.equalsIgnoreCase(checkpoint.getWeightsSha256())) {
            throw new InvalidCheckpointException(InvalidCheckpointException.Reason.CORRUPT_WEIGHTS, id,
                    "weights hash to " + actual + " but weights_sha256 says " + checkpoint.getWeightsSha256(), null);
        }
        Architecture architecture = architectureOf(checkpoint);
        List<String> labels = checkpoint.getLabelNames().stream().map(Object::toString).toList();
        if (labels.size() != architecture.numClasses()) {
            throw new InvalidCheckpointException(InvalidCheckpointException.Reason.INCONSISTENT, id,
                    labels.size() + " label names for " + architecture.numClasses() + " classes", null);
        }
        TokenizerRef declared = TokenizerRef.fromAvro(checkpoint.getTokenizer());
        TokenizerRef have = tokenizer.reference();
        if (!declared.sha256().equals(have.sha256())) {
            throw new InvalidCheckpointException(InvalidCheckpointException.Reason.TOKENIZER_MISMATCH, id,
                    "trained with tokenizer " + declared.name() + " (sha256 " + declared.sha256() + "), we have "
                            + have.name() + " (sha256 " + have.sha256() + ")", null);
        }
        if (tokenizer.vocabSize() != architecture.vocabSize()) {
            throw new InvalidCheckpointException(InvalidCheckpointException.Reason.INCONSISTENT, id,
                    "vocab_size " + architecture.vocabSize() + " but the tokenizer has " + tokenizer.vocabSize(), null);
        }
        try {
            return Student.load(architecture, labels, tokenizer, weights);
        } catch (MalformedModelException | RuntimeException e) {
            throw new InvalidCheckpointException(InvalidCheckpointException.Reason.CORRUPT_WEIGHTS, id,
                    "weights do not load: " + e.getMessage(), e);
        }
    }
}
