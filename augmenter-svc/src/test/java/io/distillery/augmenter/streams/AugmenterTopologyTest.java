package io.distillery.augmenter.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.augmenter.AugmenterSettings;
import io.distillery.augmenter.PosTagger;
import io.distillery.augmenter.PosDictionary;
import io.distillery.augmenter.TextAnalyzer;
import io.distillery.schemas.AugmentationOperation;
import io.distillery.schemas.AugmentedText;
import io.distillery.schemas.RawText;
import io.distillery.testing.RegistrylessAvroSerde;
import io.distillery.topics.DeadLetters;
import io.distillery.topics.RawTextDecoder;
import io.distillery.topics.RecordDecoder;
import io.distillery.topics.RegistryUnavailableException;
import io.distillery.topics.Topics;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The topology on TopologyTestDriver: no broker, no registry, the real augmenter. */
class AugmenterTopologyTest {

    private static final AugmenterSettings SETTINGS = AugmenterSettings.defaults();
    private static final TextAnalyzer ANALYZER = TextAnalyzer.from(SETTINGS, PosTagger.english());

    @TempDir
    Path stateDir;

    private final RegistrylessAvroSerde<RawText> rawSerde = new RegistrylessAvroSerde<>(RawText.class);
    private final CountingMetrics metrics = new CountingMetrics();
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> raw;
    private TestOutputTopic<String, AugmentedText> augmented;
    private TestOutputTopic<byte[], byte[]> deadLetters;
    /** While set, the registry cannot be reached: the decoder's deserializer fails as Apicurio's does then. */
    private volatile boolean registryDown;

    static final class CountingMetrics implements AugmenterMetrics {
        final Map<String, Integer> deadLetters = new HashMap<>();
        int inputs;
        int variants;

        @Override
        public void augmented(String source, int variants) {
            inputs++;
            this.variants += variants;
        }

        @Override
        public void deadLettered(String category) {
            deadLetters.merge(category, 1, Integer::sum);
        }
    }

    @BeforeEach
    void start() {
        driver = driver(stateDir);
        raw = driver.createInputTopic(Topics.TEXT_RAW.name(), new ByteArraySerializer(), new ByteArraySerializer());
        augmented = driver.createOutputTopic(Topics.TEXT_AUGMENTED.name(), new StringDeserializer(),
                new RegistrylessAvroSerde<>(AugmentedText.class).deserializer());
        deadLetters = driver.createOutputTopic(Topics.TEXT_RAW.name() + ".dlq", new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private TopologyTestDriver driver(Path dir) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "augmenter-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        return new TopologyTestDriver(AugmenterTopology.build(new AugmenterTopology.Parts(
                Topics.TEXT_RAW, Topics.TEXT_AUGMENTED, new RegistrylessAvroSerde<>(AugmentedText.class),
                () -> new RawTextDecoder(new RecordDecoder<>(Topics.TEXT_RAW, registry())),
                SETTINGS, ANALYZER, Duration.ofSeconds(5), 0L, metrics)), props);
    }

    private Deserializer<RawText> registry() {
        Deserializer<RawText> real = rawSerde.deserializer();
        return (topic, data) -> {
            if (registryDown) {
                throw new RuntimeException(new ExecutionException(new ConnectException("Connection refused")));
            }
            return real.deserialize(topic, data);
        };
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void anAvroRecordBecomesItsOriginalPlusDistinctVariants() {
        RawText text = RawText.newBuilder().setId("r-1")
                .setText("The food at this little place was absolutely wonderful and the staff were friendly")
                .setSource("yelp").setEventTime(Instant.parse("2026-11-21T10:00:00Z")).setGoldLabel("positive").build();
        raw.pipeInput(bytes("r-1"), rawSerde.serializer().serialize("text.raw", text));

        List<TestRecord<String, AugmentedText>> out = augmented.readRecordsToList();
        assertEquals(1 + SETTINGS.nIter(), out.size(), "a 14-word sentence has far more than n_iter variants");
        AugmentedText original = out.get(0).value();
        assertEquals("r-1#0", original.getId());
        assertEquals(List.of(AugmentationOperation.ORIGINAL), original.getOperations());
        assertEquals("positive", original.getGoldLabel(), "the original keeps its gold label");
        Set<String> texts = new HashSet<>();
        for (int i = 0; i < out.size(); i++) {
            AugmentedText v = out.get(i).value();
            assertEquals("r-1#" + i, out.get(i).key());
            assertEquals("r-1#" + i, v.getId());
            assertEquals("r-1", v.getParentId());
            assertEquals(i, v.getVariant());
            assertEquals("yelp", v.getSource());
            assertEquals(text.getEventTime(), v.getEventTime());
            assertTrue(texts.add(v.getText()), "variants are distinct: " + v.getText());
            if (i > 0) {
                assertNull(v.getGoldLabel(), "a variant's meaning may differ from the original's");
                assertTrue(!v.getOperations().isEmpty() && !v.getOperations().contains(AugmentationOperation.ORIGINAL));
            }
        }
        assertEquals(1, metrics.inputs);
        assertEquals(SETTINGS.nIter(), metrics.variants);
    }

    @Test
    void plainTextAndJsonFromPlainClientsAreAugmentedToo() {
        raw.pipeInput(bytes("tweet-7"), bytes("just landed in lisbon and the weather is amazing @anna https://t.co/x #travel\n"));
        raw.pipeInput((byte[]) null, bytes("{\"id\":\"j-1\",\"text\":\"terrible service , never again\",\"source\":\"json-client\"}"));
        Map<String, List<AugmentedText>> byParent = new HashMap<>();
        for (AugmentedText v : augmented.readValuesToList()) {
            byParent.computeIfAbsent(v.getParentId(), k -> new ArrayList<>()).add(v);
        }
        assertEquals(Set.of("tweet-7", "j-1"), byParent.keySet());
        assertEquals("plain", byParent.get("tweet-7").get(0).getSource());
        assertEquals("json-client", byParent.get("j-1").get(0).getSource());
        String original = byParent.get("tweet-7").get(0).getText();
        assertTrue(original.contains("<user>") && original.contains("<url>") && original.contains("#travel"), original);
        assertTrue(byParent.get("tweet-7").size() > 10);
    }

    @Test
    void badRecordsAreDeadLetteredWithTheirReasonAndTheNextGoodOneStillFlows() {
        raw.pipeInput(bytes("k1"), new byte[] {'h', 'i', (byte) 0xc3, (byte) 0x28});
        raw.pipeInput(bytes("k2"), bytes("   "));
        raw.pipeInput(bytes("k3"), bytes("x".repeat(SETTINGS.maxTextChars() + 1)));
        raw.pipeInput(bytes("k4"), bytes("{\"body\":\"no text field\"}"));
        raw.pipeInput(bytes("k5"), new byte[] {0, 0, 0, 0, 1, (byte) 0xff});
        raw.pipeInput(bytes("k6"), bytes("still flowing after all that"));

        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertEquals(List.of("k1", "k2", "k3", "k4", "k5"), dead.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList());
        List<String> reasons = dead.stream().map(r -> DeadLetters.header(r.headers(), DeadLetters.REASON).orElseThrow()).toList();
        assertEquals("value is neither registry-framed Avro (first byte 0x00) nor valid UTF-8 text", reasons.get(0));
        assertEquals("empty text", reasons.get(1));
        assertEquals("text of 2001 chars exceeds max_text_chars=2000", reasons.get(2));
        assertEquals("JSON object has no string field \"text\"", reasons.get(3));
        assertTrue(reasons.get(4).startsWith("cannot decode a RawText written with schema id 1"), reasons.get(4));
        for (int i = 0; i < dead.size(); i++) {
            assertEquals(Topics.TEXT_RAW.name(), DeadLetters.header(dead.get(i).headers(), DeadLetters.SOURCE_TOPIC).orElseThrow());
            assertEquals(Integer.toString(i), DeadLetters.header(dead.get(i).headers(), DeadLetters.SOURCE_OFFSET).orElseThrow());
            assertEquals("augmenter-svc", DeadLetters.header(dead.get(i).headers(), DeadLetters.SERVICE).orElseThrow());
        }
        assertEquals(Map.of("undecodable", 3, "empty", 1, "too_long", 1), metrics.deadLetters);
        List<AugmentedText> flowing = augmented.readValuesToList();
        assertTrue(!flowing.isEmpty() && flowing.stream().allMatch(v -> v.getParentId().equals("k6")));
    }

    @Test
    void aRegistryOutageFailsTheStreamThreadInsteadOfDeadLetteringTheRecord() {
        RawText text = RawText.newBuilder().setId("r-2").setText("the soup was cold but the bread was lovely")
                .setSource("yelp").setEventTime(Instant.parse("2026-11-21T10:00:00Z")).setGoldLabel(null).build();
        byte[] value = rawSerde.serializer().serialize("text.raw", text);
        registryDown = true;
        RuntimeException failure = assertThrows(RuntimeException.class, () -> raw.pipeInput(bytes("r-2"), value));
        assertTrue(RegistryUnavailableException.isTransient(failure), failure.toString());
        assertTrue(deadLetters.isEmpty(), "a good record is not dead-lettered for the registry's sake");
        assertTrue(augmented.isEmpty());
        assertEquals(Map.of(), metrics.deadLetters);

        // the service's handler replaces the thread, which reads the record again from the last commit ...
        assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, new RegistryOutageHandler().handle(failure));
        // ... while anything else still stops the client, as without a handler
        assertEquals(StreamThreadExceptionResponse.SHUTDOWN_CLIENT,
                new RegistryOutageHandler().handle(new StreamsException(new IllegalStateException("a bug"))));
    }

    @Test
    void theSameInputGivesTheSameVariants(@TempDir Path otherStateDir) {
        Instant at = Instant.parse("2026-11-21T12:00:00Z");
        raw.pipeInput(bytes("same"), bytes("the movie was long but the ending made it worth every minute"), at);
        List<AugmentedText> first = augmented.readValuesToList();
        try (TopologyTestDriver other = driver(otherStateDir)) {
            other.createInputTopic(Topics.TEXT_RAW.name(), new ByteArraySerializer(), new ByteArraySerializer())
                    .pipeInput(bytes("same"), bytes("the movie was long but the ending made it worth every minute"), at);
            List<AugmentedText> second = other.createOutputTopic(Topics.TEXT_AUGMENTED.name(), new StringDeserializer(),
                    new RegistrylessAvroSerde<>(AugmentedText.class).deserializer()).readValuesToList();
            assertEquals(first, second);
        }
    }

    @Test
    void eachTaskSnapshotsTheDictionaryItLearnt() {
        raw.pipeInput(bytes("d-1"), bytes("The waiter brought cold soup and a warm smile"));
        driver.advanceWallClockTime(Duration.ofSeconds(6));
        KeyValueStore<String, byte[]> store = driver.getKeyValueStore(AugmenterTopology.DICTIONARY_STORE);
        byte[] snapshot = store.get("dictionary");
        assertNotNull(snapshot, "snapshot written on the wall-clock punctuation");
        PosDictionary dictionary = PosDictionary.fromBytes(snapshot);
        assertTrue(dictionary.contains("NOUN", "soup") && dictionary.contains("NOUN", "waiter"), dictionary.words("NOUN").toString());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
