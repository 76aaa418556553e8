package io.distillery.augmenter.streams;

import io.distillery.augmenter.AugmenterSettings;
import io.distillery.topics.RegistryConfig;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The augmenter topology in a bare JVM, with the service's delivery settings (exactly once), so a
 * test can kill it with SIGKILL mid-stream: {@code bootstrap registryUrl prefix stateDir}.
 */
public final class StandaloneAugmenter {

    public static void main(String[] args) throws InterruptedException {
        String prefix = args[2];
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, prefix + "distillery-augmenter");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        props.put(StreamsConfig.STATE_DIR_CONFIG, args[3]);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), 8 * 1024 * 1024);
        // A killed instance's partitions move to its successor after this long, not the default 45 s.
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6000);
        KafkaStreams streams = new KafkaStreams(AugmenterTopology.build(AugmenterTopology.Parts.forDeployment(prefix,
                RegistryConfig.at(args[1]), AugmenterSettings.defaults(), Duration.ofSeconds(1), 0L, AugmenterMetrics.NONE)), props);
        streams.setUncaughtExceptionHandler(new RegistryOutageHandler()); // as the service's TopologyProducer
        Runtime.getRuntime().addShutdownHook(new Thread(streams::close));
        streams.start();
        Thread.currentThread().join();
    }
}
