package io.distillery.augmenter;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Collections;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Function;
import opennlp.tools.ml.model.MaxentModel;
import opennlp.tools.postag.POSContextGenerator;
import opennlp.tools.postag.POSModel;
import opennlp.tools.postag.POSTagFormat;
import opennlp.tools.postag.POSTaggerME;
import opennlp.tools.util.SequenceValidator;

/**
 * {@link PosTagger} over OpenNLP: universal POS tags (NOUN, VERB, ADJ, ..., and combined tags such as
 * AUX+PART for "don't") from the UD English-EWT maxent model ({@code opennlp-models-pos-en}).
 *
 * <p>With beam size 1 it decodes greedily itself, with the model's own context generator, maxent model
 * and sequence validator, exactly what {@link POSTaggerME} does with a beam of 1 minus the beam's
 * bookkeeping (it sorts all 38 tag probabilities for every token): same tags, measured faster. Larger
 * beams go through {@link POSTaggerME}.
 *
 * <p>Thread-safe: the model is immutable and shared; context generators cache per sentence and
 * {@link POSTaggerME} keeps per-call state, so each thread gets its own decoder.
 */
public final class OpenNlpPosTagger implements PosTagger {

    /** The bundled models' jars each carry a model.properties naming their .bin at the jar root. */
    private static final String MODEL_PROPERTIES = "model.properties";
    private static final String ENGLISH_POS_MODEL_PREFIX = "opennlp-en-ud-ewt-pos-";
    private static final String POS_MODEL_ARTIFACT = "pos.model";

    private static volatile POSModel englishModel; // loaded once per JVM, shared by every tagger

    private final ThreadLocal<Function<String[], String[]>> perThread;

    private OpenNlpPosTagger(POSModel model, int beamSize) {
        if (beamSize < 1) {
            throw new IllegalArgumentException("beam size must be >= 1, was " + beamSize);
        }
        Object maxent = model.getArtifact(POS_MODEL_ARTIFACT);
        if (beamSize == 1 && maxent instanceof MaxentModel m) {
            this.perThread = ThreadLocal.withInitial(() -> new GreedyDecoder(model, m)::tag);
        } else {
            POSModel beamModel = maxent instanceof MaxentModel m ? withBeamSize(model, m, beamSize) : model;
            this.perThread = ThreadLocal.withInitial(() -> new POSTaggerME(beamModel, POSTagFormat.UD)::tag);
        }
    }

    /** The bundled English UD model with the given beam size (the model's manifest says 3). */
    public static OpenNlpPosTagger english(int beamSize) {
        return new OpenNlpPosTagger(loadEnglishModel(), beamSize);
    }

    /** A tagger over any OpenNLP maxent POS model. */
    public static OpenNlpPosTagger of(POSModel model, int beamSize) {
        return new OpenNlpPosTagger(Objects.requireNonNull(model, "model"), beamSize);
    }

    @Override
    public String[] tag(String[] tokens) {
        if (tokens.length == 0) {
            return new String[0];
        }
        return perThread.get().apply(tokens);
    }

    /** Left-to-right argmax over the tags the validator allows. One per thread. */
    private static final class GreedyDecoder {
        private final POSContextGenerator contexts;
        private final SequenceValidator<String> validator;
        private final MaxentModel maxent;
        private final double[] probabilities;

        GreedyDecoder(POSModel model, MaxentModel maxent) {
            this.contexts = model.getFactory().getPOSContextGenerator(1);
            this.validator = model.getFactory().getSequenceValidator();
            this.maxent = maxent;
            this.probabilities = new double[maxent.getNumOutcomes()];
        }

        String[] tag(String[] tokens) {
            String[] tags = new String[tokens.length];
            Object[] noAdditionalContext = new Object[0];
            for (int i = 0; i < tokens.length; i++) {
                // The generator reads only tags[0..i-1]: the ones already decided.
                double[] p = maxent.eval(contexts.getContext(i, tokens, tags, noAdditionalContext), probabilities);
                tags[i] = best(i, tokens, tags, p);
            }
            return tags;
        }

        private String best(int i, String[] tokens, String[] tags, double[] p) {
            int best = -1;
            for (int o = 0; o < p.length; o++) {
                if ((best < 0 || p[o] > p[best]) && validator.validSequence(i, tokens, tags, maxent.getOutcome(o))) {
                    best = o;
                }
            }
            if (best < 0) {
                throw new IllegalStateException("the POS model allows no tag for token " + i + ": " + tokens[i]);
            }
            return maxent.getOutcome(best);
        }
    }

    /** The same maxent model decoded with another beam size (the beam lives in the model's manifest). */
    private static POSModel withBeamSize(POSModel model, MaxentModel maxent, int beamSize) {
        return new POSModel(model.getLanguage(), maxent, beamSize, null, model.getFactory());
    }

    static POSModel loadEnglishModel() {
        POSModel loaded = englishModel;
        if (loaded == null) {
            synchronized (OpenNlpPosTagger.class) {
                loaded = englishModel;
                if (loaded == null) {
                    loaded = englishModel = readBundledModel();
                }
            }
        }
        return loaded;
    }

    private static POSModel readBundledModel() {
        ClassLoader loader = OpenNlpPosTagger.class.getClassLoader();
        try {
            for (URL url : Collections.list(loader.getResources(MODEL_PROPERTIES))) {
                Properties properties = new Properties();
                try (InputStream in = url.openStream()) {
                    properties.load(in);
                }
                String name = properties.getProperty("model.name", "");
                if (name.startsWith(ENGLISH_POS_MODEL_PREFIX)) {
                    try (InputStream in = new URL(url, name).openStream()) {
                        return new POSModel(in);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the English POS model from the classpath", e);
        }
        throw new IllegalStateException("no " + ENGLISH_POS_MODEL_PREFIX + "*.bin on the classpath:"
                + " add org.apache.opennlp:opennlp-models-pos-en");
    }
}
