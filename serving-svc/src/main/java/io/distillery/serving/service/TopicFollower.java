package io.distillery.serving.service;

import io.distillery.topics.KafkaClients;
import io.distillery.topics.RegistryUnavailableException;
import io.distillery.topics.RegistryWaits;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a whole topic from the beginning and then follows it (read_committed, no consumer group:
 * every replica reads everything), handing each record to a handler on this one thread. Knows when
 * it has caught up with the end as of its start, and how far it has read, so a writer can wait
 * until its own record has been applied.
 *
 * <p>A record the handler fails on is passed over (it is logged), except when the handler throws
 * {@link RegistryUnavailableException}: then the record is handled again, after a pause, until the
 * schema registry answers. Skipping it would leave this replica without, say, a checkpoint it was
 * told to serve, for good.
 */
public final class TopicFollower implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(TopicFollower.class);

    private final String topic;
    private final Map<String, Object> properties;
    private final Consumer<ConsumerRecord<byte[], byte[]>> handler;
    private final Runnable afterBatch;
    private final Object progress = new Object();
    private volatile boolean running = true;
    private volatile boolean caughtUp;
    private volatile long lastPollNanos = System.nanoTime();
    private volatile Throwable fatal;
    /** Next offset to read, per partition (single-partition topics here, but any count works). */
    private final Map<Integer, Long> positions = new HashMap<>();
    private KafkaConsumer<byte[], byte[]> consumer;

    public TopicFollower(String topic, Map<String, Object> clientProperties, Map<String, Object> overrides,
                         Consumer<ConsumerRecord<byte[], byte[]>> handler, Runnable afterBatch) {
        this.topic = topic;
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.putAll(overrides);
        this.properties = props;
        this.handler = handler;
        this.afterBatch = afterBatch;
    }

    @Override
    public void run() {
        try {
            consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(60)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> startEnd = consumer.endOffsets(partitions);
            // stays on a record met by a registry outage, so no writer waiting for it is told it was applied
            RegistryWaits registryWaits = new RegistryWaits(topic);
            while (running) {
                lastPollNanos = System.nanoTime();
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                registryWaits.handle(consumer, records, record -> {
                    try {
                        handler.accept(record);
                    } catch (RegistryUnavailableException e) {
                        throw e;
                    } catch (RuntimeException e) {
                        LOG.warn("passing over {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.toString(), e);
                    }
                });
                synchronized (progress) {
                    for (TopicPartition p : partitions) {
                        positions.put(p.partition(), consumer.position(p));
                    }
                    progress.notifyAll();
                }
                if (!records.isEmpty()) {
                    afterBatch.run();
                }
                if (!caughtUp && partitions.stream().allMatch(p -> positions.get(p.partition()) >= startEnd.get(p))) {
                    caughtUp = true;
                    afterBatch.run();
                    LOG.info("read {} up to its end", topic);
                }
                registryWaits.pauseIfWaiting(!records.isEmpty());
            }
        } catch (WakeupException e) {
            if (running) {
                fatal = e;
            }
        } catch (Throwable e) {
            fatal = e;
            LOG.error("stopped following {}", topic, e);
        } finally {
            KafkaClients.closeQuietly(consumer);
        }
    }

    /** Whether everything present at start has been read. */
    public boolean caughtUp() {
        return caughtUp;
    }

    public boolean isAlive(Duration stallLimit) {
        return running && fatal == null && System.nanoTime() - lastPollNanos < stallLimit.toNanos();
    }

    /** Waits until the record at {@code offset} of {@code partition} has been handled; false on timeout. */
    public boolean awaitHandled(int partition, long offset, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (positions.getOrDefault(partition, 0L) <= offset) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                progress.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    /** Waits until every offset below {@code end} (per partition) has been handled. */
    public boolean awaitPositions(Map<Integer, Long> end, Duration timeout) throws InterruptedException {
        for (Map.Entry<Integer, Long> e : end.entrySet()) {
            if (e.getValue() > 0 && !awaitHandled(e.getKey(), e.getValue() - 1, timeout)) {
                return false;
            }
        }
        return true;
    }

    public void stop() {
        running = false;
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }
}
