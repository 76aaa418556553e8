package io.distillery.launcher;

import io.distillery.schemas.RawText;
import io.distillery.topics.RegistryConfig;
import io.distillery.topics.Topic;
import io.distillery.topics.Topics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "produce", description = "Produce a text file (one text a line; - for stdin) into text.raw, as RawText records.")
final class ProduceCommand implements Callable<Integer> {

    @Mixin
    PlatformOptions options;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "One text a line; blank lines are skipped; - reads stdin.")
    String file;

    @Option(names = "--source", description = "The source name on every record (default: the file name).")
    String source;

    @Option(names = "--id-prefix", description = "Record ids are <prefix>-<line number> (default: the source).")
    String idPrefix;

    @Override
    public Integer call() throws IOException {
        String name = source != null ? source : file.equals("-") ? "stdin" : Path.of(file).getFileName().toString();
        String prefix = idPrefix != null ? idPrefix : name;
        Topic<RawText> raw = Topics.TEXT_RAW;
        long sent = 0;
        try (BufferedReader reader = file.equals("-") ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8);
             Serde<RawText> serde = raw.valueSerde(RegistryConfig.at(options.settings().registryUrl()));
             KafkaProducer<String, RawText> producer = new KafkaProducer<>(
                     Map.of("bootstrap.servers", options.settings().bootstrapServers(), "acks", "all"),
                     new StringSerializer(), serde.serializer())) {
            String line;
            long number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                String id = prefix + "-" + number;
                producer.send(new ProducerRecord<>(raw.name(), id, RawText.newBuilder().setId(id).setText(line).setSource(name)
                        .setEventTime(Instant.now()).setGoldLabel(null).build()));
                sent++;
            }
            producer.flush();
        }
        spec.commandLine().getOut().printf("Produced %d texts into %s (ids %s-<line>).%n", sent, raw.name(), prefix);
        return 0;
    }
}
