package io.distillery.trainer.service;

import io.distillery.datasets.Split;
import io.distillery.datasets.UciSentiment;
import io.distillery.formats.EmbeddingTable;
import io.distillery.schemas.StudentCheckpoint;
import io.distillery.schemas.StudentKind;
import io.distillery.service.Catalogue;
import io.distillery.student.Architecture;
import io.distillery.student.EmbeddingInit;
import io.distillery.student.StudentRuntime;
import io.distillery.student.StudentTokenizer;
import io.distillery.topics.Topics;
import io.distillery.trainer.DevSet;
import io.distillery.trainer.LearningRateSchedule;
import io.distillery.trainer.Trainer;
import io.distillery.trainer.TrainerSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/** Loads the tokenizer, builds the trainer (from the lineage's latest checkpoint) and runs the {@link TrainingLoop}. */
@ApplicationScoped
public class StudentTrainerService {

    static final String SERVICE = "student-trainer-svc";
    private static final Logger LOG = Logger.getLogger(StudentTrainerService.class);

    private final TrainerConfig config;
    private final Catalogue catalogue;
    private final MeterRegistry meters;

    private StudentTokenizer tokenizer;
    private CheckpointStore store;
    private TrainingLoop loop;
    private Thread thread;

    public StudentTrainerService(TrainerConfig config, Catalogue catalogue, MeterRegistry meters) {
        this.config = config;
        this.catalogue = catalogue;
        this.meters = meters;
    }

    void onStart(@Observes StartupEvent event) {
        StudentRuntime.configure();
        tokenizer = StudentRuntime.tokenizer(config.tokenizer(), config.tokenizerName(), "distillery.trainer.tokenizer");
        List<String> labels = List.copyOf(config.labels());
        TrainerSettings settings = settings(config);
        Architecture architecture = architecture(config.model(), tokenizer.vocabSize(), labels.size());
        DevSet dev = DevSet.of(UciSentiment.split(Split.DEV), labels);
        Map<String, Object> clients = catalogue.clientProperties();
        store = new CheckpointStore(catalogue.topic(Topics.STUDENT_CHECKPOINTS), catalogue.registry(), clients);
        TrainingLoop.Settings loopSettings = new TrainingLoop.Settings(config.lineage(), config.groupId(), labels,
                config.batchSize(), config.partialBatchAfter(), config.lengthBucketBatches(), config.checkpoint().everySteps(),
                config.checkpoint().every(), config.rehearsalStepsPerStep(), SERVICE);
        loop = new TrainingLoop(loopSettings, catalogue.topic(Topics.TEXT_LABELED), store,
                latest -> trainer(latest, architecture, labels, settings, dev), clients, catalogue.registry(),
                new TrainerMetrics(meters, config.lineage()));
        thread = new Thread(loop, "student-training-loop");
        thread.start();
        LOG.infof("training %s (%s) with %s, dev set of %d gold sentences", config.lineage(), architecture, settings.schedule(),
                dev.texts().size());
    }

    private Trainer trainer(Optional<StudentCheckpoint> latest, Architecture architecture, List<String> labels,
                            TrainerSettings settings, DevSet dev) {
        if (latest.isPresent()) {
            Trainer resumed = Trainer.resume(latest.get(), tokenizer, settings, dev);
            if (!resumed.student().architecture().equals(architecture) || !resumed.student().labels().equals(labels)) {
                LOG.warnf("checkpoint %s has architecture %s and labels %s; the configuration says %s and %s: continuing the"
                        + " checkpoint's (start a new lineage to change them)", latest.get().getId(),
                        resumed.student().architecture(), resumed.student().labels(), architecture, labels);
            }
            return resumed;
        }
        // Read only for a new lineage: a resumed one keeps its checkpoint's weights and needs no table.
        Optional<float[]> startingTable = startingTable(config.model(), architecture);
        Trainer fresh = Trainer.fresh(architecture, labels, tokenizer, settings, dev);
        startingTable.ifPresent(table -> EmbeddingInit.apply(fresh.student(), table));
        return fresh;
    }

    /**
     * The embedding table a new lineage starts from (distillery.trainer.model.embeddings: the
     * teacher bundle's student-embeddings.bin), fitted to the student. A missing or corrupt file
     * stops the service with a clear error instead of a silently weaker student. Empty: random,
     * as by default.
     */
    static Optional<float[]> startingTable(TrainerConfig.Model m, Architecture architecture) {
        if (m.embeddings().isEmpty()) {
            return Optional.empty();
        }
        Path file = Path.of(m.embeddings().get());
        EmbeddingTable table;
        try {
            table = EmbeddingTable.read(file);
        } catch (IOException e) {
            throw new UncheckedIOException("distillery.trainer.model.embeddings=" + file + " cannot be used: " + e
                    + " (build it with `./distillery teacher student-embeddings`, or set the setting empty for random embeddings)", e);
        }
        if (table.rows() != architecture.vocabSize()) {
            throw new IllegalArgumentException("distillery.trainer.model.embeddings=" + file + " has " + table.rows()
                    + " rows but the tokenizer has " + architecture.vocabSize() + " tokens: it belongs to another tokenizer");
        }
        LOG.infof("new lineages start from the teacher's token table %s (%d x %d, fitted to %d-d)", file, table.rows(),
                table.columns(), architecture.embeddingSize());
        return Optional.of(EmbeddingInit.fit(table, architecture.embeddingSize()));
    }

    static TrainerSettings settings(TrainerConfig c) {
        LearningRateSchedule schedule = new LearningRateSchedule(c.learningRate(), c.warmupSteps(), c.decay(), c.decaySteps(),
                c.minLearningRate(), 0);
        return new TrainerSettings(c.batchSize(), schedule, c.clip(), c.loss(), c.temperature(), c.alpha(), c.replaySize(),
                c.replayFraction(), c.evalEvery(), c.agreementWindow(), c.seed());
    }

    static Architecture architecture(TrainerConfig.Model m, int vocabSize, int classes) {
        String kind = m.architecture().trim().toUpperCase(Locale.ROOT);
        Architecture a = switch (kind) {
            case "MLP", "BAG_OF_EMBEDDINGS_MLP" -> Architecture.mlp(vocabSize, classes);
            case "BILSTM" -> Architecture.bilstm(vocabSize, classes);
            default -> throw new IllegalArgumentException("distillery.trainer.model.architecture=" + m.architecture()
                    + ": MLP or BILSTM");
        };
        a = a.withMaxLength(m.maxLength());
        if (m.embeddingSize().isPresent()) {
            a = a.withEmbeddingSize(m.embeddingSize().get());
        }
        if (m.hiddenSize().isPresent()) {
            a = a.withHiddenSize(m.hiddenSize().get());
        }
        if (m.classifierHiddenSize().isPresent() && a.kind() == StudentKind.BILSTM) {
            a = a.withClassifierHiddenSize(m.classifierHiddenSize().get());
        }
        if (m.dropout().isPresent()) {
            a = a.withDropout(m.dropout().get());
        }
        return a;
    }

    void onStop(@Observes ShutdownEvent event) {
        if (loop != null) {
            loop.stop();
            try {
                thread.join(Duration.ofSeconds(60).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (store != null) {
            store.close();
        }
        if (tokenizer != null) {
            tokenizer.close();
        }
    }

    public TrainingLoop loop() {
        return loop;
    }

    public boolean loopAlive() {
        return loop != null && thread.isAlive() && loop.isAlive(Duration.ofMinutes(2));
    }
}
