package io.distillery.serving.service;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.datasets.LabelledSentence;
import io.distillery.datasets.Split;
import io.distillery.datasets.UciSentiment;
import io.distillery.schemas.Prediction;
import io.distillery.schemas.RawText;
import io.distillery.schemas.StudentCheckpoint;
import io.distillery.schemas.TrainingPosition;
import io.distillery.serving.ModelSlots;
import io.distillery.serving.Roles;
import io.distillery.student.Architecture;
import io.distillery.student.CheckpointCodec;
import io.distillery.student.QuickTraining;
import io.distillery.student.Student;
import io.distillery.student.StudentRuntime;
import io.distillery.student.StudentTokenizer;
import io.distillery.student.TokenBatch;
import io.distillery.testing.ServiceJar;
import io.distillery.testing.TestPlatform;
import io.distillery.topics.RegistryConfig;
import io.distillery.topics.Topic;
import io.distillery.topics.Topics;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Serving's latency and throughput (issue 6), one JSON line per measurement, each with {@code name},
 * {@code p50_ms}, {@code p99_ms}, {@code per_s} and the machine's load average at the time:
 * <ol>
 *   <li>{@code inprocess_mlp}, {@code inprocess_bilstm}: {@link StudentModel#predict} (serving's code
 *       path: checkpoint → CheckpointCodec → Student.probabilities) with MiniLM's tokenizer and the
 *       default architectures (seed 001's BiLSTM, 300x300x400), and {@code inprocess_bilstm_<shape>}
 *       for each other {@code --bilstm-shapes} entry (embedding x hidden x classifier: 64x64x64 is
 *       the BiLSTM the quality bench and the demo distil, 64x128x128 the one before session 11), batch 1 (latency) and batch 32 (throughput), after a warm-up; plus a
 *       {@code _profile} line splitting batch 1 into tokenizer, NDArray creation and forward;</li>
 *   <li>{@code rest}: {@code POST /predict} on the packaged jar (own JVM) under Debian's {@code wrk}
 *       (second process), with a trained checkpoint live; {@code rest_swap}: the same while a second
 *       checkpoint is produced and auto-promoted, with {@code failed_requests_during_swap};</li>
 *   <li>{@code rollback}: a second replica joins; a REST rollback on one, timed until each replica
 *       serves the previous checkpoint (several rounds);</li>
 *   <li>{@code kafka_e2e}: RawText produced at a fixed rate → text.predictions (read_committed),
 *       receive time minus (intended) produce time per id, same JVM clock; the service at the first
 *       {@code --max-batch-sizes} (its default), the subscriber at the first {@code --fetch-waits};
 *       each other setting adds a suffixed line. Each service start is pre-warmed first: its
 *       first 20 s at 1,000/s run with a p99 of hundreds of milliseconds (JIT), and a 10 s
 *       pre-warm still left the first setting measured worse than those after it.</li>
 * </ol>
 *
 * <pre>
 * --jar serving-svc/target/quarkus-app/quarkus-run.jar [--only inprocess,rest,rollback,kafka] [--seconds 8]
 * [--wrk-seconds 20] [--swap-wrk-seconds 40] [--connections 8] [--rate 1000] [--e2e-seconds 20]
 * [--bilstm-shapes 300x300x400,64x128x128,64x64x64] [--e2e-warmup 5] [--e2e-prewarm 20] [--fetch-waits 10,500] [--max-batch-sizes 64,32]
 * [--rollback-rounds 5]
 * </pre>
 */
public final class ServingBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LINEAGE = "mlp-sentiment";
    private static final String TOKEN = "bench-control-token";

    private ServingBench() {
    }

    public static void main(String[] args) throws Exception {
        StudentRuntime.configure(); // as the service: offline, one intra-op thread (before DJL loads)
        List<String> only = Arrays.asList(option(args, "--only", "inprocess,rest,rollback,kafka").split(","));
        Path jar = Path.of(option(args, "--jar", "target/quarkus-app/quarkus-run.jar")).toAbsolutePath();
        double seconds = Double.parseDouble(option(args, "--seconds", "8"));
        int wrkSeconds = Integer.parseInt(option(args, "--wrk-seconds", "20"));
        int swapWrkSeconds = Integer.parseInt(option(args, "--swap-wrk-seconds", "40"));
        int connections = Integer.parseInt(option(args, "--connections", "8"));
        int rate = Integer.parseInt(option(args, "--rate", "1000"));
        int e2eSeconds = Integer.parseInt(option(args, "--e2e-seconds", "20"));
        int e2eWarmup = Integer.parseInt(option(args, "--e2e-warmup", "5"));
        int e2ePrewarm = Integer.parseInt(option(args, "--e2e-prewarm", "20"));
        int[] fetchWaits = ints(option(args, "--fetch-waits", "10,500"));
        int[] maxBatchSizes = ints(option(args, "--max-batch-sizes", "64,32"));
        int rollbackRounds = Integer.parseInt(option(args, "--rollback-rounds", "5"));

        List<String> texts = corpus();
        StudentTokenizer tokenizer = TestStudents.tokenizer();
        if (only.contains("inprocess")) {
            inProcess("inprocess_mlp", Architecture.mlp(tokenizer.vocabSize(), 2), tokenizer, texts, seconds);
            Architecture seed001 = Architecture.bilstm(tokenizer.vocabSize(), 2);
            for (String shape : option(args, "--bilstm-shapes", "300x300x400,64x128x128,64x64x64").split(",")) {
                int[] sizes = Arrays.stream(shape.split("x")).mapToInt(Integer::parseInt).toArray();
                if (sizes.length != 3) {
                    throw new IllegalArgumentException("--bilstm-shapes takes embedding x hidden x classifier, e.g. 64x128x128, not " + shape);
                }
                Architecture bilstm = seed001.withEmbeddingSize(sizes[0]).withHiddenSize(sizes[1]).withClassifierHiddenSize(sizes[2]);
                inProcess(bilstm.equals(seed001) ? "inprocess_bilstm" : "inprocess_bilstm_" + shape, bilstm, tokenizer, texts, seconds);
            }
        }
        if (only.contains("rest") || only.contains("rollback") || only.contains("kafka")) {
            if (only.contains("rest")) {
                try {
                    new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start().waitFor();
                } catch (IOException e) {
                    throw new IllegalStateException("no wrk on PATH: apt-get install -y wrk (Debian)", e);
                }
            }
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " missing: mvn -o -q -f serving-svc/pom.xml package -DskipTests");
            }
            service(jar, only, tokenizer, texts, wrkSeconds, swapWrkSeconds, connections, rate, e2eWarmup, e2ePrewarm,
                    e2eSeconds, fetchWaits, maxBatchSizes, rollbackRounds);
        }
        System.exit(0); // runs the platform's shutdown hook: broker and registry stop
    }

    // ---------------------------------------------------------------- in-process

    private static void inProcess(String name, Architecture architecture, StudentTokenizer tokenizer, List<String> texts,
                                  double seconds) {
        try (Student student = Student.create(architecture, UciSentiment.LABELS, tokenizer, 1)) {
            StudentCheckpoint checkpoint = CheckpointCodec.encode(student, LINEAGE, null, position(0, 0), Map.of(), Instant.now());
            String extra = String.format(Locale.ROOT, "\"student\":\"%s\",\"parameters\":%d,\"embedding\":%d,\"hidden\":%d,"
                            + "\"max_length\":%d", architecture.kind().name().toLowerCase(Locale.ROOT), student.parameterCount(),
                    architecture.embeddingSize(), architecture.hiddenSize(), architecture.maxLength());
            try (StudentModel model = StudentModel.load(checkpoint, tokenizer)) { // serving's loader
                for (int batch : new int[] {1, 32}) {
                    List<List<String>> batches = new ArrayList<>();
                    for (int from = 0; from + batch <= texts.size(); from += batch) {
                        batches.add(texts.subList(from, from + batch));
                    }
                    runFor(seconds / 2, i -> model.predict(batches.get(i % batches.size())) != null); // warm-up
                    long[] nanos = runFor(seconds, i -> model.predict(batches.get(i % batches.size())) != null);
                    Stats s = Stats.of(nanos);
                    System.out.println(line(name, s.p50, s.p99, batch * 1e3 / s.mean, String.format(Locale.ROOT,
                            "\"batch\":%d,\"mean_ms\":%.3f,\"p999_ms\":%.3f,\"max_ms\":%.3f,\"iterations\":%d,%s", batch, s.mean,
                            s.p999, s.max, nanos.length, extra)));
                }
            }
            profile(name + "_profile", student, texts, seconds, extra);
        }
    }

    /**
     * Batch 1 split into its parts (the same calls as Student.logits, timed one by one): the
     * tokenizer, NDArray creation (ids and mask), the forward pass with reading the logits back.
     */
    private static void profile(String name, Student student, List<String> texts, double seconds, String extra) {
        int maxLength = student.architecture().maxLength();
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false); // as Student.logits (NoGrad)
        try {
            List<long[]> rows = new ArrayList<>();
            for (int pass = 0; pass < 2; pass++) { // warm-up, then measured
                rows.clear();
                long deadline = System.nanoTime() + (long) ((pass == 0 ? seconds / 2 : seconds) * 1e9);
                for (int i = 0; System.nanoTime() < deadline; i++) {
                    long t0 = System.nanoTime();
                    TokenBatch batch = student.tokenizer().encode(List.of(texts.get(i % texts.size())), maxLength);
                    long t1 = System.nanoTime();
                    try (NDManager scope = student.manager().newSubManager()) {
                        Shape shape = new Shape(batch.size(), batch.length());
                        NDArray ids = scope.create(batch.flatIds(), shape);
                        NDArray mask = scope.create(batch.flatMask(), shape);
                        long t2 = System.nanoTime();
                        float[] logits = student.block().forward(new ParameterStore(scope, false), new NDList(ids, mask), false)
                                .head().toFloatArray();
                        long t3 = System.nanoTime();
                        rows.add(new long[] {t1 - t0, t2 - t1, t3 - t2, 0, batch.length(), logits.length});
                    }
                    rows.get(rows.size() - 1)[3] = System.nanoTime() - t0;
                }
            }
            Stats tokenize = Stats.of(rows.stream().mapToLong(r -> r[0]).toArray());
            Stats create = Stats.of(rows.stream().mapToLong(r -> r[1]).toArray());
            Stats forward = Stats.of(rows.stream().mapToLong(r -> r[2]).toArray());
            Stats total = Stats.of(rows.stream().mapToLong(r -> r[3]).toArray());
            double tokens = rows.stream().mapToLong(r -> r[4]).average().orElse(0);
            long maxTokens = rows.stream().mapToLong(r -> r[4]).max().orElse(0);
            // forward latency by input length (a BiLSTM's cost grows with the number of tokens)
            StringBuilder byTokens = new StringBuilder("{");
            int[][] buckets = {{1, 8}, {9, 16}, {17, 32}, {33, 64}};
            for (int[] bucket : buckets) {
                long[] inBucket = rows.stream().filter(r -> r[4] >= bucket[0] && r[4] <= bucket[1]).mapToLong(r -> r[2]).toArray();
                if (inBucket.length > 0) {
                    Stats f = Stats.of(inBucket);
                    byTokens.append(byTokens.length() > 1 ? "," : "").append(String.format(Locale.ROOT,
                            "\"%d-%d\":{\"n\":%d,\"p50_ms\":%.3f,\"p99_ms\":%.3f}", bucket[0], bucket[1], inBucket.length, f.p50, f.p99));
                }
            }
            byTokens.append('}');
            System.out.println(line(name, total.p50, total.p99, 1e3 / total.mean, String.format(Locale.ROOT,
                    "\"batch\":1,\"tokenize_p50_ms\":%.3f,\"tokenize_p99_ms\":%.3f,\"ndarray_p50_ms\":%.3f,\"ndarray_p99_ms\":%.3f,"
                            + "\"forward_p50_ms\":%.3f,\"forward_p99_ms\":%.3f,\"forward_mean_ms\":%.3f,\"mean_tokens\":%.1f,"
                            + "\"max_tokens\":%d,\"forward_by_tokens\":%s,\"iterations\":%d,%s",
                    tokenize.p50, tokenize.p99, create.p50, create.p99, forward.p50, forward.p99, forward.mean, tokens, maxTokens,
                    byTokens, rows.size(), extra)));
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    /** Runs {@code body(i)} for i = 0, 1, ... for the given seconds; returns each call's nanoseconds. */
    private static long[] runFor(double seconds, java.util.function.IntPredicate body) {
        long[] nanos = new long[1024];
        int n = 0;
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < deadline) {
            long t0 = System.nanoTime();
            body.test(n);
            long t1 = System.nanoTime();
            if (n == nanos.length) {
                nanos = Arrays.copyOf(nanos, n * 2);
            }
            nanos[n++] = t1 - t0;
        }
        return Arrays.copyOf(nanos, n);
    }

    // ---------------------------------------------------------------- the packaged service

    private static void service(Path jar, List<String> only, StudentTokenizer tokenizer, List<String> texts, int wrkSeconds,
                                int swapWrkSeconds, int connections, int rate, int e2eWarmup, int e2ePrewarm, int e2eSeconds,
                                int[] fetchWaits, int[] maxBatchSizes, int rollbackRounds) throws Exception {
        TestPlatform platform = TestPlatform.shared();
        String prefix = platform.uniqueName("bench") + ".";
        platform.createTopics(Topics.newTopics(prefix, (short) 1));
        RegistryConfig registry = RegistryConfig.at(platform.registryUrl());
        Path bundle = Files.createDirectories(Path.of("target", "bench-bundle"));
        Path tokenizerJson = bundle.resolve("tokenizer.json").toAbsolutePath();
        Files.write(tokenizerJson, TestStudents.miniLmBytes());

        Architecture mlp = Architecture.mlp(tokenizer.vocabSize(), 2);
        Trained first = trained(mlp, tokenizer, 200, 1, null, 1);
        Trained second = trained(mlp, tokenizer, 1200, 3, first.checkpoint.getId(), 2);
        String extra = String.format(Locale.ROOT, "\"student\":\"mlp\",\"parameters\":%d", first.parameters);

        int maxBatchSize = maxBatchSizes[0];
        Service service = Service.start(jar, platform, prefix, tokenizerJson, maxBatchSize);
        try {
            service.awaitOk("q/health/ready", Duration.ofMinutes(3));
            TestStudents.publish(platform, prefix, first.checkpoint);
            service.awaitLive(first.checkpoint.getId(), Duration.ofMinutes(2));
            if (only.contains("rest")) {
                String url = service.url("predict");
                Path lua = luaScript(texts);
                // a short unmeasured run: the service JVM's JIT, and wrk's connections
                wrk(url, lua, 5, connections);
                Wrk steady = wrk(url, lua, wrkSeconds, connections);
                System.out.println(line("rest", steady.p50, steady.p99, steady.perSecond, steady.json() + ",\"checkpoint_swap\":false,"
                        + extra));
                // the same load while a second checkpoint arrives, is evaluated, promoted and swapped in
                Process running = wrkProcess(url, lua, swapWrkSeconds, connections);
                Thread.sleep(8_000);
                long published = System.nanoTime();
                TestStudents.publish(platform, prefix, second.checkpoint);
                boolean swapped = service.awaitLive(second.checkpoint.getId(), Duration.ofSeconds(swapWrkSeconds - 10));
                double swapSeconds = (System.nanoTime() - published) / 1e9;
                boolean swapBeforeEnd = swapped && running.isAlive();
                Wrk swap = Wrk.parse(finish(running, swapWrkSeconds + 30));
                System.out.println(line("rest_swap", swap.p50, swap.p99, swap.perSecond, swap.json() + String.format(Locale.ROOT,
                        ",\"checkpoint_swap\":true,\"swap_completed_while_loaded\":%s,\"publish_to_live_s\":%.2f,"
                                + "\"failed_requests_during_swap\":%d,%s", swapBeforeEnd, swapSeconds, swap.failures(), extra)));
            } else {
                TestStudents.publish(platform, prefix, second.checkpoint);
                service.awaitLive(second.checkpoint.getId(), Duration.ofMinutes(2));
            }
            if (only.contains("rollback")) {
                rollback(jar, platform, prefix, tokenizerJson, maxBatchSize, service, first.checkpoint.getId(),
                        second.checkpoint.getId(), rollbackRounds, extra);
            }
            if (only.contains("kafka")) {
                String live = service.live();
                transactions("kafka_transaction", platform, prefix, 10, 16, Map.of());
                // is the floor the producer's retry back-off (a new transaction's first send refused with
                // CONCURRENT_TRANSACTIONS while the broker still completes the previous one, retried after
                // retry.backoff.ms = 100)? The same with 10 ms:
                transactions("kafka_transaction_retry_backoff_10ms", platform, prefix, 10, 16,
                        Map.of(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 10));
                for (int i = 0; i < maxBatchSizes.length; i++) {
                    if (i > 0) { // another batching setting: restart the service on the same topics
                        service.close();
                        service = Service.start(jar, platform, prefix, tokenizerJson, maxBatchSizes[i]);
                        service.awaitOk("q/health/ready", Duration.ofMinutes(3));
                        service.awaitLive(live, Duration.ofMinutes(2));
                    }
                    String about = about(first.parameters, live);
                    // the service's stream path is cold (JIT) until it has answered a while: one unmeasured-for-the-goal run
                    e2e("kafka_e2e_prewarm", platform, registry, prefix, texts, rate, 0, e2ePrewarm, fetchWaits[0],
                            maxBatchSizes[i], about);
                    // other batch sizes: only the first fetch wait
                    for (int w = 0; w < (i == 0 ? fetchWaits.length : 1); w++) {
                        String name = "kafka_e2e" + (w == 0 ? "" : "_fetch_wait_" + fetchWaits[w] + "ms")
                                + (i == 0 ? "" : "_max_batch_" + maxBatchSizes[i]);
                        e2e(name, platform, registry, prefix, texts, rate, e2eWarmup, e2eSeconds, fetchWaits[w], maxBatchSizes[i], about);
                    }
                }
                service.close(); // idle from here on; the loops below run in this JVM
                int fetchWait = fetchWaits[0];
                for (Map<String, Object> overrides : List.<Map<String, Object>>of(Map.of(),
                        Map.of(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 10))) {
                    inProcessLoop(platform, registry, second.checkpoint, tokenizer, texts, rate, e2eWarmup, e2ePrewarm, e2eSeconds,
                            fetchWait, maxBatchSizes[0], overrides, about(first.parameters, second.checkpoint.getId()));
                }
            }
        } finally {
            service.close();
        }
    }

    /**
     * A second replica joins (it must come up serving what the first serves: the rollout state is
     * on the compacted topic); then, round after round, {@code current} is promoted by hand and
     * rolled back through the first replica's REST API, and each replica is timed from the
     * command to serving {@code previous} again. Prints one line; leaves {@code current} live.
     */
    private static void rollback(Path jar, TestPlatform platform, String prefix, Path tokenizerJson, int maxBatchSize,
                                 Service one, String previous, String current, int rounds, String extra) throws Exception {
        try (Service two = Service.start(jar, platform, prefix, tokenizerJson, maxBatchSize)) {
            two.awaitOk("q/health/ready", Duration.ofMinutes(3));
            if (!two.awaitLive(current, Duration.ofMinutes(2))) {
                throw new IllegalStateException("a replica that joined does not serve the live checkpoint " + current);
            }
            List<Service> replicas = List.of(one, two);
            long[] nanos = new long[rounds * replicas.size()];
            long[] firstRound = new long[replicas.size()];
            int n = 0;
            for (int round = 0; round < rounds; round++) {
                if (round > 0) {
                    promote(one, replicas, current);
                }
                long sent = System.nanoTime();
                requireAccepted(one.command("{\"action\":\"rollback\",\"reason\":\"bench\"}"));
                long[] back = awaitAll(replicas, previous, sent, Duration.ofSeconds(60));
                if (round == 0) {
                    firstRound = back;
                }
                for (long t : back) {
                    nanos[n++] = t;
                }
            }
            promote(one, replicas, current);
            Stats s = Stats.of(nanos);
            // per_s: rollbacks a second, back to back, at the mean time to reach every replica
            System.out.println(line("rollback", s.p50, s.p99, 1e3 / s.mean, String.format(Locale.ROOT,
                    "\"replicas\":%d,\"rounds\":%d,\"max_ms\":%.1f,\"first_round_ms\":[%.1f,%.1f],"
                            + "\"measured\":\"REST rollback on one replica until each serves the previous checkpoint\",%s",
                    replicas.size(), rounds, s.max, firstRound[0] / 1e6, firstRound[1] / 1e6, extra)));
        }
    }

    /** A manual promote through {@code via}'s REST API, until every replica serves {@code checkpointId}. */
    private static void promote(Service via, List<Service> replicas, String checkpointId) throws Exception {
        requireAccepted(via.command("{\"action\":\"promote\",\"checkpoint_id\":\"" + checkpointId + "\"}"));
        awaitAll(replicas, checkpointId, System.nanoTime(), Duration.ofSeconds(60));
    }

    /** Polls every replica until each serves {@code checkpointId}; each one's nanoseconds since {@code since}. */
    private static long[] awaitAll(List<Service> replicas, String checkpointId, long since, Duration timeout) throws Exception {
        long[] at = new long[replicas.size()];
        int left = replicas.size();
        long deadline = since + timeout.toNanos();
        while (left > 0) {
            for (int i = 0; i < replicas.size(); i++) {
                if (at[i] == 0 && checkpointId.equals(replicas.get(i).live())) {
                    at[i] = System.nanoTime() - since;
                    left--;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(left + " replica(s) not serving " + checkpointId + " within " + timeout);
            }
            Thread.sleep(10);
        }
        return at;
    }

    private static void requireAccepted(int status) {
        if (status != 202) {
            throw new IllegalStateException("rollout command answered HTTP " + status);
        }
    }

    private static String about(long parameters, String checkpoint) {
        return "\"student\":\"mlp\",\"parameters\":" + parameters + ",\"checkpoint\":\"" + checkpoint + "\"";
    }

    /**
     * The service's own {@link PredictionLoop} in this JVM (fresh topics, its own group) with extra
     * client properties, e.g. the producer's retry.backoff.ms, which the packaged service does not
     * expose: the same end-to-end measurement, to see what such a setting would change.
     */
    private static void inProcessLoop(TestPlatform platform, RegistryConfig registry, StudentCheckpoint checkpoint,
                                      StudentTokenizer tokenizer, List<String> texts, int rate, int warmup, int prewarm, int seconds,
                                      int fetchWait, int maxBatchSize, Map<String, Object> overrides, String about) throws Exception {
        String prefix = platform.uniqueName("bench-loop") + ".";
        platform.createTopics(Topics.newTopics(prefix, (short) 1));
        ModelSlots<StudentModel> slots = new ModelSlots<>(id -> StudentModel.load(checkpoint, tokenizer));
        slots.apply(new Roles(checkpoint.getId(), null, 0, null, null));
        Map<String, Object> clients = new HashMap<>(platform.clientProperties());
        clients.putAll(overrides);
        PredictionLoop loop = new PredictionLoop(new PredictionLoop.Settings(prefix + "distillery-serving", prefix + "bench-loop",
                maxBatchSize, java.time.Duration.ZERO, 2000, 0.0, ServingConfig.WithoutModel.WAIT),
                new PredictionLoop.Topics(Topics.TEXT_RAW.withPrefix(prefix), Topics.TEXT_PREDICTIONS.withPrefix(prefix),
                        Topics.TEXT_ESCALATED.withPrefix(prefix)),
                slots, new ServingMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), 1000), clients, registry);
        Thread thread = new Thread(loop, "bench-prediction-loop");
        thread.setDaemon(true);
        thread.start();
        try {
            String name = "kafka_e2e_in_process_loop" + (overrides.isEmpty() ? "" : "_retry_backoff_" + overrides.get(
                    ProducerConfig.RETRY_BACKOFF_MS_CONFIG) + "ms");
            String extra = about + ",\"loop\":\"PredictionLoop in the bench JVM\",\"client_overrides\":\"" + overrides + "\"";
            e2e(name + "_prewarm", platform, registry, prefix, texts, rate, 0, prewarm, fetchWait, maxBatchSize, extra);
            e2e(name, platform, registry, prefix, texts, rate, warmup, seconds, fetchWait, maxBatchSize, extra);
        } finally {
            loop.stop();
            thread.join(30_000);
            slots.closeAll();
        }
    }

    private record Trained(StudentCheckpoint checkpoint, long parameters) {
    }

    /** A default-architecture MLP trained {@code epochs} times on the first {@code sentences} TRAIN sentences. */
    private static Trained trained(Architecture architecture, StudentTokenizer tokenizer, int sentences, int epochs, String parent,
                                   long seed) {
        List<LabelledSentence> train = UciSentiment.split(Split.TRAIN).subList(0, sentences);
        List<String> texts = train.stream().map(LabelledSentence::text).toList();
        int[] gold = train.stream().mapToInt(s -> UciSentiment.LABELS.indexOf(s.label())).toArray();
        try (Student student = Student.create(architecture, UciSentiment.LABELS, tokenizer, seed)) {
            QuickTraining.Result result = QuickTraining.trainGold(student, texts, gold, epochs, 32, 0.01f, seed);
            return new Trained(CheckpointCodec.encode(student, LINEAGE, parent, position(result.steps(), (long) sentences * epochs),
                    Map.of("teacher_agreement", 0.9), Instant.now()), student.parameterCount());
        }
    }

    private static TrainingPosition position(long steps, long examples) {
        return TrainingPosition.newBuilder().setSteps(steps).setExamples(examples).setOffsets(List.of()).setMaxEventTime(null).build();
    }

    /** The packaged serving jar in a JVM of its own ({@link ServiceJar}), and what the bench asks of it. */
    static final class Service implements AutoCloseable {
        final ServiceJar jar;

        private Service(ServiceJar jar) {
            this.jar = jar;
        }

        static Service start(Path jar, TestPlatform platform, String prefix, Path tokenizerJson, int maxBatchSize) throws IOException {
            return new Service(ServiceJar.of(jar).platform(platform, prefix).name("serving-bench").jvmOptions("-Xmx1g")
                    .logDir(Path.of("target").toAbsolutePath())
                    .env("DISTILLERY_SERVING_TOKENIZER", tokenizerJson.toString())
                    .env("DISTILLERY_SERVING_LINEAGE", LINEAGE)
                    .env("DISTILLERY_SERVING_CONTROL_TOKEN", TOKEN)
                    .env("DISTILLERY_SERVING_ESCALATION_THRESHOLD", "0") // every record gets a student prediction
                    .env("DISTILLERY_SERVING_MAX_BATCH_SIZE", Integer.toString(maxBatchSize))
                    .start());
        }

        String url(String path) {
            return jar.uri(path).toString();
        }

        void awaitOk(String path, Duration timeout) throws InterruptedException {
            jar.awaitHttpOk(path, timeout);
        }

        /** Waits until this replica serves {@code checkpointId} as live; false after the timeout. */
        boolean awaitLive(String checkpointId, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                jar.requireAlive();
                if (checkpointId.equals(live())) {
                    return true;
                }
                Thread.sleep(20);
            }
            return false;
        }

        /** The checkpoint this replica serves as live (GET /rollouts), or null while it cannot say. */
        String live() throws InterruptedException {
            return TestStudents.servedLive(jar);
        }

        /** A rollout command over REST with the control token; its HTTP status. */
        int command(String json) throws IOException, InterruptedException {
            return jar.postJson("rollouts", json, "Bearer " + TOKEN).statusCode();
        }

        @Override
        public void close() throws InterruptedException {
            jar.stop(Duration.ofSeconds(60)); // SIGTERM: Quarkus shuts down cleanly
        }
    }

    // ---------------------------------------------------------------- wrk

    /** A wrk script cycling through UCI sentences as {"text": ...} bodies. */
    private static Path luaScript(List<String> texts) throws IOException {
        StringBuilder lua = new StringBuilder("local bodies = {\n");
        for (String text : texts.subList(0, 200)) {
            lua.append("  [==[").append(JSON.writeValueAsString(Map.of("text", text))).append("]==],\n");
        }
        lua.append("}\nlocal i = 0\nrequest = function()\n  i = i % #bodies + 1\n"
                + "  return wrk.format(\"POST\", nil, {[\"Content-Type\"] = \"application/json\"}, bodies[i])\nend\n");
        Path file = Files.createTempFile("serving-bench-", ".lua");
        file.toFile().deleteOnExit();
        return Files.writeString(file, lua.toString());
    }

    private static Process wrkProcess(String url, Path lua, int seconds, int connections) throws IOException {
        return new ProcessBuilder("wrk", "-t1", "-c" + connections, "-d" + seconds + "s", "--timeout", "5s", "--latency", "-s",
                lua.toString(), url).redirectErrorStream(true).start();
    }

    private static Wrk wrk(String url, Path lua, int seconds, int connections) throws Exception {
        return Wrk.parse(finish(wrkProcess(url, lua, seconds, connections), seconds + 30));
    }

    private static String finish(Process wrk, int timeoutSeconds) throws Exception {
        byte[] out = wrk.getInputStream().readAllBytes(); // wrk ends by itself after -d
        if (!wrk.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            wrk.destroyForcibly();
            throw new IllegalStateException("wrk did not finish");
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** What wrk's summary says. */
    private record Wrk(double p50, double p75, double p90, double p99, double perSecond, long requests, long non2xx,
                       long socketErrors, String socketDetail, int connections) {

        static Wrk parse(String out) {
            Matcher rps = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(out);
            Matcher total = Pattern.compile("(\\d+) requests in").matcher(out);
            Matcher non2xx = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)").matcher(out);
            Matcher socket = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)").matcher(out);
            Matcher conns = Pattern.compile("(\\d+) threads and (\\d+) connections").matcher(out);
            if (!rps.find() || !total.find()) {
                throw new IllegalStateException("unexpected wrk output:\n" + out);
            }
            long errors = 0;
            String detail = "connect 0, read 0, write 0, timeout 0";
            if (socket.find()) {
                for (int g = 1; g <= 4; g++) {
                    errors += Long.parseLong(socket.group(g));
                }
                detail = socket.group().substring("Socket errors: ".length());
            }
            return new Wrk(percentile(out, 50), percentile(out, 75), percentile(out, 90), percentile(out, 99),
                    Double.parseDouble(rps.group(1)), Long.parseLong(total.group(1)),
                    non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0, errors, detail,
                    conns.find() ? Integer.parseInt(conns.group(2)) : -1);
        }

        /** "     99%   12.34ms" under "Latency Distribution", in milliseconds. */
        private static double percentile(String out, int p) {
            Matcher m = Pattern.compile("(?m)^\\s+" + p + "%\\s+([0-9.]+)(us|ms|s|m)\\s*$").matcher(out);
            if (!m.find()) {
                return Double.NaN;
            }
            double value = Double.parseDouble(m.group(1));
            return switch (m.group(2)) {
                case "us" -> value / 1e3;
                case "ms" -> value;
                case "s" -> value * 1e3;
                default -> value * 60e3;
            };
        }

        long failures() {
            return non2xx + socketErrors;
        }

        String json() {
            return String.format(Locale.ROOT, "\"batch\":1,\"client\":\"wrk -t1 -c%d --timeout 5s\",\"p75_ms\":%.3f,\"p90_ms\":%.3f,"
                            + "\"requests\":%d,\"non_2xx\":%d,\"socket_errors\":%d,\"socket_errors_detail\":\"%s\"",
                    connections, p75, p90, requests, non2xx, socketErrors, socketDetail);
        }
    }

    // ---------------------------------------------------------------- Kafka end to end

    /**
     * Produces RawText at {@code rate}/s (paced to a schedule, so a slow service cannot slow the
     * producer down) for warm-up + measured seconds, and times each id from its scheduled produce
     * time to its arrival on text.predictions (read_committed consumer in this JVM). Also splits
     * the time at the service's {@code predicted_at} (ms resolution): before it, queueing, poll and
     * prediction; after it, the transaction commit and the consumer's fetch.
     */
    private static void e2e(String name, TestPlatform platform, RegistryConfig registry, String prefix, List<String> texts, int rate,
                            int warmupSeconds, int seconds, int fetchWaitMs, int maxBatchSize, String extra) throws Exception {
        Topic<RawText> raw = Topics.TEXT_RAW.withPrefix(prefix);
        Topic<Prediction> predictions = Topics.TEXT_PREDICTIONS.withPrefix(prefix);
        String run = Long.toString(System.nanoTime() % 100_000);
        int warmup = rate * warmupSeconds;
        int total = warmup + rate * seconds;
        long[] scheduled = new long[total];
        long[] received = new long[total];
        long[] predictedAt = new long[total]; // the service's predicted_at, epoch ms
        java.util.concurrent.atomic.AtomicInteger measuredReceived = new java.util.concurrent.atomic.AtomicInteger();
        AtomicLong stray = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        long nanoZero = System.nanoTime();
        long wallZero = System.currentTimeMillis();

        Map<String, Object> consumerProps = new HashMap<>(platform.clientProperties());
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProps.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, fetchWaitMs);
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(predictions.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve now: only records from here on
        Thread reader = new Thread(() -> {
            try (Deserializer<Prediction> deserializer = predictions.valueSerde(registry).deserializer()) {
                String idPrefix = "e2e-" + run + "-";
                while (!stop.get()) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        long now = System.nanoTime();
                        String id = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
                        if (!id.startsWith(idPrefix)) {
                            stray.incrementAndGet();
                            continue;
                        }
                        int i = Integer.parseInt(id.substring(idPrefix.length()));
                        if (received[i] == 0) {
                            received[i] = now;
                            predictedAt[i] = deserializer.deserialize(record.topic(), record.value()).getPredictedAt().toEpochMilli();
                            if (i >= warmup) {
                                measuredReceived.incrementAndGet();
                            }
                        }
                    }
                }
            } finally {
                consumer.close();
            }
        }, "e2e-reader");
        reader.start();

        Map<String, Object> producerProps = new HashMap<>(platform.clientProperties());
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        long maxLagNanos = 0;
        long start;
        long lastSend;
        try (Serializer<RawText> serializer = raw.valueSerde(registry).serializer();
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                     new ByteArraySerializer())) {
            // register the schema and connect before the clock starts
            serializer.serialize(raw.name(), rawText("e2e-schema", "warm", Instant.now()));
            producer.partitionsFor(raw.name());
            long interval = 1_000_000_000L / rate;
            start = System.nanoTime() + 50_000_000L;
            for (int i = 0; i < total; i++) {
                long due = start + i * interval;
                long now;
                while ((now = System.nanoTime()) < due) {
                    LockSupport.parkNanos(due - now);
                }
                maxLagNanos = i >= warmup ? Math.max(maxLagNanos, now - due) : maxLagNanos;
                scheduled[i] = due;
                String id = "e2e-" + run + "-" + i;
                byte[] value = serializer.serialize(raw.name(), rawText(id, texts.get(i % texts.size()), Instant.now()));
                producer.send(new ProducerRecord<>(raw.name(), id, value));
            }
            lastSend = System.nanoTime();
        }
        long drainDeadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < drainDeadline && measuredReceived.get() < total - warmup) {
            Thread.sleep(100);
        }
        stop.set(true);
        reader.join(10_000);

        List<Long> latencies = new ArrayList<>();
        List<Long> before = new ArrayList<>();
        int missing = 0;
        long lastReceived = 0;
        for (int i = warmup; i < total; i++) {
            if (received[i] == 0) {
                missing++;
            } else {
                latencies.add(received[i] - scheduled[i]);
                long scheduledWall = wallZero + (scheduled[i] - nanoZero) / 1_000_000;
                before.add((predictedAt[i] - scheduledWall) * 1_000_000L);
                lastReceived = Math.max(lastReceived, received[i]);
            }
        }
        Stats s = Stats.of(latencies.stream().mapToLong(Long::longValue).toArray());
        Stats b = Stats.of(before.stream().mapToLong(Long::longValue).toArray());
        double producedPerSecond = (total - warmup) / ((lastSend - (start + (long) warmup * (1_000_000_000L / rate))) / 1e9);
        double receivedPerSecond = latencies.size()
                / ((lastReceived - (start + (long) warmup * (1_000_000_000L / rate))) / 1e9);
        System.out.println(line(name, s.p50, s.p99,
                receivedPerSecond, String.format(Locale.ROOT,
                        "\"target_rate\":%d,\"produced_per_s\":%.1f,\"max_producer_lag_ms\":%.2f,\"records\":%d,\"received\":%d,"
                                + "\"missing\":%d,\"p999_ms\":%.3f,\"max_ms\":%.3f,\"mean_ms\":%.3f,"
                                + "\"to_predicted_at_p50_ms\":%.1f,\"to_predicted_at_p99_ms\":%.1f,\"warmup_s\":%d,\"measured_s\":%d,"
                                + "\"service_max_batch_size\":%d,\"service_poll_timeout_ms\":200,\"service_linger_ms\":5,"
                                + "\"transaction\":\"one per poll\",\"consumer\":\"read_committed, fetch.max.wait.ms=%d\","
                                + "\"escalation_threshold\":0,\"partitions\":%d,%s",
                        rate, producedPerSecond, maxLagNanos / 1e6, total - warmup, latencies.size(), missing, s.p999, s.max, s.mean,
                        b.p50, b.p99, warmupSeconds, seconds, maxBatchSize, fetchWaitMs, partitions.size(), extra)));
        if (stray.get() > 0) {
            System.err.println("(" + stray.get() + " predictions of earlier runs ignored)");
        }
    }

    /**
     * What one exactly-once micro-batch costs the broker here, without any model: a transactional
     * producer in this JVM doing begin, {@code records} sends (~200 B), sendOffsetsToTransaction,
     * commit, back to back for {@code seconds} (the service's loop does the same per poll).
     */
    @SuppressWarnings("removal") // ConsumerGroupMetadata(String): what a group-less transactional producer passes
    private static void transactions(String name, TestPlatform platform, String prefix, int seconds, int records,
                                     Map<String, Object> overrides) throws Exception {
        String topic = prefix + name;
        platform.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 6, (short) 1)));
        Map<String, Object> props = new HashMap<>(platform.clientProperties());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, prefix + name);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5); // as PredictionLoop
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.putAll(overrides);
        byte[] value = new byte[200];
        Arrays.fill(value, (byte) 'x');
        var group = new org.apache.kafka.clients.consumer.ConsumerGroupMetadata(prefix + name);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            long[] commit = new long[0];
            long[] whole = new long[0];
            for (int pass = 0; pass < 2; pass++) { // warm-up, measured
                List<long[]> times = new ArrayList<>();
                long deadline = System.nanoTime() + (pass == 0 ? 3_000_000_000L : seconds * 1_000_000_000L);
                long offset = 0;
                while (System.nanoTime() < deadline) {
                    long t0 = System.nanoTime();
                    producer.beginTransaction();
                    for (int i = 0; i < records; i++) {
                        producer.send(new ProducerRecord<>(topic, Integer.toString(i).getBytes(StandardCharsets.UTF_8), value));
                    }
                    long t1 = System.nanoTime();
                    offset += records;
                    producer.sendOffsetsToTransaction(Map.of(new TopicPartition(topic, 0),
                            new org.apache.kafka.clients.consumer.OffsetAndMetadata(offset)), group);
                    producer.commitTransaction();
                    long t2 = System.nanoTime();
                    times.add(new long[] {t2 - t1, t2 - t0});
                }
                commit = times.stream().mapToLong(t -> t[0]).toArray();
                whole = times.stream().mapToLong(t -> t[1]).toArray();
            }
            Stats c = Stats.of(commit);
            Stats w = Stats.of(whole);
            System.out.println(line(name, w.p50, w.p99, records * 1e3 / w.mean, String.format(Locale.ROOT,
                    "\"records_per_transaction\":%d,\"transactions\":%d,\"transactions_per_s\":%.1f,\"offsets_and_commit_p50_ms\":%.3f,"
                            + "\"offsets_and_commit_p99_ms\":%.3f,\"mean_ms\":%.3f,\"note\":\"begin+sends+sendOffsetsToTransaction+commit, "
                            + "no model: the exactly-once floor per micro-batch\",\"producer_overrides\":\"%s\"",
                    records, whole.length, 1e3 / w.mean, c.p50, c.p99, w.mean, overrides)));
        }
    }

    private static RawText rawText(String id, String text, Instant eventTime) {
        return RawText.newBuilder().setId(id).setText(text).setSource("bench").setEventTime(eventTime).setGoldLabel(null)
                .setMetadata(Map.of()).build();
    }

    // ---------------------------------------------------------------- helpers

    /** Percentiles of sorted nanoseconds, in milliseconds. */
    private record Stats(double p50, double p99, double p999, double max, double mean) {
        static Stats of(long[] nanos) {
            if (nanos.length == 0) {
                return new Stats(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            }
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            return new Stats(at(sorted, 0.50), at(sorted, 0.99), at(sorted, 0.999), sorted[sorted.length - 1] / 1e6,
                    Arrays.stream(sorted).average().orElse(0) / 1e6);
        }

        /** The nearest-rank percentile. */
        private static double at(long[] sorted, double q) {
            int rank = (int) Math.ceil(q * sorted.length);
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
        }
    }

    private static String line(String name, double p50, double p99, double perSecond, String extra) {
        return String.format(Locale.ROOT, "{\"name\":\"%s\",\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"per_s\":%.1f,%s,\"cores\":%d,"
                        + "\"java\":\"%s\",\"load_average\":%.2f}", name, p50, p99, perSecond, extra,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /** The UCI sentences in a fixed shuffled order (ragged lengths, as in production). */
    private static List<String> corpus() {
        List<String> texts = new ArrayList<>(UciSentiment.all().stream().map(LabelledSentence::text).toList());
        Collections.shuffle(texts, new Random(7));
        return texts;
    }

    private static int[] ints(String csv) {
        return Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
