package io.distillery.trainer.service;

import io.distillery.datasets.Split;
import io.distillery.datasets.UciSentiment;
import io.distillery.schemas.LabeledText;
import io.distillery.student.Architecture;
import io.distillery.student.StudentTokenizer;
import io.distillery.student.TrainingSession;
import io.distillery.testing.ServiceJar;
import io.distillery.testing.TestPlatform;
import io.distillery.topics.RegistryConfig;
import io.distillery.topics.Topic;
import io.distillery.topics.Topics;
import io.distillery.trainer.DevSet;
import io.distillery.trainer.Example;
import io.distillery.trainer.Examples;
import io.distillery.trainer.TestTokenizers;
import io.distillery.trainer.Trainer;
import io.distillery.trainer.TrainerSettings;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The trainer's throughput against the bare training loop, same machine, same examples, same
 * student (MLP, MiniLM's tokenizer), same batch size, one run:
 * <ol>
 *   <li>{@code raw_session}: {@link TrainingSession} steps on the fresh examples only (forward,
 *       loss, backward, clipping, Adam): the bare DJL loop;</li>
 *   <li>{@code raw_trainer}: {@link Trainer#step} with the service's default settings (20 % replay
 *       on top of each batch, the prequential teacher-agreement forward pass) but no dev-set
 *       evaluation: the algorithm the service runs, without Kafka. The ratio's denominator;</li>
 *   <li>{@code raw_trainer_eval}: the same with the service's evaluation cadence (dev set every 100 steps);</li>
 *   <li>{@code service}: the packaged jar in its own JVM with its default settings (evaluation every
 *       100 steps, checkpoints every 500 steps) on a real broker and registry, consuming N
 *       pre-produced LabeledText records; examples/s from the first trained example to the last,
 *       read from its {@code distillery_trainer_examples_total} (polled every 250 ms).</li>
 * </ol>
 * The raw loops run before and after the service (the machine is shared; the better figure is
 * the denominator). Prints JSON lines; the last is {@code {"name":"ratio","service_over_raw":…}}.
 *
 * <pre>
 * --jar student-trainer-svc/target/quarkus-app/quarkus-run.jar [--records 20000] [--batch 32]
 * [--jfr FILE (a JFR profile of the service)] [--service-only]
 * </pre>
 */
public final class TrainerServiceBench {

    private static final String LINEAGE = "bench";
    private static final long POLL_MILLIS = 250;
    private static final Map<String, Double> CPU_RATES = new HashMap<>();

    public static void main(String[] args) throws Exception {
        // as the service sets them (StudentTrainerService), before DJL loads
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads", "1"));
        Path jar = Path.of(option(args, "--jar", "student-trainer-svc/target/quarkus-app/quarkus-run.jar")).toAbsolutePath();
        int records = Integer.parseInt(option(args, "--records", "20000"));
        int batch = Integer.parseInt(option(args, "--batch", "32"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " missing: build the service first (mvn -f student-trainer-svc/pom.xml package)");
        }
        TestPlatform platform = TestPlatform.shared();
        String prefix = platform.uniqueName("bench") + ".";
        platform.createTopics(Topics.newTopics(prefix, (short) 1));
        Topic<LabeledText> labeled = Topics.TEXT_LABELED.withPrefix(prefix);
        RegistryConfig registry = RegistryConfig.at(platform.registryUrl());
        List<LabeledText> stream = LabeledTexts.stream(UciSentiment.split(Split.TRAIN), 0, records, 11);
        LabeledTexts.produce(platform, labeled, registry, stream);

        StudentTokenizer tokenizer = TestTokenizers.miniLm();
        List<Example> examples = new ArrayList<>(records);
        for (int i = 0; i < stream.size(); i++) {
            examples.add(Examples.from(stream.get(i), UciSentiment.LABELS, labeled.name(), 0, i));
        }
        Architecture mlp = Architecture.mlp(tokenizer.vocabSize(), UciSentiment.LABELS.size());
        TrainerSettings service = TrainerSettings.defaults().withBatchSize(batch); // = TrainerConfig's defaults
        DevSet dev = DevSet.of(UciSentiment.split(Split.DEV), UciSentiment.LABELS);

        String jfr = option(args, "--jfr", null);
        if (List.of(args).contains("--service-only")) { // profiling runs
            service(platform, prefix, jar, batch, records, jfr);
            System.exit(0);
        }
        warmUp(mlp, tokenizer, service, examples);
        double session = rawSession(mlp, tokenizer, service, examples);
        double trainer = rawTrainer("raw_trainer", mlp, tokenizer, service.withEvalEvery(0), DevSet.none(), examples);
        double trainerEval = rawTrainer("raw_trainer_eval", mlp, tokenizer, service, dev, examples);

        double serviceRate = service(platform, prefix, jar, batch, records, jfr);
        double inProcess = inProcess(platform, prefix, batch, records, mlp, tokenizer, service, dev);

        session = Math.max(session, rawSession(mlp, tokenizer, service, examples));
        trainer = Math.max(trainer, rawTrainer("raw_trainer", mlp, tokenizer, service.withEvalEvery(0), DevSet.none(), examples));
        trainerEval = Math.max(trainerEval, rawTrainer("raw_trainer_eval", mlp, tokenizer, service, dev, examples));
        System.out.println(String.format(Locale.ROOT,
                "{\"name\":\"ratio\",\"service_over_raw\":%.3f,\"raw\":\"raw_trainer\",\"service_over_raw_trainer_eval\":%.3f,"
                        + "\"service_over_raw_session\":%.3f,\"per_cpu_s_service_over_raw\":%.3f,"
                        + "\"per_cpu_s_service_over_raw_trainer_eval\":%.3f,\"in_process_loop_over_raw_trainer_eval\":%.3f,"
                        + "\"batch\":%d,\"records\":%d,\"cores\":%d}",
                serviceRate / trainer, serviceRate / trainerEval, serviceRate / session,
                CPU_RATES.get("service") / CPU_RATES.get("raw_trainer"), CPU_RATES.get("service") / CPU_RATES.get("raw_trainer_eval"),
                inProcess / trainerEval, batch, records, Runtime.getRuntime().availableProcessors()));
        System.exit(0); // runs the platform's shutdown hook: broker and registry stop
    }

    private static void warmUp(Architecture mlp, StudentTokenizer tokenizer, TrainerSettings settings, List<Example> examples) {
        try (Trainer t = Trainer.fresh(mlp, UciSentiment.LABELS, tokenizer, settings.withEvalEvery(0), DevSet.none())) {
            for (int from = 0; from + settings.batchSize() <= Math.min(examples.size(), 60 * settings.batchSize()); from += settings.batchSize()) {
                t.step(examples.subList(from, from + settings.batchSize()));
            }
        }
    }

    /** TrainingSession steps on the fresh examples, batch by batch, from a fresh student. */
    private static double rawSession(Architecture mlp, StudentTokenizer tokenizer, TrainerSettings settings, List<Example> examples) {
        try (Trainer holder = Trainer.fresh(mlp, UciSentiment.LABELS, tokenizer, settings, DevSet.none())) {
            TrainingSession session = new TrainingSession(holder.student(), settings.loss(), settings.schedule(), settings.maxGradNorm());
            int b = settings.batchSize();
            long cpu = processCpuNanos();
            long start = System.nanoTime();
            int done = 0;
            for (int from = 0; from < examples.size(); from += b) {
                List<Example> slice = examples.subList(from, Math.min(examples.size(), from + b));
                session.step(slice.stream().map(Example::text).toList(), slice.stream().map(Example::teacher).toArray(float[][]::new),
                        slice.stream().mapToInt(Example::gold).toArray());
                done += slice.size();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return print("raw_session", b, done, seconds, (processCpuNanos() - cpu) / 1e9,
                    "\"replay\":0,\"agreement\":false,\"eval_every\":0");
        }
    }

    /** Trainer steps (replay, agreement, evaluation as configured), from a fresh student. */
    private static double rawTrainer(String name, Architecture mlp, StudentTokenizer tokenizer, TrainerSettings settings, DevSet dev,
                                     List<Example> examples) {
        try (Trainer trainer = Trainer.fresh(mlp, UciSentiment.LABELS, tokenizer, settings, dev)) {
            int b = settings.batchSize();
            long cpu = processCpuNanos();
            long start = System.nanoTime();
            int done = 0;
            for (int from = 0; from < examples.size(); from += b) {
                List<Example> slice = examples.subList(from, Math.min(examples.size(), from + b));
                trainer.step(slice);
                done += slice.size();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return print(name, b, done, seconds, (processCpuNanos() - cpu) / 1e9, String.format(Locale.ROOT, "\"replay\":%d,\"agreement\":true,\"eval_every\":%d",
                    settings.replayCount(b), dev.isEmpty() ? 0 : settings.evalEvery()));
        }
    }

    /** The packaged service with its defaults; examples/s from its first trained example to its last. */
    private static double service(TestPlatform platform, String prefix, Path jar, int batch, int records, String jfr) throws Exception {
        Path logs = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "distillery-trainer-bench"));
        Path tokenizerJson = TestTokenizers.writeTo(logs);
        try (ServiceJar service = ServiceJar.of(jar).platform(platform, prefix).name("trainer").logDir(logs)
                .jvmOptions(jfr == null ? new String[] {"-Xmx1g"}
                        : new String[] {"-Xmx1g", "-XX:StartFlightRecording=filename=" + jfr + ",settings=profile"})
                .env("DISTILLERY_TRAINER_TOKENIZER", tokenizerJson.toString())
                .env("DISTILLERY_TRAINER_LINEAGE", LINEAGE)
                .env("DISTILLERY_TRAINER_BATCH_SIZE", Integer.toString(batch))
                .env("DISTILLERY_TRAINER_REHEARSAL_STEPS_PER_STEP", "0") // the raw loop takes none: the same work on both sides
                .start()) {
            long firstSeen = 0;
            long firstNanos = 0;
            long firstCpu = 0;
            long lastCpu = 0;
            long examples = 0;
            long lastNanos = 0;
            while (examples < records) {
                service.requireAlive();
                long count = examplesTrained(service);
                long now = System.nanoTime();
                long cpu = service.cpuNanos();
                if (count > 0 && firstNanos == 0) {
                    firstNanos = now;
                    firstSeen = count;
                    firstCpu = cpu;
                }
                if (count > examples) {
                    examples = count;
                    lastNanos = now;
                    lastCpu = cpu;
                }
                Thread.sleep(POLL_MILLIS);
            }
            double seconds = (lastNanos - firstNanos) / 1e9;
            double rate = (examples - firstSeen) / seconds;
            String checkpoint = service.post("checkpoints").body();
            print("service", batch, examples - firstSeen, seconds, (lastCpu - firstCpu) / 1e9, String.format(Locale.ROOT,
                    "\"records\":%d,\"jar\":true,\"eval_every\":100,\"checkpoint_every_steps\":500,\"log\":\"%s\","
                            + "\"final_checkpoint_examples\":%d", records, service.log(), number(checkpoint, "examples")));
            int exit = service.stop(Duration.ofSeconds(60));
            if (exit != 0 && exit != 143) {
                throw new IllegalStateException("the service exited with " + exit + "; see " + service.log());
            }
            return rate;
        }
    }

    /**
     * The service's {@link TrainingLoop} in this (warm) JVM, with the service's default settings, on
     * the same records (a new lineage and consumer group): the Kafka wiring's cost without the
     * service JVM's start-up (JIT) and without a second process. Timed from the first trained batch to the last.
     */
    private static double inProcess(TestPlatform platform, String prefix, int batch, int records, Architecture mlp,
                                    StudentTokenizer tokenizer, TrainerSettings settings, DevSet dev) throws Exception {
        String lineage = "bench-in-process";
        Topic<LabeledText> labeled = Topics.TEXT_LABELED.withPrefix(prefix);
        RegistryConfig registry = RegistryConfig.at(platform.registryUrl());
        long[] firstLast = new long[4];
        java.util.concurrent.atomic.AtomicInteger trained = new java.util.concurrent.atomic.AtomicInteger();
        try (CheckpointStore store = new CheckpointStore(Topics.STUDENT_CHECKPOINTS.withPrefix(prefix), registry,
                platform.clientProperties())) {
            TrainingLoop loop = new TrainingLoop(new TrainingLoop.Settings(lineage, prefix + "bench-in-process", UciSentiment.LABELS,
                    batch, Duration.ofSeconds(2), 8, 500, Duration.ofMinutes(5), 0, StudentTrainerService.SERVICE), labeled, store,
                    latest -> Trainer.fresh(mlp, UciSentiment.LABELS, tokenizer, settings, dev), platform.clientProperties(), registry,
                    new TrainerMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), lineage));
            loop.observeTrained(b -> {
                long now = System.nanoTime();
                if (firstLast[0] == 0) {
                    firstLast[0] = now;
                    firstLast[2] = processCpuNanos();
                    firstLast[3] = b.size();
                }
                firstLast[1] = now;
                if (trained.addAndGet(b.size()) >= records) {
                    firstLast[1] = now;
                    CPU_RATES.put("in_process_cpu_end", (double) processCpuNanos());
                }
            });
            Thread thread = new Thread(loop, "bench-in-process-loop");
            thread.start();
            while (trained.get() < records) {
                if (loop.failure() != null) {
                    throw new IllegalStateException("the loop failed", loop.failure());
                }
                Thread.sleep(100);
            }
            loop.stop();
            thread.join(60_000);
        }
        double seconds = (firstLast[1] - firstLast[0]) / 1e9;
        double cpu = (CPU_RATES.remove("in_process_cpu_end") - firstLast[2]) / 1e9;
        return print("service_in_process", batch, records - firstLast[3], seconds, cpu,
                "\"jar\":false,\"eval_every\":100,\"checkpoint_every_steps\":500");
    }

    /** distillery_trainer_examples_total from /q/metrics (0 before the service answers). */
    private static long examplesTrained(ServiceJar service) throws InterruptedException {
        try {
            String body = service.get("q/metrics").body();
            Matcher m = Pattern.compile("(?m)^distillery_trainer_examples_total\\{[^}]*\\} ([0-9.Ee+]+)").matcher(body);
            return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
        } catch (java.io.IOException notYet) {
            return 0;
        }
    }

    private static long number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":(\\d+)").matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /**
     * Prints one line: examples/s (wall clock, the figure), and examples per CPU-second of the whole
     * process (the bench JVM for the raw loops, the service JVM for the service: every thread, GC
     * and JIT included), which other jobs on a shared machine do not change.
     */
    private static double print(String name, int batch, long examples, double seconds, double cpuSeconds, String extra) {
        double rate = examples / seconds;
        double perCpu = examples / cpuSeconds;
        CPU_RATES.put(name, Math.max(CPU_RATES.getOrDefault(name, 0.0), perCpu));
        System.out.println(String.format(Locale.ROOT, "{\"name\":\"%s\",\"batch\":%d,\"examples_per_s\":%.1f,\"examples\":%d,"
                + "\"seconds\":%.2f,\"cpu_seconds\":%.2f,\"examples_per_cpu_s\":%.1f,\"load_average\":%.1f,%s}", name, batch, rate,
                examples, seconds, cpuSeconds, perCpu, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), extra));
        return rate;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
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
