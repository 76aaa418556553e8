package io.distillery.launcher.demo;

import io.distillery.datasets.CorpusUnavailableException;
import io.distillery.datasets.LabelledSentence;
import io.distillery.datasets.PangLeeReviews;
import io.distillery.datasets.RtweetTweets;
import io.distillery.datasets.Split;
import io.distillery.datasets.UciSentiment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The unlabelled in-domain text the demo streams: the bundled UCI sentences of the TRAIN split without their labels,
 * Rotten Tomatoes snippets, movie-review sentences and real tweets from Debian packages fetched at run time (never
 * committed: see the datasets module), mixed by {@link Mix share}.
 */
public final class DemoTexts {

    /** One text to produce, with a stable id (source and index). */
    public record Text(String id, String source, String text) {
    }

    /** A text as the stream gives it: its lap is how many times its source had been used up before. */
    public record Draw(Text text, int lap) {
    }

    /** The sources by name; each loads its texts from the cache directory. */
    static final Map<String, Function<Path, List<String>>> SOURCES = new LinkedHashMap<>();

    static {
        // TRAIN only: serving and the trainer score students on DEV, and the quality bench on
        // TEST, so neither may reach the students through the stream.
        SOURCES.put("uci", cache -> UciSentiment.split(Split.TRAIN).stream().map(LabelledSentence::text).toList());
        SOURCES.put("snippets", PangLeeReviews::snippets);
        SOURCES.put("reviews", PangLeeReviews::sentences);
        SOURCES.put("tweets", RtweetTweets::tweets);
    }

    private DemoTexts() {
    }

    /**
     * The texts of the named sources, by source in the order named; a source that cannot be had
     * here is reported through {@code warn} and skipped, as long as one remains.
     */
    public static Map<String, List<Text>> load(List<String> names, Path cacheDir, Consumer<String> warn) {
        Map<String, List<Text>> loaded = new LinkedHashMap<>();
        for (String name : names) {
            Function<Path, List<String>> source = SOURCES.get(name);
            if (source == null) {
                throw new IllegalArgumentException("unknown text source '" + name + "'; choose from " + SOURCES.keySet());
            }
            try {
                List<String> texts = source.apply(cacheDir);
                List<Text> tagged = new ArrayList<>(texts.size());
                for (int i = 0; i < texts.size(); i++) {
                    tagged.add(new Text(name + "-" + i, name, texts.get(i)));
                }
                if (!tagged.isEmpty()) {
                    loaded.put(name, tagged);
                }
                warn.accept("text source " + name + ": " + texts.size() + " texts");
            } catch (CorpusUnavailableException e) {
                warn.accept("text source " + name + " skipped: " + e.getMessage());
            }
        }
        if (loaded.isEmpty()) {
            throw new IllegalStateException("no text source could be loaded from " + names);
        }
        return loaded;
    }

    /**
     * Parses {@code source=share} pairs separated by commas ({@code "uci=1,reviews=6"}); blank gives
     * none.
     */
    public static Map<String, Double> parseShares(String pairs) {
        Map<String, Double> shares = new LinkedHashMap<>();
        if (pairs == null || pairs.isBlank()) {
            return shares;
        }
        for (String pair : pairs.split(",")) {
            String[] parts = pair.split("=", -1);
            if (parts.length != 2 || parts[0].isBlank()) {
                throw new IllegalArgumentException("a share is source=number, not '" + pair.trim() + "'");
            }
            double share;
            try {
                share = Double.parseDouble(parts[1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the share of " + parts[0].trim() + " is not a number: '" + parts[1].trim() + "'");
            }
            if (!(share >= 0) || Double.isInfinite(share)) {
                throw new IllegalArgumentException("the share of " + parts[0].trim() + " must be 0 or more, not " + share);
            }
            shares.put(parts[0].trim(), share);
        }
        return shares;
    }

    /**
     * An endless stream over the loaded sources in which each source has its share of every stretch:
     * the next text comes from the source furthest behind its share (ties: the first named), so a
     * small source is spread over the whole run instead of being used up in its first minutes. A
     * source used up starts again (its next lap: new record ids, so new augmentations). A source
     * without a share in {@code shares} has share 1; share 0 leaves it out.
     */
    public static final class Mix implements Iterator<Draw> {

        private final List<List<Text>> sources = new ArrayList<>();
        private final List<Double> shares = new ArrayList<>();
        private final long[] taken;

        public Mix(Map<String, List<Text>> loaded, Map<String, Double> shares) {
            for (String name : shares.keySet()) {
                if (!loaded.containsKey(name) && !SOURCES.containsKey(name)) {
                    throw new IllegalArgumentException("a share for unknown text source '" + name + "'; choose from " + SOURCES.keySet());
                }
            }
            loaded.forEach((name, texts) -> {
                double share = shares.getOrDefault(name, 1.0);
                if (share > 0) {
                    this.sources.add(texts);
                    this.shares.add(share);
                }
            });
            if (this.sources.isEmpty()) {
                throw new IllegalArgumentException("every loaded text source " + loaded.keySet() + " has share 0");
            }
            this.taken = new long[this.sources.size()];
        }

        @Override
        public boolean hasNext() {
            return true;
        }

        @Override
        public Draw next() {
            int next = 0;
            double behind = Double.MAX_VALUE;
            for (int s = 0; s < sources.size(); s++) {
                double position = (taken[s] + 1) / shares.get(s);
                if (position < behind) {
                    behind = position;
                    next = s;
                }
            }
            List<Text> texts = sources.get(next);
            long index = taken[next]++;
            return new Draw(texts.get((int) (index % texts.size())), (int) (index / texts.size()));
        }
    }
}
