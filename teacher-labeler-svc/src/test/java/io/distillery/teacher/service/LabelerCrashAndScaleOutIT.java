package io.distillery.teacher.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.datasets.LabelledSentence;
import io.distillery.datasets.UciSentiment;
import io.distillery.schemas.AugmentationOperation;
import io.distillery.schemas.AugmentedText;
import io.distillery.teacher.SmallTeacher;
import io.distillery.testing.CommittedRecords;
import io.distillery.testing.RealPlatform;
import io.distillery.testing.TestPlatform;
import io.distillery.topics.RegistryConfig;
import io.distillery.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once across a crash, and scale-out: a labeller in its own JVM is killed with SIGKILL
 * mid-stream (no flush, no commit, its transaction left open); two new instances then share the
 * partitions through the consumer group and finish the stream. Downstream (read_committed) every
 * augmented record has exactly one label.
 */
@RealPlatform
class LabelerCrashAndScaleOutIT {

    private static final int RECORDS = 600;

    @TempDir
    Path work;

    @Test
    void aKilledLabellerLosesNothingAndTwoInstancesSplitThePartitions(TestPlatform platform) throws Exception {
        String prefix = platform.uniqueName("labeler-crash") + ".";
        platform.createTopics(Topics.newTopics(prefix, (short) 1));
        LabelingTopics topics = LabelingTopics.withPrefix(prefix);
        String group = prefix + "teacher-labeler";
        Path bundle = SmallTeacher.build(Files.createDirectories(work.resolve("bundle")));
        Set<String> ids = produce(platform, topics);

        Process first = start(platform, prefix, bundle, group, "labeler-first");
        try {
            CommittedRecords.readUntil(platform, topics.labeled().name(), records -> records.size() >= RECORDS / 6,
                    Duration.ofMinutes(2));
        } finally {
            first.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL mid-stream
        }

        List<Process> replacements = List.of(start(platform, prefix, bundle, group, "labeler-second"),
                start(platform, prefix, bundle, group, "labeler-third"));
        Map<String, Set<TopicPartition>> assignments;
        try {
            assignments = awaitTwoMembersSharing(platform, group, topics.augmented().name(), replacements);
            CommittedRecords.awaitConsumed(platform, group, List.of(topics.augmented().name()), Duration.ofMinutes(4));
        } finally {
            for (Process process : replacements) {
                process.destroy();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }

        List<String> labelled = CommittedRecords.readAll(platform, topics.labeled().name()).stream()
                .map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList();
        Map<String, Long> copies = labelled.stream().collect(Collectors.groupingBy(id -> id, Collectors.counting()));
        assertEquals(ids, copies.keySet(), "every augmented record labelled, and nothing else");
        assertEquals(Set.of(1L), Set.copyOf(copies.values()), "none labelled twice");

        List<Set<TopicPartition>> owned = new ArrayList<>(assignments.values());
        assertEquals(2, owned.size(), "two members: " + assignments);
        assertTrue(owned.stream().noneMatch(Set::isEmpty), "each instance owns partitions: " + assignments);
        Set<TopicPartition> union = new HashSet<>(owned.get(0));
        union.addAll(owned.get(1));
        assertEquals(owned.get(0).size() + owned.get(1).size(), union.size(), "no partition owned twice: " + assignments);
        assertEquals(Topics.TEXT_AUGMENTED.partitions(), union.size(), "all partitions owned: " + assignments);
    }

    /** The augmented topic's partitions by group member, once two members own all of them. */
    private static Map<String, Set<TopicPartition>> awaitTwoMembersSharing(TestPlatform platform, String group, String topic,
                                                                          List<Process> processes) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        try (Admin admin = platform.admin()) {
            while (true) {
                for (Process process : processes) {
                    assertTrue(process.isAlive(), "a labeller exited with " + (process.isAlive() ? 0 : process.exitValue()));
                }
                ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
                Map<String, Set<TopicPartition>> byMember = description.members().stream().collect(Collectors.toMap(
                        MemberDescription::consumerId, m -> m.assignment().topicPartitions().stream()
                                .filter(p -> p.topic().equals(topic)).collect(Collectors.toSet())));
                int owned = byMember.values().stream().mapToInt(Set::size).sum();
                if (byMember.size() == 2 && owned == Topics.TEXT_AUGMENTED.partitions()
                        && byMember.values().stream().noneMatch(Set::isEmpty)) {
                    return byMember;
                }
                if (System.nanoTime() > deadline) {
                    return byMember; // the assertions say what was seen
                }
                Thread.sleep(250);
            }
        }
    }

    private Process start(TestPlatform platform, String prefix, Path bundle, String group, String name) throws Exception {
        Path log = Files.createTempFile(work, name + "-", ".log");
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), StandaloneLabeler.class.getName(), platform.bootstrapServers(),
                platform.registryUrl(), prefix, bundle.toString(), group, name)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static Set<String> produce(TestPlatform platform, LabelingTopics topics) {
        String augmented = topics.augmented().name();
        List<LabelledSentence> sentences = UciSentiment.all().subList(0, RECORDS);
        Set<String> ids = new HashSet<>();
        try (Serde<AugmentedText> serde = topics.augmented().valueSerde(RegistryConfig.at(platform.registryUrl()));
             KafkaProducer<String, AugmentedText> producer = new KafkaProducer<>(platform.clientProperties(),
                     new StringSerializer(), serde.serializer())) {
            for (LabelledSentence s : sentences) {
                String id = s.id() + "#0";
                ids.add(id);
                producer.send(new ProducerRecord<>(augmented, id, AugmentedText.newBuilder().setId(id).setParentId(s.id())
                        .setVariant(0).setText(s.text()).setOperations(List.of(AugmentationOperation.ORIGINAL))
                        .setSource(s.source()).setEventTime(Instant.now()).setGoldLabel(s.label()).build()));
            }
        }
        return ids;
    }
}
