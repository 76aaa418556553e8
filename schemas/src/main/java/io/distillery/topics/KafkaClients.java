package io.distillery.topics;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Closing the services' Kafka clients on the way out: bounded, and never throwing over the real error. */
public final class KafkaClients {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaClients.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private KafkaClients() {
    }

    /** Closes a consumer within 5 s; null (never created) is fine, a failure is logged at debug. */
    public static void closeQuietly(org.apache.kafka.clients.consumer.Consumer<?, ?> consumer) {
        if (consumer != null) {
            try {
                consumer.close(CLOSE_TIMEOUT);
            } catch (RuntimeException e) {
                LOG.debug("consumer close", e);
            }
        }
    }

    /** Closes a producer within 5 s (unsent records are dropped after that); null is fine. */
    public static void closeQuietly(org.apache.kafka.clients.producer.Producer<?, ?> producer) {
        if (producer != null) {
            try {
                producer.close(CLOSE_TIMEOUT);
            } catch (RuntimeException e) {
                LOG.debug("producer close", e);
            }
        }
    }
}
