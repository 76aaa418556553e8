package io.distillery.launcher;

import io.distillery.schemas.Prediction;
import io.distillery.topics.RegistryConfig;
import io.distillery.topics.Topic;
import io.distillery.topics.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "predictions", description = "Tail text.predictions as readable lines (committed predictions only).")
final class PredictionsCommand implements Callable<Integer> {

    @Mixin
    PlatformOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--from-beginning", description = "Start at the oldest prediction instead of new ones.")
    boolean fromBeginning;

    @Option(names = {"-n", "--max"}, description = "Stop after this many predictions.")
    Long max;

    @Option(names = "--idle-timeout", converter = DurationConverter.class,
            description = "Stop when nothing arrives for this long (default: keep tailing).")
    Duration idleTimeout;

    @Override
    public Integer call() {
        Topic<Prediction> topic = Topics.TEXT_PREDICTIONS;
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, options.settings().bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        PrintWriter out = spec.commandLine().getOut();
        long shown = 0;
        try (Serde<Prediction> serde = topic.valueSerde(RegistryConfig.at(options.settings().registryUrl()));
             Deserializer<Prediction> reader = serde.deserializer();
             KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                     new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
            consumer.assign(partitions);
            if (fromBeginning) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
            }
            long lastRecord = System.nanoTime();
            while (max == null || shown < max) {
                var records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<String, byte[]> record : records) {
                    out.println(line(reader.deserialize(topic.name(), record.value())));
                    out.flush();
                    lastRecord = System.nanoTime();
                    if (max != null && ++shown >= max) {
                        break;
                    }
                }
                if (idleTimeout != null && System.nanoTime() - lastRecord > idleTimeout.toNanos()) {
                    break;
                }
            }
        }
        return 0;
    }

    /** {@code id  label 97.1%  STUDENT ckpt  3.2 ms  "text"}. */
    static String line(Prediction p) {
        String text = p.getText().length() > 80 ? p.getText().substring(0, 79) + "…" : p.getText();
        return String.format(Locale.ROOT, "%-28s %-9s %5.1f%%  %-7s %-22s %7.1f ms  \"%s\"", p.getId(), p.getLabel(),
                100 * p.getConfidence(), p.getRoute(), p.getCheckpointId() == null ? "-" : p.getCheckpointId(), p.getLatencyMs(),
                text.replace('\n', ' '));
    }
}
