package io.distillery.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.distillery.launcher.demo.DemoTexts;
import io.distillery.launcher.demo.Freshness;
import io.distillery.launcher.demo.PipelineWatcher;
import io.distillery.launcher.demo.ProgressView;
import io.distillery.platform.LocalServices;
import io.distillery.platform.LocalServices.Service;
import io.distillery.schemas.RawText;
import io.distillery.topics.RegistryConfig;
import io.distillery.topics.Topic;
import io.distillery.topics.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./distillery demo}: the whole loop on this machine. Brings up the broker and registry and
 * the four services (each a process of its own, configured by environment variables as in
 * docker-compose.yml), streams unlabelled text into text.raw, shows the pipeline live, prints a
 * summary, and stops everything it started.
 */
@Command(name = "demo", description = "Run the whole continual-distillation loop on this machine and watch it learn.")
final class DemoCommand implements Callable<Integer> {

    @Mixin
    PlatformOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--duration", description = "Stop after this long (ISO-8601 or seconds, e.g. PT10M or 600); default: until Ctrl-C.",
            converter = DurationConverter.class)
    Duration duration;

    @Option(names = "--json", description = "Print the summary as one JSON object (the live view goes to stderr).")
    boolean json;

    // The teacher is the bottleneck on a small CPU: the int8 teacher `teacher fit` makes on a CPU
    // labels ~100 texts/s beside everything else on 2 cores (the trainer at a lower priority,
    // LocalServices), ~60,000 in ten minutes, and what the student learns from them depends on
    // which texts they are. The quality bench, trained to convergence on ~60,000 texts, put the UCI
    // sentences with 5 Tang variants beside 44,000 review sentences and 4,000 snippets at DEV
    // 92.58 % / TEST 92.41 %, against 92.26 / 91.40 % with 20 variants and 14,000 reviews, and
    // 90.65 / 90.39 % for the kind of set the demo streamed before (every source with 3 variants,
    // round-robin, so UCI and the tweets were used up in the first minutes): distinct sentences
    // teach more than variants. So: 70 raw texts/s, mostly review sentences, the UCI sentences
    // with 5 variants spread over ten minutes (~90 labels/s; the texts serving escalates are
    // mostly answered from the labeller's memory of their originals). README.
    static final String SHARES = "uci=1,snippets=2,reviews=15,tweets=1";

    @Option(names = "--rate", defaultValue = "70", description = "Raw texts produced per second (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--sources", split = ",", defaultValue = "uci,snippets,reviews,tweets",
            description = "Text sources, in order (default ${DEFAULT-VALUE}).")
    List<String> sources;

    @Option(names = "--shares", defaultValue = SHARES,
            description = "Each source's share of the raw stream, source=share pairs separated by commas; unnamed sources have"
                    + " share 1, share 0 leaves one out (default ${DEFAULT-VALUE}).")
    String shares;

    @Option(names = "--augmentations", defaultValue = "0",
            description = "Augmented variants per raw text of the sources --augmentations-by-source does not name (Tang et al. use 20;"
                    + " on a small CPU the teacher's labels are better spent on distinct sentences; default ${DEFAULT-VALUE}).")
    int augmentations;

    @Option(names = "--augmentations-by-source", defaultValue = "uci=5",
            description = "Augmented variants per raw text of the named sources instead, source=count pairs separated by commas"
                    + " (default ${DEFAULT-VALUE}).")
    String augmentationsBySource;

    @Option(names = "--student", defaultValue = "bilstm",
            description = "The student the trainer distils: mlp or bilstm (default ${DEFAULT-VALUE}; README, quality section).")
    String student;

    @Option(names = "--refresh", defaultValue = "PT2S", converter = DurationConverter.class,
            description = "How often the live view is redrawn (default ${DEFAULT-VALUE}).")
    Duration refresh;

    @Option(names = "--start-timeout", defaultValue = "PT5M", converter = DurationConverter.class,
            description = "How long each service may take to become ready (default ${DEFAULT-VALUE}).")
    Duration startTimeout;

    /** How long the summary waits for serving's decision on the final checkpoint. */
    private static final Duration FINAL_DECISION_WAIT = Duration.ofSeconds(30);

    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch cleanedUp = new CountDownLatch(1);

    /**
     * What the demo changes in the services' defaults: a checkpoint a minute, so a person watching
     * sees the student improve and get promoted; a replay buffer that holds every example of a
     * ten-minute run (100,000; the trainer rehearses on it while it waits for the teacher); and the
     * student, sized as the quality bench measured best (./distillery bench quality): the BiLSTM
     * (the default: 85.8–88.1 % dev in ten minutes against the MLP's 83.9–85.2 % with the fp32
     * teacher at 10–15 texts/s, README) at 64-d embeddings, hidden 64, classifier 64 (in the
     * quality bench as accurate as 128/128 and 2.5 times as fast; here it takes twice the steps in
     * the trainer's share of the CPU, for the same dev accuracy; seed 001's 300/300/400 trains and
     * serves several times slower on a small CPU), or the MLP at hidden 256, each in a lineage of
     * its own.
     */
    static Map<Service, Map<String, String>> demoSettings(String student, int augmentations, String augmentationsBySource) {
        Map<String, String> trainer = new HashMap<>(Map.of("DISTILLERY_TRAINER_CHECKPOINT_EVERY", "60s",
                "DISTILLERY_TRAINER_CHECKPOINT_EVERY_STEPS", "300", "DISTILLERY_TRAINER_REPLAY_SIZE", "100000"));
        Map<String, String> serving = new HashMap<>(Map.of("DISTILLERY_SERVING_MAX_WAIT", "250ms"));
        switch (student) {
            case "mlp" -> trainer.put("DISTILLERY_TRAINER_MODEL_HIDDEN_SIZE", "256");
            case "bilstm" -> {
                trainer.putAll(Map.of("DISTILLERY_TRAINER_MODEL_ARCHITECTURE", "BILSTM", "DISTILLERY_TRAINER_MODEL_EMBEDDING_SIZE", "64",
                        "DISTILLERY_TRAINER_MODEL_HIDDEN_SIZE", "64", "DISTILLERY_TRAINER_MODEL_CLASSIFIER_HIDDEN_SIZE", "64",
                        "DISTILLERY_TRAINER_LINEAGE", "bilstm-sentiment"));
                // what the quality bench chose on DEV for this student: KL at T=2, a fixed rate, clipping at 5
                trainer.putAll(Map.of("DISTILLERY_TRAINER_LOSS", "KL", "DISTILLERY_TRAINER_DECAY", "CONSTANT",
                        "DISTILLERY_TRAINER_CLIP", "5"));
                serving.put("DISTILLERY_SERVING_LINEAGE", "bilstm-sentiment");
            }
            default -> throw new IllegalArgumentException("--student mlp|bilstm, not " + student);
        }
        // Fewer, larger transactions: at 70 raw texts a second, serving's one per poll and the
        // augmenter's ten a second cost the broker more CPU than serving and augmenter together.
        Map<String, String> augmenter = new HashMap<>(Map.of("DISTILLERY_AUGMENTER_N_ITER", Integer.toString(augmentations),
                "DISTILLERY_AUGMENTER_COMMIT_INTERVAL_MS", "500"));
        if (!augmentationsBySource.isBlank()) {
            augmenter.put("DISTILLERY_AUGMENTER_N_ITER_BY_SOURCE", augmentationsBySource);
        }
        // Larger, better-sorted flushes: the teacher pads less and commits less often (about a tenth
        // less of its CPU for the same labels here); a text the student escalates waits up to a second.
        Map<String, String> teacher = Map.of("DISTILLERY_TEACHER_MAX_WAIT", "1s", "DISTILLERY_TEACHER_BATCHES_PER_FLUSH", "8");
        return Map.of(Service.AUGMENTER, augmenter, Service.TEACHER_LABELER, teacher, Service.STUDENT_TRAINER, trainer,
                Service.SERVING, serving);
    }

    @Override
    public Integer call() throws Exception {
        Path project = PlatformOptions.projectDir();
        io.distillery.platform.PlatformSettings settings = options.settings();
        Path bundle = Path.of(System.getenv().getOrDefault("DISTILLERY_TEACHER_BUNDLE_DIR",
                project.resolve(".distillery/teacher/default").toString())).toAbsolutePath();
        if (!Files.isRegularFile(bundle.resolve("teacher.properties"))) {
            throw new IllegalStateException("no teacher bundle at " + bundle + ": run ./distillery teacher fit (./distillery demo does it for you)");
        }
        PrintWriter view = json ? new PrintWriter(System.err, true) : out();
        Thread hook = new Thread(this::onCtrlC, "demo-stop");
        Runtime.getRuntime().addShutdownHook(hook);

        long startNanos = System.nanoTime();
        AtomicLong produced = new AtomicLong();
        Map<String, Object> summary = null;
        LocalSystem system = null;
        try {
            Map<Service, Map<String, String>> demoSettings = demoSettings(student, augmentations, augmentationsBySource);
            system = LocalSystem.start(settings, project, bundle, "", demoSettings, startTimeout, view);
            if (stopping.get()) {
                return 130;
            }
            LocalServices services = system.services();
            view.printf("distillery demo: all running; predictions on %s, POST %s, dashboard %s%n",
                    Topics.TEXT_PREDICTIONS.name(), services.url(Service.SERVING, "/predict"), services.url(Service.SERVING, "/dashboard"));

            DemoTexts.Mix texts = new DemoTexts.Mix(DemoTexts.load(sources, settings.cacheDir(),
                    note -> view.println("distillery demo: " + note)), DemoTexts.parseShares(shares));
            Freshness freshness = new Freshness();
            Map<String, Object> clients = Map.of("bootstrap.servers", settings.bootstrapServers());
            RegistryConfig registry = RegistryConfig.at(settings.registryUrl());
            try (PipelineWatcher watcher = new PipelineWatcher("", clients, registry, freshness)) {
                Thread watching = new Thread(watcher, "demo-watcher");
                watching.setDaemon(true);
                watching.start();
                Thread producing = new Thread(() -> produce(texts, clients, registry, freshness, produced), "demo-producer");
                producing.setDaemon(true);
                producing.start();

                ProgressView progress = new ProgressView(teacherId(bundle), teacherDevAccuracy(bundle));
                long end = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
                boolean terminal = System.console() != null && !json;
                long lastPlainPrint = 0;
                while (!stopping.get() && System.nanoTime() < end) {
                    Thread.sleep(refresh.toMillis());
                    progress.add(watcher.snapshot());
                    double elapsed = (System.nanoTime() - startNanos) / 1e9;
                    List<String> lines = progress.render(produced.get(), elapsed);
                    if (terminal) {
                        view.print("\033[H\033[2J" + String.join("\n", lines) + "\n");
                        view.flush();
                    } else if (System.nanoTime() - lastPlainPrint > TimeUnit.SECONDS.toNanos(30)) {
                        lastPlainPrint = System.nanoTime();
                        view.println(String.join("\n", lines));
                    }
                }
                boolean timeUp = !stopping.get(); // not Ctrl-C
                stopping.set(true);
                producing.join(5_000);
                String last = timeUp ? finalCheckpoint(services, watcher, view) : null;
                progress.add(watcher.snapshot());
                double elapsed = (System.nanoTime() - startNanos) / 1e9;
                if (!json) {
                    view.println(String.join("\n", progress.render(produced.get(), elapsed)));
                }
                summary = progress.summary(produced.get(), elapsed, List.of());
                summary.put("student", student);
                summary.put("final_checkpoint", last == null ? null : Map.of("id", last, "decided", watcher.decided(last)));
            }
        } finally {
            stopping.set(true);
            List<String> left = List.of();
            if (system != null) {
                system.close();
                left = system.survivors();
            }
            if (summary != null) {
                summary.put("processes_left", left);
                print(summary);
            }
            cleanedUp.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // Ctrl-C: the hook is what waits for this clean-up
            }
        }
        return 0;
    }

    /**
     * At the end of {@code --duration}: the trainer publishes what it learnt since its last
     * checkpoint (otherwise up to a minute of training would never be seen), and the summary waits
     * up to {@link #FINAL_DECISION_WAIT} for serving's decision on it. Its id, or null if the trainer
     * could not publish it (said in the view).
     */
    private static String finalCheckpoint(LocalServices services, PipelineWatcher watcher, PrintWriter view) throws InterruptedException {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(CheckpointRequest.now(services),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 201) {
                view.println("distillery demo: no final checkpoint: the trainer answered " + response.statusCode() + " " + response.body());
                return null;
            }
            String id = new ObjectMapper().readTree(response.body()).path("id").asText();
            long deadline = System.nanoTime() + FINAL_DECISION_WAIT.toNanos();
            while (!watcher.decided(id) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            return id;
        } catch (IOException e) {
            view.println("distillery demo: no final checkpoint: " + e);
            return null;
        }
    }

    private void produce(DemoTexts.Mix texts, Map<String, Object> clients, RegistryConfig registry, Freshness freshness,
                         AtomicLong produced) {
        Topic<RawText> raw = Topics.TEXT_RAW;
        Map<String, Object> props = new HashMap<>(clients);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 50);
        try (Serde<RawText> serde = raw.valueSerde(registry);
             KafkaProducer<String, RawText> producer = new KafkaProducer<>(props, new StringSerializer(), serde.serializer())) {
            long intervalNanos = (long) (1e9 / rate);
            long next = System.nanoTime();
            String run = Long.toString(System.currentTimeMillis(), 36);
            while (!stopping.get()) {
                DemoTexts.Draw draw = texts.next();
                DemoTexts.Text text = draw.text();
                // A run-unique id: the same sentence in another lap or run is another record.
                String id = text.id() + "-" + run + "-" + draw.lap();
                Instant now = Instant.now();
                freshness.produced(id, now.toEpochMilli());
                producer.send(new ProducerRecord<>(raw.name(), id, RawText.newBuilder().setId(id).setText(text.text())
                        .setSource(text.source()).setEventTime(now).setGoldLabel(null).build()));
                produced.incrementAndGet();
                next += intervalNanos;
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    TimeUnit.NANOSECONDS.sleep(sleep);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void onCtrlC() {
        if (stopping.compareAndSet(false, true)) {
            try {
                cleanedUp.await(2, TimeUnit.MINUTES); // let the main thread stop what it started
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void print(Map<String, Object> summary) {
        try {
            if (json) {
                out().println(new ObjectMapper().writeValueAsString(summary));
            } else {
                out().println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(summary));
            }
            out().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String teacherId(Path bundle) {
        try {
            return Files.readAllLines(bundle.resolve("teacher.properties")).stream().filter(l -> l.startsWith("id="))
                    .map(l -> l.substring(3).trim()).findFirst().orElse("teacher");
        } catch (IOException e) {
            return "teacher";
        }
    }

    /** The teacher's dev accuracy from the bundle's fit report (NaN for bundles built elsewhere). */
    static double teacherDevAccuracy(Path bundle) {
        Path report = bundle.resolve("fit-report.json");
        if (!Files.isRegularFile(report)) {
            return Double.NaN;
        }
        try {
            JsonNode root = new ObjectMapper().readTree(report.toFile());
            String selected = root.path("selected").asText();
            for (JsonNode candidate : root.path("candidates")) {
                if (candidate.path("encoder").asText().equals(selected)) {
                    return candidate.path("dev").asDouble(Double.NaN);
                }
            }
            return Double.NaN;
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
