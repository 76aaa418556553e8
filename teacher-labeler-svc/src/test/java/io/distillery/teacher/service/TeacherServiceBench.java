package io.distillery.teacher.service;

import io.distillery.datasets.LabelledSentence;
import io.distillery.datasets.UciSentiment;
import io.distillery.schemas.AugmentationOperation;
import io.distillery.schemas.AugmentedText;
import io.distillery.teacher.CpuThreads;
import io.distillery.teacher.DeviceChoice;
import io.distillery.teacher.RawPredictorBenchmark;
import io.distillery.testing.CommittedRecords;
import io.distillery.testing.ServiceJar;
import io.distillery.testing.TestPlatform;
import io.distillery.topics.RegistryConfig;
import io.distillery.topics.Topic;
import io.distillery.topics.Topics;
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
import java.util.TreeMap;
import java.util.Random;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The labeller's throughput against the bare DJL predictor, same machine, same bundle, one run:
 * first the raw predictor at several batch sizes (ragged, unsorted batches, as
 * {@link RawPredictorBenchmark}), then the service as deployed (the Quarkus jar in its own JVM,
 * exactly once) on a real broker and registry, timed from its first commit past the warm-up share
 * of N pre-produced AugmentedText records to its last, once per instance count (scale-out through
 * the consumer group). Prints JSON lines; the last, {@code "name":"ratio"}, has {@code service_over_raw}: one
 * instance over the best raw figure measured (any batch size, or the length-bucketed feed
 * measured before and after the service), and each instance count's speed-up over one.
 *
 * <pre>
 * --bundle DIR --jar teacher-labeler-svc/target/quarkus-app/quarkus-run.jar [--records 3000]
 * [--batch-sizes 1,8,16,32,64] [--max-batch-size 32] [--batches-per-flush 4] [--instances 1,2]
 * [--device auto|cpu|gpu] [--threads-per-instance N] [--spin true|false]
 * </pre>
 *
 * <p>{@code --threads-per-instance} caps the CPU threads of every teacher call, raw and service
 * alike (default: the engine's, every core). On one CPU, instances at the default fight over the
 * same cores; at cores ÷ instances each has its own share, as each would have its own GPU or machine.
 * {@code --spin} lets ONNX Runtime's idle threads spin, raw and service alike (default: they block,
 * as the service's {@code distillery.teacher.intra-op-spinning}).
 */
public final class TeacherServiceBench {

    /**
     * The share of the records both sides label before the clock starts: the service's fresh JVM
     * spends its first seconds compiling (C2 took 16 % of a core then), the raw predictor's JVM
     * has done so already. Throughput is compared in the steady state, on the same texts.
     */
    private static final double WARM_UP_SHARE = 0.2;

    /** How often the group's committed offsets are read: often enough to time to 1 %, rarely enough to cost nothing. */
    private static final long POLL_MILLIS = 200;

    public static void main(String[] args) throws Exception {
        Path bundle = Path.of(option(args, "--bundle", ".distillery/teacher/default")).toAbsolutePath();
        Path jar = Path.of(option(args, "--jar", "teacher-labeler-svc/target/quarkus-app/quarkus-run.jar")).toAbsolutePath();
        int records = Integer.parseInt(option(args, "--records", "3000"));
        int maxBatchSize = Integer.parseInt(option(args, "--max-batch-size", "32"));
        int[] batchSizes = Arrays.stream(option(args, "--batch-sizes", "1,8,16,32,64").split(","))
                .mapToInt(Integer::parseInt).toArray();
        String device = option(args, "--device", "auto");
        int batchesPerFlush = Integer.parseInt(option(args, "--batches-per-flush", "4"));
        int[] instances = Arrays.stream(option(args, "--instances", "1,2").split(",")).mapToInt(Integer::parseInt).toArray();
        CpuThreads threads = new CpuThreads(Integer.parseInt(option(args, "--threads-per-instance", "0")),
                Boolean.parseBoolean(option(args, "--spin", "false")));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " missing: build the service first (mvn -pl teacher-labeler-svc package)");
        }
        if (!Files.isDirectory(bundle)) {
            throw new IllegalStateException("no teacher bundle at " + bundle + ": ./distillery teacher fit");
        }
        TestPlatform platform = TestPlatform.shared();

        // The raw predictor, with the broker and registry up but idle.
        double rawAtServiceBatch = 0;
        double bestRaw = 0;
        for (RawPredictorBenchmark.Result raw : RawPredictorBenchmark.run(bundle, batchSizes, 512, DeviceChoice.parse(device), threads)) {
            System.out.println(raw.json());
            bestRaw = Math.max(bestRaw, raw.sentencesPerSecond());
            if (raw.batchSize() == maxBatchSize) {
                rawAtServiceBatch = raw.sentencesPerSecond();
            }
        }
        // The same predictor fed the same texts as the service (length-bucketed flushes): the ceiling without Kafka.
        double bucketed = rawBucketed(bundle, DeviceChoice.parse(device), threads, maxBatchSize, batchesPerFlush, records);

        // Every run's input first, on its own prefix, before any service runs (see produce()).
        Map<Integer, String> prefixes = new TreeMap<>();
        for (int count : instances) {
            prefixes.put(count, input(platform, records));
        }
        Map<Integer, Double> serviceRates = new TreeMap<>();
        for (int count : instances) {
            double rate = service(platform, prefixes.get(count), jar, bundle, device, threads, count, records, maxBatchSize,
                    batchesPerFlush);
            serviceRates.put(count, rate);
        }
        // Once more after the service: on a shared machine the load changes, and the ratio is taken
        // against the better of the two (and of every raw batch size), the strictest comparison.
        double bucketedAfter = rawBucketed(bundle, DeviceChoice.parse(device), threads, maxBatchSize, batchesPerFlush, records);
        bestRaw = Math.max(bestRaw, Math.max(bucketed, bucketedAfter));
        double single = serviceRates.getOrDefault(1, Double.NaN);
        System.out.println(String.format(Locale.ROOT,
                "{\"name\":\"ratio\",\"service_over_raw\":%.3f,\"service_over_raw_same_batch_size\":%.3f,"
                        + "\"service_sentences_per_s\":%.1f,\"best_raw_sentences_per_s\":%.1f,\"instances_speedup\":%s}",
                single / bestRaw, rawAtServiceBatch > 0 ? single / rawAtServiceBatch : Double.NaN, single, bestRaw,
                speedups(serviceRates)));
        System.exit(0); // runs the platform's shutdown hook: broker and registry stop
    }

    /** A fresh prefix with the catalogue's topics and {@code records} texts on its text.augmented. */
    private static String input(TestPlatform platform, int records) {
        String prefix = platform.uniqueName("bench") + ".";
        platform.createTopics(Topics.newTopics(prefix, (short) 1));
        produce(platform, Topics.TEXT_AUGMENTED.withPrefix(prefix), records);
        return prefix;
    }

    /**
     * The service as deployed: {@code count} Quarkus jars in their own JVMs, one consumer group, on
     * a prefix with {@code records} pre-produced texts; timed from the group's first commit past
     * the warm-up share to its last. Prints one line and returns sentences/s.
     */
    private static double service(TestPlatform platform, String prefix, Path jar, Path bundle, String device, CpuThreads threads, int count,
                                  int records, int maxBatchSize, int batchesPerFlush) throws Exception {
        Topic<AugmentedText> augmented = Topics.TEXT_AUGMENTED.withPrefix(prefix);
        List<ServiceJar> services = new ArrayList<>();
        Path logs = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "distillery-teacher-bench"));
        try (Admin admin = platform.admin()) {
            for (int i = 0; i < count; i++) {
                ServiceJar.Launch launch = ServiceJar.of(jar).platform(platform, prefix).name("teacher-" + count + "-" + i)
                        .logDir(logs).jvmOptions("-Xmx1g")
                        .env("DISTILLERY_TEACHER_BUNDLE_DIR", bundle.toString())
                        .env("DISTILLERY_TEACHER_DEVICE", device)
                        .env("DISTILLERY_TEACHER_MAX_BATCH_SIZE", Integer.toString(maxBatchSize))
                        .env("DISTILLERY_TEACHER_BATCHES_PER_FLUSH", Integer.toString(batchesPerFlush));
                launch.env("DISTILLERY_TEACHER_INTRA_OP_SPINNING", Boolean.toString(threads.spin()));
                if (threads.perCall() > 0) {
                    launch.env("DISTILLERY_TEACHER_INTRA_OP_THREADS", Integer.toString(threads.perCall()));
                }
                services.add(launch.start());
            }
            String group = prefix + "distillery-teacher-labeler";
            long first;
            while ((first = CommittedRecords.committed(admin, group, augmented.name())) < warmUp(records)) {
                services.forEach(ServiceJar::requireAlive);
                Thread.sleep(POLL_MILLIS);
            }
            long start = System.nanoTime();
            long done;
            while ((done = CommittedRecords.committed(admin, group, augmented.name())) < records) {
                services.forEach(ServiceJar::requireAlive);
                Thread.sleep(POLL_MILLIS);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double rate = (done - first) / seconds;
            System.out.println(String.format(Locale.ROOT,
                    "{\"name\":\"service\",\"instances\":%d,\"batch\":%d,\"sentences_per_s\":%.1f,\"records\":%d,"
                            + "\"measured_records\":%d,\"measured_s\":%.2f,\"batches_per_flush\":%d,"
                            + "\"processing_guarantee\":\"exactly_once\",\"threads_per_instance\":%d,\"spin\":%b,\"cores\":%d,\"java\":\"%s\"}",
                    count, maxBatchSize, rate, records, done - first, seconds, batchesPerFlush, threads.perCall(), threads.spin(),
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version")));
            return rate;
        } finally {
            for (ServiceJar service : services) {
                service.stop(Duration.ofSeconds(30));
            }
        }
    }

    private static long warmUp(int records) {
        return Math.max(1, (long) (records * WARM_UP_SHARE));
    }

    /** Each instance count's rate over the single instance's, as a JSON object. */
    private static String speedups(Map<Integer, Double> rates) {
        double single = rates.getOrDefault(1, Double.NaN);
        StringBuilder json = new StringBuilder("{");
        rates.forEach((count, rate) -> json.append(json.length() > 1 ? "," : "")
                .append(String.format(Locale.ROOT, "\"%d\":%.3f", count, rate / single)));
        return json.append('}').toString();
    }

    /**
     * The raw predictor on exactly the texts the service gets ({@code records} of them, in the order
     * produced), batched as the service batches them ({@link MicroBatcher}: flushes of
     * batchesPerFlush × maxBatchSize, sorted by length), timed as the service is: from the end of
     * the first flush past the warm-up share to the end of the last. Prints one line.
     */
    private static double rawBucketed(Path bundle, DeviceChoice device, CpuThreads threads, int maxBatchSize, int batchesPerFlush,
                                      int records)
            throws Exception {
        List<LabelledSentence> corpus = corpus();
        MicroBatcher<String> batcher = new MicroBatcher<>(maxBatchSize, batchesPerFlush, java.time.Duration.ZERO);
        try (io.distillery.teacher.Teacher teacher = io.distillery.teacher.Teacher.load(bundle, device, threads);
             ai.djl.inference.Predictor<String, float[]> predictor = teacher.newPredictor()) {
            long started = 0;
            int warmedUp = 0;
            int done = 0;
            for (int cursor = 0; cursor < records; ) {
                for (int i = 0; i < batcher.capacity() && cursor < records; i++, cursor++) {
                    String text = corpus.get(cursor % corpus.size()).text();
                    batcher.add(text, text.length(), 0);
                }
                for (List<String> batch : batcher.drain()) {
                    predictor.batchPredict(batch);
                    done += batch.size();
                }
                if (started == 0 && done >= warmUp(records)) {
                    started = System.nanoTime();
                    warmedUp = done;
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            double rate = (done - warmedUp) / seconds;
            System.out.println(String.format(Locale.ROOT,
                    "{\"name\":\"raw_length_bucketed\",\"batch\":%d,\"sentences_per_s\":%.1f,\"measured_sentences\":%d,"
                            + "\"seconds\":%.2f,\"flush\":%d}", maxBatchSize, rate, done - warmedUp, seconds, batcher.capacity()));
            return rate;
        }
    }

    private static List<LabelledSentence> corpus() {
        List<LabelledSentence> corpus = new ArrayList<>(UciSentiment.all());
        Collections.shuffle(corpus, new Random(7));
        return corpus;
    }

    /** The UCI sentences in a fixed shuffled order (ragged lengths, as in production), cycled. */
    private static void produce(TestPlatform platform, Topic<AugmentedText> topic, int records) {
        List<LabelledSentence> corpus = corpus();
        // Not idempotent, one request in flight: the idempotent producer of a second prefix's input
        // had its batches refused as out of order (incoming seq 0 against the broker's 170+, every
        // retry, until the delivery timeout; seen twice, not understood). The input needs order and
        // acks, not deduplication.
        Map<String, Object> props = new HashMap<>(platform.clientProperties());
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (Serde<AugmentedText> serde = topic.valueSerde(RegistryConfig.at(platform.registryUrl()));
             KafkaProducer<String, AugmentedText> producer = new KafkaProducer<>(props, new StringSerializer(), serde.serializer())) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>(records);
            for (int i = 0; i < records; i++) {
                LabelledSentence s = corpus.get(i % corpus.size());
                String id = "bench-" + i + "#0";
                sent.add(producer.send(new ProducerRecord<>(topic.name(), id, AugmentedText.newBuilder().setId(id)
                        .setParentId("bench-" + i).setVariant(0).setText(s.text())
                        .setOperations(List.of(AugmentationOperation.ORIGINAL)).setSource(s.source())
                        .setEventTime(Instant.now()).setGoldLabel(s.label()).build())));
            }
            for (java.util.concurrent.Future<?> future : sent) {
                future.get(); // every input on the broker, or the bench waits for records that never came
            }
        } catch (Exception e) {
            throw new IllegalStateException("producing the bench input failed", e);
        }
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
