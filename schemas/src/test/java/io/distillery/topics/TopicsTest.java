package io.distillery.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void namesAreUniqueAndEveryDeadLetterTopicFollowsItsSource() {
        Set<String> names = new HashSet<>();
        for (Topic<?> topic : Topics.all()) {
            assertTrue(names.add(topic.name()), "duplicate topic " + topic.name());
        }
        for (Topic<?> topic : Topics.dataTopics()) {
            topic.deadLetterTopic().ifPresent(dlq -> {
                assertEquals(topic.name() + ".dlq", dlq.name());
                assertEquals(topic.partitions(), dlq.partitions());
                assertEquals(Topic.ValueFormat.BYTES, dlq.valueFormat());
                assertTrue(names.contains(dlq.name()), dlq.name() + " missing from all()");
            });
        }
    }

    @Test
    void everyTopicAServiceConsumesHasADeadLetterTopic() {
        for (Topic<?> consumed : List.of(Topics.TEXT_RAW, Topics.TEXT_AUGMENTED, Topics.TEXT_LABELED,
                Topics.TEXT_ESCALATED, Topics.STUDENT_CHECKPOINTS, Topics.STUDENT_ROLLOUTS)) {
            assertTrue(consumed.deadLetterTopic().isPresent(), consumed.name());
        }
    }

    @Test
    void checkpointsFitInOneRecordAndClientsAreToldSo() {
        Topic<?> checkpoints = Topics.STUDENT_CHECKPOINTS;
        int max = Integer.parseInt(checkpoints.config().get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG));
        assertTrue(max >= 32 * 1024 * 1024, "a BiLSTM checkpoint is ~20 MB");
        assertEquals(max, checkpoints.maxRecordBytes());
        assertEquals(max, checkpoints.producerOverrides().get("max.request.size"));
        assertEquals(2L * max, checkpoints.producerOverrides().get("buffer.memory"));
        assertEquals(max, checkpoints.consumerOverrides().get("max.partition.fetch.bytes"));
        assertEquals(1, checkpoints.partitions(), "checkpoints are totally ordered");
        assertEquals(String.valueOf(max), checkpoints.deadLetterTopic().orElseThrow().config().get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG));
        assertTrue(Topics.TEXT_RAW.producerOverrides().isEmpty(), "ordinary topics keep client defaults");
    }

    @Test
    void rolloutStateIsCompactedAndCommandsAreKept() {
        assertEquals("compact", Topics.STUDENT_ROLLOUT_EVENTS.config().get(TopicConfig.CLEANUP_POLICY_CONFIG));
        assertEquals("-1", Topics.STUDENT_ROLLOUTS.config().get(TopicConfig.RETENTION_MS_CONFIG));
    }

    @Test
    void renamedTopicKeepsItsConfigurationAndRenamesItsDeadLetterTopic() {
        Topic<?> renamed = Topics.TEXT_RAW.renamed("text.raw-test-1");
        assertEquals("text.raw-test-1", renamed.name());
        assertEquals("text.raw-test-1.dlq", renamed.deadLetterTopic().orElseThrow().name());
        NewTopic request = renamed.newTopic((short) 1);
        assertEquals(Topics.TEXT_RAW.partitions(), request.numPartitions());
        assertEquals(Topics.TEXT_RAW.config(), request.configs());
        assertFalse(Topics.TEXT_PREDICTIONS.deadLetterTopic().isPresent(), "nobody in Distillery consumes predictions");
    }

    @Test
    void aPrefixAppliesToEveryTopicAndItsDeadLetterTopicAlike() {
        List<String> names = Topics.newTopics("staging.", (short) 1).stream().map(NewTopic::name).toList();
        assertEquals(Topics.all().size(), names.size());
        assertTrue(names.contains("staging.text.raw") && names.contains("staging.text.raw.dlq"), names.toString());
        assertEquals("staging.text.raw.dlq", Topics.TEXT_RAW.withPrefix("staging.").deadLetterTopic().orElseThrow().name());
        assertEquals(Topics.TEXT_RAW, Topics.TEXT_RAW.withPrefix(""));
    }
}
