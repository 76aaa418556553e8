package io.distillery.augmenter;

import io.distillery.datasets.LabelledSentence;
import io.distillery.datasets.UciSentiment;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import opennlp.tools.tokenize.TokenizerME;
import opennlp.tools.tokenize.TokenizerModel;

/**
 * Throughput of the pure augmenter (no Kafka) over the 3,000 UCI sentences, replayed with fresh record
 * ids on every pass, each input analysed, learnt into the POS dictionary and augmented, as the stream
 * processor will. Prints one JSON line.
 *
 * <p>Lives in src/test: it needs the test corpus and the OpenNLP tokenizer model (for the comparison),
 * neither of which belongs in the service jar. Run from the repository root with
 * {@code mvn -q -f augmenter-svc/pom.xml test-compile exec:java -Dexec.args="--seconds 20"}
 * (the module's pom points exec:java here, on the test classpath).
 *
 * <p>Options: --seconds N (measured, default 15), --warmup N (default 8), --threads N (default 1,
 * each thread with its own dictionary as each stream task will have), --no-pos (every token tagged X,
 * to see what tagging costs), --mode SAMPLE|MASK, --no-profile.
 */
public final class AugmenterBench {

    private static final String TOKENIZER_MODEL = "opennlp-en-ud-ewt-tokens-1.3-2.5.4.bin";

    private AugmenterBench() {
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        AugmenterSettings settings = AugmenterSettings.builder().ngramMode(options.mode).build();
        List<String> corpus = UciSentiment.all().stream().map(LabelledSentence::text).toList();
        PosTagger tagger = PosTagger.english();

        List<Worker> workers = new ArrayList<>();
        for (int t = 0; t < options.threads; t++) {
            workers.add(new Worker(t, settings, tagger, corpus, options.pos));
        }
        ExecutorService pool = Executors.newFixedThreadPool(options.threads);
        try {
            runAll(pool, workers, options.warmupSeconds);
            workers.forEach(Worker::resetCounts);
            long start = System.nanoTime();
            runAll(pool, workers, options.seconds);
            double elapsed = (System.nanoTime() - start) / 1e9;

            long inputs = workers.stream().mapToLong(w -> w.inputs).sum();
            long variants = workers.stream().mapToLong(w -> w.variants).sum();
            StringBuilder json = new StringBuilder("{")
                    .append(field("name", "pure"))
                    .append(',').append(field("input_per_s", round(inputs / elapsed)))
                    .append(',').append(field("variants_per_s", round(variants / elapsed)))
                    .append(',').append(field("threads", options.threads))
                    .append(',').append(field("pos_tagging", options.pos))
                    .append(',').append(field("ngram_mode", settings.ngramMode().name()))
                    .append(',').append(field("n_iter", settings.nIter()))
                    .append(',').append(field("variants_per_input", round2((double) variants / inputs)))
                    .append(',').append(field("tokens_per_input", round2(workers.get(0).tokensPerInput())))
                    .append(',').append(field("corpus", "uci-" + corpus.size()))
                    .append(',').append(field("measured_s", round2(elapsed)))
                    .append(',').append(field("dictionary_words", workers.get(0).dictionary.size()))
                    .append(',').append(field("dictionary_bytes", workers.get(0).dictionary.toBytes().length));
            if (options.profile) {
                json.append(',').append(profile(settings, tagger, corpus, options.pos));
            }
            json.append(',').append(field("cores", Runtime.getRuntime().availableProcessors()))
                    .append(',').append(field("java", System.getProperty("java.version")))
                    .append('}');
            System.out.println(json);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void runAll(ExecutorService pool, List<Worker> workers, double seconds) throws Exception {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        List<Future<Void>> futures = new ArrayList<>();
        for (Worker worker : workers) {
            Callable<Void> run = () -> {
                worker.runUntil(deadline);
                return null;
            };
            futures.add(pool.submit(run));
        }
        for (Future<Void> f : futures) {
            f.get();
        }
    }

    /** The real per-input path, as the stream processor will run it. */
    private static final class Worker {
        final TextAnalyzer analyzer;
        final PosDictionary dictionary;
        final Augmenter augmenter;
        final List<String> corpus;
        final int id;
        long inputs;
        long variants;
        long tokens;
        int pass;

        Worker(int id, AugmenterSettings settings, PosTagger tagger, List<String> corpus, boolean pos) {
            this.id = id;
            this.corpus = corpus;
            this.analyzer = TextAnalyzer.from(settings, pos ? tagger : PosTagger.constant("X"));
            this.dictionary = PosDictionary.from(settings, 42L + id);
            this.augmenter = new Augmenter(settings, dictionary);
        }

        void runUntil(long deadline) {
            while (System.nanoTime() < deadline) {
                for (int i = 0; i < corpus.size(); i++) {
                    TaggedText text = analyzer.analyze(corpus.get(i));
                    dictionary.learn(text);
                    Random random = RecordSeeds.randomFor("t" + id + "-p" + pass + "-" + i, 0L);
                    variants += augmenter.augment(text, random).size() - 1; // the original is not a variant
                    tokens += text.size();
                    inputs++;
                    if ((i & 63) == 0 && System.nanoTime() >= deadline) {
                        return;
                    }
                }
                pass++;
            }
        }

        void resetCounts() {
            inputs = 0;
            variants = 0;
            tokens = 0;
        }

        double tokensPerInput() {
            return (double) tokens / Math.max(1, inputs);
        }
    }

    /**
     * Where time goes, per input: each phase timed on its own over the corpus (after the main run, so
     * the JIT is warm). "draw" is 21 raw draws without joining or de-duplication, about what one input
     * costs the sampler; augment - draw is then roughly joining and de-duplication.
     */
    private static String profile(AugmenterSettings settings, PosTagger tagger, List<String> corpus, boolean pos)
            throws IOException {
        TextNormalizer normalizer = TextNormalizer.from(settings);
        PosDictionary dictionary = PosDictionary.from(settings, 7L);
        Augmenter augmenter = new Augmenter(settings, dictionary);
        VariantSampler sampler = new VariantSampler(settings, dictionary);
        PosTagger beam3 = OpenNlpPosTagger.english(3);
        TokenizerME openNlpTokenizer = new TokenizerME(loadTokenizerModel());

        int n = corpus.size();
        List<List<Token>> tokens = new ArrayList<>(n);
        List<String[]> words = new ArrayList<>(n);
        List<TaggedText> tagged = new ArrayList<>(n);
        for (String text : corpus) {
            List<Token> t = normalizer.normalize(text);
            tokens.add(t);
            words.add(t.stream().map(Token::text).toArray(String[]::new));
        }
        TextAnalyzer analyzer = TextAnalyzer.from(settings, tagger);
        corpus.forEach(text -> tagged.add(analyzer.analyze(text)));
        tagged.forEach(dictionary::learn);

        double normalizeUs = 0, openNlpUs = 0, tagUs = 0, tagBeam3Us = 0, learnUs = 0, augmentUs = 0, drawUs = 0;
        int rounds = 5;
        for (int round = 0; round < rounds + 2; round++) {
            boolean measured = round >= 2; // two rounds of warm-up for the code only used here
            long t0 = System.nanoTime();
            for (String text : corpus) {
                normalizer.normalize(text);
            }
            long t1 = System.nanoTime();
            for (String text : corpus) {
                openNlpTokenizer.tokenize(text);
            }
            long t2 = System.nanoTime();
            for (String[] w : words) {
                tagger.tag(w);
            }
            long t3 = System.nanoTime();
            for (String[] w : words) {
                beam3.tag(w);
            }
            long t4 = System.nanoTime();
            for (TaggedText t : tagged) {
                dictionary.learn(t);
            }
            long t5 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                augmenter.augment(tagged.get(i), new Random(round * 100_003L + i));
            }
            long t6 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                Random random = new Random(round * 100_003L + i);
                for (int k = 0; k <= settings.nIter(); k++) {
                    sampler.draw(tagged.get(i), random);
                }
            }
            long t7 = System.nanoTime();
            if (measured) {
                normalizeUs += (t1 - t0) / 1e3 / n;
                openNlpUs += (t2 - t1) / 1e3 / n;
                tagUs += (t3 - t2) / 1e3 / n;
                tagBeam3Us += (t4 - t3) / 1e3 / n;
                learnUs += (t5 - t4) / 1e3 / n;
                augmentUs += (t6 - t5) / 1e3 / n;
                drawUs += (t7 - t6) / 1e3 / n;
            }
        }
        return "\"profile_us_per_input\":{"
                + field("normalize", round2(normalizeUs / rounds))
                + ',' + field("tag", pos ? round2(tagUs / rounds) : 0)
                + ',' + field("learn", round2(learnUs / rounds))
                + ',' + field("augment", round2(augmentUs / rounds))
                + ',' + field("of_which_21_draws", round2(drawUs / rounds))
                + ',' + field("tag_beam3", round2(tagBeam3Us / rounds))
                + ',' + field("opennlp_tokenizer", round2(openNlpUs / rounds))
                + '}';
    }

    private static TokenizerModel loadTokenizerModel() throws IOException {
        try (InputStream in = AugmenterBench.class.getClassLoader().getResourceAsStream(TOKENIZER_MODEL)) {
            if (in == null) {
                throw new UncheckedIOException(new IOException("missing " + TOKENIZER_MODEL));
            }
            return new TokenizerModel(in);
        }
    }

    private static String field(String name, Object value) {
        String rendered = value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
        return "\"" + name + "\":" + rendered;
    }

    private static long round(double v) {
        return Math.round(v);
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private record Options(double seconds, double warmupSeconds, int threads, boolean pos, NgramMode mode,
                           boolean profile) {
        static Options parse(String[] args) {
            double seconds = 15;
            double warmup = 8;
            int threads = 1;
            boolean pos = true;
            boolean profile = true;
            NgramMode mode = AugmenterSettings.DEFAULT_NGRAM_MODE;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                    case "--warmup" -> warmup = Double.parseDouble(args[++i]);
                    case "--threads" -> threads = Integer.parseInt(args[++i]);
                    case "--no-pos" -> pos = false;
                    case "--no-profile" -> profile = false;
                    case "--mode" -> mode = NgramMode.valueOf(args[++i].toUpperCase(Locale.ROOT));
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + " (--seconds N, --warmup N, --threads N, --no-pos, --no-profile, --mode SAMPLE|MASK)");
                }
            }
            return new Options(seconds, warmup, threads, pos, mode, profile);
        }
    }
}
