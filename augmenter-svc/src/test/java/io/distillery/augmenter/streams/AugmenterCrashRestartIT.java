package io.distillery.augmenter.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.datasets.LabelledSentence;
import io.distillery.datasets.UciSentiment;
import io.distillery.schemas.RawText;
import io.distillery.testing.RealPlatform;
import io.distillery.testing.CommittedRecords;
import io.distillery.testing.TestPlatform;
import io.distillery.topics.Topic;
import io.distillery.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once across a crash: the augmenter is killed with SIGKILL mid-stream and restarted;
 * downstream (read_committed) every raw record has its variants exactly once, none lost.
 */
@RealPlatform
class AugmenterCrashRestartIT {

    private static final int RECORDS = 300;

    @TempDir
    Path stateDir;

    @Test
    void aKilledAndRestartedAugmenterLosesNothingAndDuplicatesNothing(TestPlatform platform) throws Exception {
        String prefix = platform.uniqueName("crash") + ".";
        platform.createTopics(Topics.newTopics(prefix, (short) 1));
        Topic<RawText> raw = Topics.TEXT_RAW.withPrefix(prefix);
        String augmented = Topics.TEXT_AUGMENTED.withPrefix(prefix).name();
        List<LabelledSentence> sentences = UciSentiment.all().subList(0, RECORDS);
        RawTexts.produce(platform, raw, sentences);

        Process first = startAugmenter(platform, prefix, "first");
        try {
            CommittedRecords.readUntil(platform, augmented, records -> records.size() >= RECORDS * 5, Duration.ofMinutes(3));
        } finally {
            first.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no commit, no clean close
        }
        Process second = startAugmenter(platform, prefix, "second");
        try {
            CommittedRecords.awaitConsumed(platform, prefix + "distillery-augmenter", List.of(raw.name()), Duration.ofMinutes(4));
        } finally {
            second.destroy();
            second.waitFor(30, TimeUnit.SECONDS);
        }

        List<ConsumerRecord<byte[], byte[]>> out = CommittedRecords.readAll(platform, augmented);
        Map<String, Integer> copies = new HashMap<>();
        Map<String, TreeSet<Integer>> variantsByParent = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : out) {
            String id = new String(r.key(), StandardCharsets.UTF_8);
            copies.merge(id, 1, Integer::sum);
            int hash = id.lastIndexOf('#');
            variantsByParent.computeIfAbsent(id.substring(0, hash), k -> new TreeSet<>()).add(Integer.parseInt(id.substring(hash + 1)));
        }
        assertEquals(List.of(), copies.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList(),
                "variants committed twice");
        assertEquals(RECORDS, variantsByParent.size(), "every raw record was augmented");
        for (Map.Entry<String, TreeSet<Integer>> e : variantsByParent.entrySet()) {
            TreeSet<Integer> indices = e.getValue();
            assertEquals(indices.size() - 1, indices.last(), e.getKey() + " has gaps: " + indices);
            assertTrue(indices.size() > 1, e.getKey() + " got no variant");
        }
        assertEquals(0, CommittedRecords.readAll(platform, raw.name() + ".dlq").size(), "no UCI sentence is a dead letter");
    }

    private Process startAugmenter(TestPlatform platform, String prefix, String name) throws Exception {
        Path log = Files.createTempFile(stateDir.getParent(), "augmenter-" + name + "-", ".log");
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), StandaloneAugmenter.class.getName(),
                platform.bootstrapServers(), platform.registryUrl(), prefix, stateDir.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
