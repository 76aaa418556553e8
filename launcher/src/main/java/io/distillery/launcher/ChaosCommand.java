package io.distillery.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.launcher.chaos.BadInputs;
import io.distillery.launcher.chaos.BadInputs.BadInput;
import io.distillery.launcher.chaos.CheckpointAudit;
import io.distillery.launcher.chaos.ConsumerLag;
import io.distillery.launcher.chaos.ExactlyOnceAudit;
import io.distillery.launcher.chaos.LagTimeline;
import io.distillery.launcher.chaos.LogErrors;
import io.distillery.launcher.chaos.PeakMemory;
import io.distillery.platform.LocalServices;
import io.distillery.platform.LocalServices.Service;
import io.distillery.platform.PlatformSettings;
import io.distillery.schemas.PartitionOffset;
import io.distillery.schemas.Prediction;
import io.distillery.schemas.RawText;
import io.distillery.schemas.RolloutEvent;
import io.distillery.schemas.RolloutEventKind;
import io.distillery.schemas.StudentCheckpoint;
import io.distillery.topics.DeadLetters;
import io.distillery.topics.RegistryConfig;
import io.distillery.topics.Topic;
import io.distillery.topics.Topics;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./distillery chaos}: attacks the running system and checks, record by record, that
 * nothing was lost or duplicated. While N known raw texts flow, every service is killed with
 * SIGKILL at a random moment and restarted, and the broker is killed and restarted; a bad-input
 * corpus is thrown at every input topic and at serving's REST endpoints. Then, by id: every raw
 * text has exactly one prediction, every augmented text exactly one label, checkpoints are intact
 * and never behind their parents, and no prediction came from a refused checkpoint. Ends with one
 * JSON object.
 */
@Command(name = "chaos", description = "Kill services and the broker while known records flow, throw bad input at every entry, "
        + "and check by id that nothing was lost or duplicated. Ends with one JSON object.")
final class ChaosCommand implements Callable<Integer> {

    @Mixin
    PlatformOptions options;

    @Spec
    CommandSpec spec;

    /** How often the load report samples every group's lag. */
    private static final long LAG_SAMPLE_MILLIS = 10_000;
    /** Bodies larger than this are sent with Expect: 100-continue, as curl does past 1 MiB. */
    private static final int MAX_BODY_WITHOUT_EXPECT = 1024 * 1024;
    /** A group whose lag grows slower than this over the second half of the steady phase keeps up. */
    private static final double HELD_BELOW_PER_SECOND = 1.0;

    /** steady, burst (the burst records are being produced) or drain (everything produced). */
    private volatile String phase = "steady";

    @Option(names = "--records", defaultValue = "1000", description = "Raw texts to stream (default ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--rate", defaultValue = "20", description = "Raw texts per second (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--service-kills", defaultValue = "1", description = "SIGKILLs per service while records flow (default ${DEFAULT-VALUE}).")
    int serviceKills;

    @Option(names = "--broker-kills", defaultValue = "1", description = "Broker SIGKILL-and-restarts while records flow (default ${DEFAULT-VALUE}).")
    int brokerKills;

    @Option(names = "--burst-records", defaultValue = "0",
            description = "Load test: after the steady stream, this many more records at --burst-factor times the rate (default none).")
    int burstRecords;

    @Option(names = "--burst-factor", defaultValue = "10", description = "How much faster the burst is produced (default ${DEFAULT-VALUE}).")
    double burstFactor;

    @Option(names = "--augmentations", defaultValue = "2", description = "Augmented variants per raw text (default ${DEFAULT-VALUE}).")
    int augmentations;

    @Option(names = "--seed", defaultValue = "1", description = "Seeds the fault schedule (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--drain-timeout", defaultValue = "PT15M", converter = DurationConverter.class,
            description = "How long the pipeline may take to catch up after the last fault (default ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    @Option(names = "--teacher-bundle", description = "The teacher bundle (default: DISTILLERY_TEACHER_BUNDLE_DIR or .distillery/teacher/default).")
    Path teacherBundle;

    private final List<Map<String, Object>> faults = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Path project = PlatformOptions.projectDir();
        PlatformSettings settings = options.settings();
        Path bundle = teacherBundle != null ? teacherBundle.toAbsolutePath() : Path.of(System.getenv().getOrDefault(
                "DISTILLERY_TEACHER_BUNDLE_DIR", project.resolve(".distillery/teacher/default").toString())).toAbsolutePath();
        if (!Files.isRegularFile(bundle.resolve("teacher.properties"))) {
            throw new IllegalStateException("no teacher bundle at " + bundle + ": run ./distillery teacher fit");
        }
        PrintWriter log = new PrintWriter(System.err, true);
        String prefix = "chaos-" + Long.toString(System.currentTimeMillis(), 36) + ".";
        Map<Service, Map<String, String>> env = LocalSystem.settings(settings, bundle, prefix);
        env.get(Service.AUGMENTER).put("DISTILLERY_AUGMENTER_N_ITER", Integer.toString(augmentations));
        // Frequent checkpoints: more parent/child pairs to audit across the crashes.
        env.get(Service.STUDENT_TRAINER).put("DISTILLERY_TRAINER_CHECKPOINT_EVERY", "15s");
        env.get(Service.STUDENT_TRAINER).put("DISTILLERY_TRAINER_CHECKPOINT_EVERY_STEPS", "50");
        Map<String, Object> report = new LinkedHashMap<>();
        Map<String, Object> clients = Map.of("bootstrap.servers", settings.bootstrapServers());
        RegistryConfig registry = RegistryConfig.at(settings.registryUrl());
        Duration ready = Duration.ofMinutes(5);
        long started = System.nanoTime();
        try (LocalSystem system = LocalSystem.start(settings, project, bundle, prefix, env, ready, log);
             PeakMemory memory = new PeakMemory(roles(system))) {
            system.closeOnExit(); // Ctrl-C stops what the run started
            Thread sampling = new Thread(memory, "chaos-memory");
            sampling.setDaemon(true);
            sampling.start();
            LogErrors errorsWhileStreaming = new LogErrors(logs(system, settings));
            ConsumerLag consumerLag = new ConsumerLag(clients, prefix);
            LagTimeline lagTimeline = new LagTimeline(consumerLag, clients, () -> phase, LAG_SAMPLE_MILLIS);
            Thread lagSampling = new Thread(lagTimeline, "chaos-lag");
            lagSampling.setDaemon(true);
            lagSampling.start();
            log.printf("chaos: streaming %d records at %.0f/s (then %d at %.0f/s) into %stext.raw while injecting faults%n",
                    records, rate, burstRecords, rate * burstFactor, prefix);
            List<String> rawIds = new ArrayList<>();
            Thread producing = new Thread(() -> produce(prefix, clients, registry, rawIds), "chaos-producer");
            producing.start();
            injectFaults(system, env, ready, log, producing);
            producing.join();
            long producedAt = System.nanoTime();

            log.println("chaos: throwing the bad-input corpus at every input topic");
            List<BadInput> corpus = BadInputs.corpus(prefix, registry);
            // Apart from the faults' own, errors logged so far are failures; from here on the services log the bad inputs too.
            Map<String, Object> errorsLoggedWhileStreaming = errorsWhileStreaming.report();
            LogErrors errorsAfterBadInputs = new LogErrors(logs(system, settings));
            Map<BadInput, RecordMetadata> sent = sendBadInputs(corpus, clients);
            List<Map<String, Object>> restChecks = restChecks(system.services(), settings.runDir());

            log.println("chaos: waiting for every consumer group to catch up");
            phase = "drain";
            boolean drained = awaitDrained(system, consumerLag, clients, log);
            report.put("drain_s", Math.round((System.nanoTime() - producedAt) / 1e8) / 10.0); // lag recovery after the last record
            memory.sample();

            report.put("records", rawIds.size());
            report.put("faults", faults);
            report.put("drained", drained);
            audit(prefix, clients, registry, rawIds, corpus, sent, restChecks, report);
            report.put("peak_rss_mib", memory.peakMiB());
            lagTimeline.close();
            report.put("lag", LagTimeline.summary(lagTimeline.samples(), HELD_BELOW_PER_SECOND));
            report.put("lag_timeline", lagTimeline.samples());
            report.put("errors_logged", Map.of("while_streaming", errorsLoggedWhileStreaming,
                    "after_bad_inputs", errorsAfterBadInputs.report()));
        }
        report.put("duration_s", Math.round((System.nanoTime() - started) / 1e9));
        spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(report));
        spec.commandLine().getOut().flush();
        boolean clean = (long) report.get("lost") == 0 && (long) report.get("duplicated") == 0
                && (long) report.get("bad_inputs_mishandled") == 0 && Boolean.TRUE.equals(report.get("drained"));
        return clean ? 0 : 1;
    }

    /** Where each role's log is, for counting the errors the run made them log. */
    private static Map<String, Path> logs(LocalSystem system, PlatformSettings settings) {
        Map<String, Path> logs = new LinkedHashMap<>();
        roles(system).keySet().forEach(role -> logs.put(role, settings.runDir().resolve(role + ".log")));
        return logs;
    }

    private static Map<String, Supplier<Optional<ProcessHandle>>> roles(LocalSystem system) {
        Map<String, Supplier<Optional<ProcessHandle>>> roles = new LinkedHashMap<>();
        roles.put("kafka-broker", () -> system.platform().brokerProcess());
        roles.put("schema-registry", () -> system.platform().registryProcess());
        for (Service service : Service.values()) {
            roles.put(service.module(), () -> system.services().running(service));
        }
        return roles;
    }

    /** Known records with ids chaos-0..N-1, at the configured rate; retried by the idempotent producer across the broker restart. */
    private void produce(String prefix, Map<String, Object> clients, RegistryConfig registry, List<String> ids) {
        Topic<RawText> raw = Topics.TEXT_RAW.withPrefix(prefix);
        Map<String, Object> props = new HashMap<>(clients);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000);
        List<io.distillery.datasets.LabelledSentence> sentences =
                io.distillery.datasets.UciSentiment.split(io.distillery.datasets.Split.TRAIN);
        try (Serde<RawText> serde = raw.valueSerde(registry);
             KafkaProducer<String, RawText> producer = new KafkaProducer<>(props, new StringSerializer(), serde.serializer())) {
            long next = System.nanoTime();
            for (int i = 0; i < records + burstRecords; i++) {
                if (i == records) {
                    phase = "burst";
                }
                long interval = (long) (1e9 / (i < records ? rate : rate * burstFactor));
                String id = "chaos-" + i;
                producer.send(new ProducerRecord<>(raw.name(), id, RawText.newBuilder().setId(id)
                        .setText(sentences.get(i % sentences.size()).text()).setSource("chaos").setEventTime(Instant.now())
                        .setGoldLabel(null).build()), (metadata, e) -> {
                    if (e != null) {
                        System.err.println("chaos: produce of " + id + " failed: " + e);
                    }
                });
                synchronized (ids) {
                    ids.add(id);
                }
                next += interval;
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    TimeUnit.NANOSECONDS.sleep(sleep);
                }
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILLs each service and the broker at random moments of the production window, each restarted at once. */
    private void injectFaults(LocalSystem system, Map<Service, Map<String, String>> env, Duration ready, PrintWriter log,
                              Thread producing) throws Exception {
        Random random = new Random(seed);
        List<String> targets = new ArrayList<>();
        for (int i = 0; i < serviceKills; i++) {
            for (Service service : Service.values()) {
                targets.add(service.name());
            }
        }
        for (int i = 0; i < brokerKills; i++) {
            targets.add("BROKER");
        }
        java.util.Collections.shuffle(targets, random);
        double window = records / rate;
        long begin = System.nanoTime();
        for (int i = 0; i < targets.size(); i++) {
            // Spread over 10%..90% of the production window, jittered.
            double at = window * (0.1 + 0.8 * (i + random.nextDouble()) / targets.size());
            long wait = begin + (long) (at * 1e9) - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            String target = targets.get(i);
            long t0 = System.nanoTime();
            Map<String, Object> fault = new LinkedHashMap<>();
            fault.put("target", target.equals("BROKER") ? "kafka-broker" : Service.valueOf(target).module());
            fault.put("signal", "SIGKILL");
            fault.put("at_s", Math.round((t0 - begin) / 1e8) / 10.0);
            log.printf("chaos: t=%.1fs SIGKILL %s%n", (t0 - begin) / 1e9, fault.get("target"));
            if (target.equals("BROKER")) {
                system.platform().restartBroker(true, Duration.ofMinutes(2));
            } else {
                Service service = Service.valueOf(target);
                system.crashAndRestart(service, env.get(service), Duration.ofSeconds(1), ready);
            }
            fault.put("back_after_s", Math.round((System.nanoTime() - t0) / 1e8) / 10.0);
            faults.add(fault);
        }
    }

    private Map<BadInput, RecordMetadata> sendBadInputs(List<BadInput> corpus, Map<String, Object> clients) throws Exception {
        Map<String, Object> props = new HashMap<>(clients);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
        Map<BadInput, RecordMetadata> sent = new LinkedHashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (BadInput input : corpus) {
                sent.put(input, producer.send(new ProducerRecord<>(input.topic().name(), input.key(), input.value())).get(60, TimeUnit.SECONDS));
            }
        }
        return sent;
    }

    /** Malformed and unauthenticated requests to serving's REST endpoints: each must get a clear 4xx. */
    private static List<Map<String, Object>> restChecks(LocalServices services, Path runDir) throws Exception {
        // HTTP/1.1: an h2c upgrade refused mid-body shows up as a dropped connection, not the server's status.
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String token = LocalSystem.controlToken(runDir);
        List<Map<String, Object>> checks = new ArrayList<>();
        Object[][] requests = {
                {"predict-malformed-json", "/predict", "{\"text\": ", null, Set.of(400)},
                {"predict-huge-body", "/predict", "{\"text\": \"" + "x".repeat(12 * 1024 * 1024) + "\"}", null, Set.of(400, 413)},
                {"predict-empty-body", "/predict", "", null, Set.of(400, 415)},
                {"predict-too-many-texts", "/predict", "{\"texts\": [" + "\"a\",".repeat(10_000) + "\"a\"]}", null, Set.of(400, 413)},
                {"rollout-unauthenticated", "/rollouts", "{\"action\":\"ROLLBACK\"}", null, Set.of(401)},
                {"rollout-wrong-token", "/rollouts", "{\"action\":\"ROLLBACK\"}", "not-the-token", Set.of(401, 403)},
                {"rollout-malformed", "/rollouts", "{\"action\":\"DESTROY\"}", token, Set.of(400)},
        };
        for (Object[] request : requests) {
            String body = (String) request[2];
            HttpRequest.Builder builder = HttpRequest.newBuilder(services.url(Service.SERVING, (String) request[1]))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    // A server may close the connection after its 413 (RFC 9110 §15.5.14); a client still
                    // writing the body then loses the answer (1 in 10 here). With Expect: 100-continue the
                    // body waits for the server's word, and serving refuses by Content-Length at once.
                    .expectContinue(body.length() > MAX_BODY_WITHOUT_EXPECT);
            if (request[3] != null) {
                builder.header("Authorization", "Bearer " + request[3]);
            }
            Map<String, Object> check = new LinkedHashMap<>();
            check.put("name", request[0]);
            try {
                HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
                check.put("status", response.statusCode());
                check.put("body", response.body().length() > 160 ? response.body().substring(0, 160) + "…" : response.body());
                check.put("handled", ((Set<?>) request[4]).contains(response.statusCode()));
            } catch (java.io.IOException e) {
                check.put("error", e.toString());
                check.put("handled", false);
            }
            checks.add(check);
        }
        return checks;
    }

    /** Until every consumer group of this run has no lag on the topics it reads (twice in a row, 5 s apart). */
    private boolean awaitDrained(LocalSystem system, ConsumerLag consumerLag, Map<String, Object> clients, PrintWriter log) throws Exception {
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        int quiet = 0;
        // The trainer commits its position with each checkpoint: ask for one so its lag can reach zero.
        HttpClient http = HttpClient.newHttpClient();
        try (Admin admin = Admin.create(clients)) {
            while (System.nanoTime() < deadline) {
                long lag = consumerLag.total(admin);
                if (lag == 0) {
                    if (++quiet >= 2) {
                        return true;
                    }
                } else {
                    quiet = 0;
                    log.printf("chaos: %d records still to be consumed%n", lag);
                    try {
                        http.send(CheckpointRequest.now(system.services()), HttpResponse.BodyHandlers.discarding());
                    } catch (java.io.IOException e) {
                        log.println("chaos: checkpoint request failed: " + e);
                    }
                }
                Thread.sleep(5_000);
            }
        }
        return false;
    }

    private void audit(String prefix, Map<String, Object> clients, RegistryConfig registry, List<String> rawIds, List<BadInput> corpus,
                       Map<BadInput, RecordMetadata> sent, List<Map<String, Object>> restChecks, Map<String, Object> report) {
        String predictionsTopic = Topics.TEXT_PREDICTIONS.withPrefix(prefix).name();
        List<ConsumerRecord<byte[], byte[]>> predictionRecords = readAll(clients, predictionsTopic);
        List<Prediction> predictions;
        try (Serde<Prediction> serde = Topics.TEXT_PREDICTIONS.valueSerde(registry)) {
            predictions = predictionRecords.stream().map(r -> serde.deserializer().deserialize(predictionsTopic, r.value())).toList();
        }
        List<String> ourPredictions = predictions.stream().map(p -> p.getId().toString()).filter(id -> id.startsWith("chaos-")).toList();
        ExactlyOnceAudit predictionAudit = ExactlyOnceAudit.of(rawIds, ourPredictions);
        report.put("lost", (long) predictionAudit.lost().size());
        report.put("duplicated", (long) predictionAudit.duplicated().size());
        report.put("predictions", predictionAudit.report());
        report.put("predictions_by_route", predictions.stream().collect(Collectors.groupingBy(p -> p.getRoute().name(), Collectors.counting())));

        List<String> augmentedIds = keys(readAll(clients, Topics.TEXT_AUGMENTED.withPrefix(prefix).name())).stream()
                .filter(id -> id.startsWith("chaos-")).toList();
        Set<String> augmentedParents = augmentedIds.stream().map(id -> id.substring(0, id.lastIndexOf('#'))).collect(Collectors.toSet());
        ExactlyOnceAudit augmentation = ExactlyOnceAudit.of(augmentedIds.stream().distinct().toList(), augmentedIds);
        report.put("augmented", Map.of("records", augmentedIds.size(), "raw_texts_augmented", augmentedParents.size(),
                "raw_texts_not_augmented", rawIds.stream().filter(id -> !augmentedParents.contains(id)).count(),
                "duplicated", augmentation.duplicated().size()));
        List<String> labelledIds = keys(readAll(clients, Topics.TEXT_LABELED.withPrefix(prefix).name())).stream()
                .filter(id -> id.startsWith("chaos-")).toList();
        List<String> escalatedIds = keys(readAll(clients, Topics.TEXT_ESCALATED.withPrefix(prefix).name())).stream()
                .filter(id -> id.startsWith("chaos-")).toList();
        List<String> expectedLabels = new ArrayList<>(augmentedIds.stream().distinct().toList());
        expectedLabels.addAll(escalatedIds.stream().distinct().toList());
        ExactlyOnceAudit labels = ExactlyOnceAudit.of(expectedLabels, labelledIds);
        report.put("labels", labels.report());
        report.put("escalated", Map.of("records", escalatedIds.size(), "duplicated", ExactlyOnceAudit.of(
                escalatedIds.stream().distinct().toList(), escalatedIds).duplicated().size()));

        String checkpointTopic = Topics.STUDENT_CHECKPOINTS.withPrefix(prefix).name();
        List<CheckpointAudit.Entry> entries = new ArrayList<>();
        int undecodable = 0;
        try (Serde<StudentCheckpoint> serde = Topics.STUDENT_CHECKPOINTS.valueSerde(registry)) {
            Deserializer<StudentCheckpoint> reader = serde.deserializer();
            for (ConsumerRecord<byte[], byte[]> record : readAll(clients, checkpointTopic, Topics.STUDENT_CHECKPOINTS.consumerOverrides())) {
                StudentCheckpoint checkpoint;
                try {
                    checkpoint = reader.deserialize(checkpointTopic, record.value());
                } catch (RuntimeException e) {
                    undecodable++; // our own bad inputs
                    continue;
                }
                if (checkpoint == null || checkpoint.getId().toString().startsWith("bad-")) {
                    continue;
                }
                Map<String, Long> offsets = new HashMap<>();
                for (PartitionOffset offset : checkpoint.getTrainingPosition().getOffsets()) {
                    offsets.put(offset.getTopic() + "-" + offset.getPartition(), offset.getOffset());
                }
                entries.add(new CheckpointAudit.Entry(checkpoint.getId().toString(), checkpoint.getParentId() == null ? null
                        : checkpoint.getParentId().toString(), checkpoint.getTrainingPosition().getSteps(), offsets,
                        sha256(checkpoint.getWeights()).equals(checkpoint.getWeightsSha256().toString())));
            }
        }
        CheckpointAudit checkpoints = CheckpointAudit.of(entries);
        // Nothing skipped: the newest checkpoint has trained (or dead-lettered) every labelled record.
        String labelledTopic = Topics.TEXT_LABELED.withPrefix(prefix).name();
        Map<TopicPartition, Long> labelledEnds = ConsumerLag.afterLastRecord(clients, readPartitions(clients, labelledTopic));
        long behind = entries.stream().max(java.util.Comparator.comparingLong(CheckpointAudit.Entry::steps)).map(newest -> labelledEnds
                .entrySet().stream().mapToLong(e -> Math.max(0, e.getValue()
                        - newest.nextOffsets().getOrDefault(e.getKey().topic() + "-" + e.getKey().partition(), 0L))).sum())
                .orElse(-1L);
        report.put("checkpoints", Map.of("checked", checkpoints.checked(), "republished", checkpoints.republished(),
                "corrupt", checkpoints.corrupt(), "position_regressions", checkpoints.regressions(),
                "undecodable_records", undecodable, "newest_behind_labelled_records", behind));

        String eventsTopic = Topics.STUDENT_ROLLOUT_EVENTS.withPrefix(prefix).name();
        Set<String> refused = new java.util.HashSet<>();
        try (Serde<RolloutEvent> serde = Topics.STUDENT_ROLLOUT_EVENTS.valueSerde(registry)) {
            for (ConsumerRecord<byte[], byte[]> record : readAll(clients, eventsTopic)) {
                RolloutEvent event = serde.deserializer().deserialize(eventsTopic, record.value());
                if (event != null && event.getKind() == RolloutEventKind.REFUSED && event.getCheckpointId() != null) {
                    refused.add(event.getCheckpointId().toString());
                }
            }
        }
        report.put("served_from_refused_checkpoint", predictions.stream()
                .filter(p -> p.getCheckpointId() != null && refused.contains(p.getCheckpointId().toString())).count());

        // Bad inputs: a dead letter naming the source record's exact offset, or (a legal text) a prediction.
        Map<String, List<String>> deadLetterReasons = new HashMap<>();
        for (Topic<?> topic : Topics.dataTopics()) {
            Optional<? extends Topic<byte[]>> dlq = topic.withPrefix(prefix).deadLetterTopic();
            if (dlq.isEmpty()) {
                continue;
            }
            for (ConsumerRecord<byte[], byte[]> dead : readAll(clients, dlq.get().name())) {
                String source = header(dead, DeadLetters.SOURCE_TOPIC) + "-" + header(dead, DeadLetters.SOURCE_PARTITION) + "@"
                        + header(dead, DeadLetters.SOURCE_OFFSET);
                deadLetterReasons.computeIfAbsent(source, s -> new ArrayList<>())
                        .add(header(dead, DeadLetters.SERVICE) + ": " + header(dead, DeadLetters.REASON));
            }
        }
        Set<String> predicted = predictions.stream().map(p -> p.getId().toString()).collect(Collectors.toSet());
        List<Map<String, Object>> handling = new ArrayList<>();
        long mishandled = 0;
        for (BadInput input : corpus) {
            RecordMetadata metadata = sent.get(input);
            String source = metadata.topic() + "-" + metadata.partition() + "@" + metadata.offset();
            List<String> reasons = deadLetterReasons.getOrDefault(source, List.of());
            String id = input.key() == null ? null : new String(input.key(), StandardCharsets.UTF_8);
            boolean answered = id != null && predicted.contains(id);
            boolean handled = input.expectation() == BadInputs.Expectation.DEAD_LETTER ? !reasons.isEmpty() : answered || !reasons.isEmpty();
            if (!handled) {
                mishandled++;
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", input.name());
            entry.put("topic", metadata.topic());
            entry.put("handled", handled);
            entry.put("answered", answered);
            entry.put("dead_letters", reasons);
            handling.add(entry);
        }
        for (Map<String, Object> check : restChecks) {
            if (!Boolean.TRUE.equals(check.get("handled"))) {
                mishandled++;
            }
        }
        report.put("bad_inputs_tried", corpus.size() + restChecks.size());
        report.put("bad_inputs_mishandled", mishandled);
        report.put("bad_inputs", handling);
        report.put("rest_checks", restChecks);
    }

    private static List<TopicPartition> readPartitions(Map<String, Object> clients, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(clients, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            return consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? "?" : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static List<String> keys(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().filter(r -> r.key() != null).map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList();
    }

    private static String sha256(java.nio.ByteBuffer weights) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(weights.duplicate());
            return HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(Map<String, Object> clients, String topic) {
        return readAll(clients, topic, Map.of());
    }

    /** Every committed record of the topic, from the beginning to the end offsets taken now. */
    private static List<ConsumerRecord<byte[], byte[]>> readAll(Map<String, Object> clients, String topic, Map<String, Object> overrides) {
        Map<String, Object> props = new HashMap<>(clients);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.putAll(overrides);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(out::add);
            }
        }
        return out;
    }
}
