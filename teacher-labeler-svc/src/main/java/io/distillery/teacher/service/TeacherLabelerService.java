package io.distillery.teacher.service;

import io.distillery.service.Catalogue;
import io.distillery.teacher.CpuThreads;
import io.distillery.teacher.DeviceChoice;
import io.distillery.teacher.Teacher;
import io.distillery.topics.Topics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.jboss.logging.Logger;

/** Loads the teacher at start-up and runs the {@link LabelingLoop} on its own thread until shutdown. */
@ApplicationScoped
public class TeacherLabelerService {

    private static final Logger LOG = Logger.getLogger(TeacherLabelerService.class);

    private final TeacherConfig config;
    private final Catalogue catalogue;
    private final MeterRegistry meters;

    private Teacher teacher;
    private TeacherLabeler labeler;
    private LabelingLoop loop;
    private Thread thread;

    public TeacherLabelerService(TeacherConfig config, Catalogue catalogue, MeterRegistry meters) {
        this.config = config;
        this.catalogue = catalogue;
        this.meters = meters;
    }

    void onStart(@Observes StartupEvent event) {
        // Natives come from Maven Central: DJL must never try to download them (or phone home).
        if (System.getenv("DJL_OFFLINE") == null) {
            System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        }
        if (System.getenv("OPT_OUT_TRACKING") == null) {
            System.setProperty("OPT_OUT_TRACKING", "true");
        }
        Path bundle = Path.of(config.bundleDir()).toAbsolutePath();
        if (!Teacher.isBundle(bundle)) {
            throw new IllegalStateException("no teacher bundle at " + bundle + ": build one with `./distillery teacher fit`"
                    + " or point distillery.teacher.bundle-dir (DISTILLERY_TEACHER_BUNDLE_DIR) at one");
        }
        try {
            teacher = Teacher.load(bundle, DeviceChoice.parse(config.device()), // logs CPU or GPU
                    new CpuThreads(config.intraOpThreads().orElse(0), config.intraOpSpinning()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the teacher bundle " + bundle, e);
        }
        labeler = new TeacherLabeler(teacher);
        Labeler asked = labeler;
        if (config.rememberedTexts() > 0) {
            RememberingLabeler remembering = new RememberingLabeler(labeler, teacher.translator()::tokenIds, config.rememberedTexts());
            FunctionCounter.builder("distillery.teacher.remembered", remembering, RememberingLabeler::remembered)
                    .description("texts answered from logits the labeller kept, without a teacher call").register(meters);
            asked = remembering;
        }
        TeacherIdentity identity = TeacherIdentity.of(teacher.manifest(), config.temperature());
        LoopSettings settings = new LoopSettings(config.groupId(), config.transactionalId().orElseGet(this::instanceId),
                config.maxBatchSize(), config.batchesPerFlush(), config.maxWait(), config.maxTextChars());
        LabelingTopics topics = new LabelingTopics(catalogue.topic(Topics.TEXT_AUGMENTED),
                catalogue.topic(Topics.TEXT_ESCALATED), catalogue.topic(Topics.TEXT_LABELED),
                catalogue.topic(Topics.TEXT_PREDICTIONS));
        loop = new LabelingLoop(settings, topics, asked, identity,
                catalogue.clientProperties(), catalogue.registry(), meters);
        thread = new Thread(loop, "teacher-labeling-loop");
        thread.start();
        LOG.infof("teacher %s labelling on %s, temperature %.2f", identity.id(),
                teacher.device().isGpu() ? "GPU " + teacher.device() : "CPU", identity.temperature());
    }

    void onStop(@Observes ShutdownEvent event) {
        if (loop != null) {
            loop.stop();
            try {
                thread.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (labeler != null) {
            labeler.close();
        }
        if (teacher != null) {
            teacher.close();
        }
    }

    /** For the health check. */
    public boolean loopAlive() {
        return loop != null && thread.isAlive() && loop.isAlive(Duration.ofMinutes(2));
    }

    public String teacherId() {
        return teacher == null ? "" : teacher.manifest().id();
    }

    private String instanceId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "host";
        }
        return config.groupId() + "-" + host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
