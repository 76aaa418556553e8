package io.distillery.student;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.training.tracker.Tracker;
import io.distillery.schemas.PartitionOffset;
import io.distillery.schemas.StudentCheckpoint;
import io.distillery.schemas.StudentKind;
import io.distillery.schemas.TrainingPosition;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CheckpointCodecTest {

    private static final StudentTokenizer TOKENIZER = TestTokenizers.miniLm();
    private static final List<String> LABELS = List.of("negative", "positive");
    private static final List<String> PROBES = List.of("Great food and friendly staff.", "Worst phone I ever bought.",
            "It was fine, I guess", "");

    private static Student trained(Architecture architecture) {
        Student student = Student.create(architecture, LABELS, TOKENIZER, 42);
        TrainingSession session = new TrainingSession(student, DistillationLoss.hinton(2f, 0.5f), Tracker.fixed(0.01f), 1f);
        for (int i = 0; i < 5; i++) {
            session.step(List.of("loved it", "hated it"), new float[][] {{-1f, 2f}, {2f, -1f}}, new int[] {1, -1});
        }
        return student;
    }

    private static StudentCheckpoint encode(Student student) {
        TrainingPosition position = TrainingPosition.newBuilder().setSteps(5).setExamples(10)
                .setOffsets(List.of(PartitionOffset.newBuilder().setTopic("text.labeled").setPartition(0).setOffset(10).build()))
                .build();
        return CheckpointCodec.encode(student, "test-lineage", null, position, Map.of("dev_accuracy", 0.5),
                Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    /** Through Avro's binary encoding too, as the checkpoint travels on student.checkpoints. */
    private static StudentCheckpoint overTheWire(StudentCheckpoint checkpoint) throws Exception {
        ByteBuffer bytes = StudentCheckpoint.getEncoder().encode(checkpoint);
        return StudentCheckpoint.getDecoder().decode(bytes);
    }

    @Test
    void roundTripGivesTheSamePredictions() throws Exception {
        for (Architecture architecture : List.of(Architecture.mlp(TOKENIZER.vocabSize(), 2),
                new Architecture(StudentKind.BILSTM, TOKENIZER.vocabSize(), 2, 32, 32, 24, 32, 0.15f))) {
            try (Student student = trained(architecture)) {
                StudentCheckpoint checkpoint = overTheWire(encode(student));
                assertEquals(CheckpointCodec.FORMAT_VERSION, checkpoint.getFormatVersion());
                assertTrue(checkpoint.getId().startsWith("test-lineage-5-"), checkpoint.getId());
                assertEquals(TOKENIZER.reference().sha256(), checkpoint.getTokenizer().getSha256());
                assertEquals(architecture.kind(), checkpoint.getArchitecture().getKind());
                try (Student decoded = CheckpointCodec.decode(checkpoint, TOKENIZER)) {
                    assertEquals(architecture, decoded.architecture());
                    assertEquals(LABELS, decoded.labels());
                    float[][] before = student.logits(PROBES);
                    float[][] after = decoded.logits(PROBES);
                    for (int i = 0; i < PROBES.size(); i++) {
                        assertArrayEquals(before[i], after[i], 0f, architecture.kind() + " " + PROBES.get(i));
                    }
                    assertArrayEquals(student.weights(), decoded.weights());
                }
            }
        }
    }

    /** The trainer resumes a lineage from its last checkpoint: the decoded student must keep learning. */
    @Test
    void aDecodedStudentTrainsOn() throws Exception {
        try (Student student = trained(Architecture.mlp(TOKENIZER.vocabSize(), 2));
             Student resumed = CheckpointCodec.decode(overTheWire(encode(student)), TOKENIZER)) {
            byte[] before = resumed.weights();
            TrainingSession session = new TrainingSession(resumed, DistillationLoss.tang(), Tracker.fixed(0.01f), 1f);
            session.step(List.of("loved it"), new float[][] {{-3f, 3f}}, null);
            assertTrue(session.lastGradNorm() > 0);
            assertTrue(!java.util.Arrays.equals(before, resumed.weights()), "weights changed");
        }
    }

    @Test
    void refusesCorruptWeights() throws Exception {
        try (Student student = trained(Architecture.mlp(TOKENIZER.vocabSize(), 2))) {
            StudentCheckpoint checkpoint = encode(student);
            byte[] weights = student.weights();
            weights[weights.length / 2] ^= 0x01;
            checkpoint.setWeights(ByteBuffer.wrap(weights));
            assertRefused(InvalidCheckpointException.Reason.CORRUPT_WEIGHTS, checkpoint, TOKENIZER, "weights_sha256");

            // a consistent hash over weights of another shape: loads in DJL, refused by the shape check
            try (Student other = Student.create(Architecture.mlp(TOKENIZER.vocabSize(), 2).withHiddenSize(8), LABELS, TOKENIZER, 1)) {
                StudentCheckpoint mismatched = encode(student);
                byte[] otherWeights = other.weights();
                mismatched.setWeights(ByteBuffer.wrap(otherWeights));
                mismatched.setWeightsSha256(Hashing.sha256Hex(otherWeights));
                assertRefused(InvalidCheckpointException.Reason.CORRUPT_WEIGHTS, mismatched, TOKENIZER, "architecture has");
            }
        }
    }

    @Test
    void refusesAnUnknownFormatVersion() {
        try (Student student = Student.create(Architecture.mlp(TOKENIZER.vocabSize(), 2), LABELS, TOKENIZER, 1)) {
            StudentCheckpoint checkpoint = encode(student);
            checkpoint.setFormatVersion(2);
            assertRefused(InvalidCheckpointException.Reason.UNKNOWN_FORMAT_VERSION, checkpoint, TOKENIZER, "format_version 2");
        }
    }

    @Test
    void refusesAnUnknownArchitecture() {
        try (Student student = Student.create(Architecture.mlp(TOKENIZER.vocabSize(), 2), LABELS, TOKENIZER, 1)) {
            StudentCheckpoint checkpoint = encode(student);
            Map<String, String> hyper = new HashMap<>(checkpoint.getArchitecture().getHyperparameters());
            hyper.put("num_layers", "2");
            checkpoint.getArchitecture().setHyperparameters(hyper);
            assertRefused(InvalidCheckpointException.Reason.UNKNOWN_ARCHITECTURE, checkpoint, TOKENIZER, "num_layers");

            StudentCheckpoint asBilstm = encode(student);
            asBilstm.getArchitecture().setKind(StudentKind.BILSTM);
            assertRefused(InvalidCheckpointException.Reason.UNKNOWN_ARCHITECTURE, asBilstm, TOKENIZER, "classifier_hidden_size");
        }
    }

    @Test
    void refusesAnotherTokenizer() throws Exception {
        // the same vocabulary, but not the same file: the SHA-256 differs and that is what counts
        byte[] edited = (new String(TestTokenizers.miniLmBytes(), StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8);
        try (StudentTokenizer other = StudentTokenizer.fromBytes(edited, "minilm-edited");
             Student student = Student.create(Architecture.mlp(TOKENIZER.vocabSize(), 2), LABELS, TOKENIZER, 1)) {
            assertEquals(TOKENIZER.vocabSize(), other.vocabSize());
            assertRefused(InvalidCheckpointException.Reason.TOKENIZER_MISMATCH, encode(student), other, TOKENIZER.reference().sha256());
        }
    }

    @Test
    void refusesLabelNamesThatDoNotFit() {
        try (Student student = Student.create(Architecture.mlp(TOKENIZER.vocabSize(), 2), LABELS, TOKENIZER, 1)) {
            StudentCheckpoint checkpoint = encode(student);
            checkpoint.setLabelNames(List.of("negative", "neutral", "positive"));
            assertRefused(InvalidCheckpointException.Reason.INCONSISTENT, checkpoint, TOKENIZER, "3 label names");
        }
    }

    private static void assertRefused(InvalidCheckpointException.Reason reason, StudentCheckpoint checkpoint,
                                      StudentTokenizer tokenizer, String inMessage) {
        InvalidCheckpointException e = assertThrows(InvalidCheckpointException.class, () -> CheckpointCodec.decode(checkpoint, tokenizer).close());
        assertEquals(reason, e.reason(), e.getMessage());
        assertEquals(checkpoint.getId(), e.checkpointId());
        assertTrue(e.getMessage().contains(inMessage), e.getMessage());
    }
}
