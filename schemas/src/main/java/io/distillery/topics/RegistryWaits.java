package io.distillery.topics;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a poll's records to a handler partition by partition, for loops that do not rewind to a
 * commit after a failure (serving's topic followers, the trainer). When the handler throws
 * {@link RegistryUnavailableException}, nothing is wrong with the record: its partition is sought
 * back to it, so it and the rest of that partition are read again, and {@link #pauseIfWaiting}
 * pauses, longer with each poll in a row that met the outage. One per consumer; not thread-safe.
 */
public final class RegistryWaits {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryWaits.class);

    private final String topic;
    private int inARow;
    private RegistryUnavailableException met;

    /** @param topic what the log lines name as waiting */
    public RegistryWaits(String topic) {
        this.topic = topic;
    }

    /**
     * Handles the records in order within each partition; at the first one met by a registry
     * outage, seeks its partition back to it and goes on with the next partition.
     */
    public <K, V> void handle(Consumer<K, V> consumer, ConsumerRecords<K, V> records,
                              java.util.function.Consumer<ConsumerRecord<K, V>> handler) {
        for (TopicPartition partition : records.partitions()) {
            for (ConsumerRecord<K, V> record : records.records(partition)) {
                try {
                    handler.accept(record);
                } catch (RegistryUnavailableException e) {
                    consumer.seek(partition, record.offset());
                    met = e;
                    break;
                }
            }
        }
    }

    /**
     * After a poll's records and whatever else the loop does with them: pauses if a record waited
     * for the registry, else starts counting afresh once records flow again.
     */
    public void pauseIfWaiting(boolean polledRecords) {
        if (met != null) {
            inARow++;
            LOG.warn("{} waits for the schema registry ({} in a row), reading again in {} ms: {}", topic, inARow,
                    Backoff.millisAfter(inARow), met.getMessage());
            met = null;
            Backoff.pauseAfter(inARow);
        } else if (polledRecords) {
            inARow = 0;
        }
    }
}
