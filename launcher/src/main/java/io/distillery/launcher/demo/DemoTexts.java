package io.distillery.launcher.demo;

import io.distillery.datasets.CorpusUnavailableException;
import io.distillery.datasets.LabelledSentence;
import io.distillery.datasets.PangLeeReviews;
import io.distillery.datasets.RtweetTweets;
import io.distillery.datasets.Split;
import io.distillery.datasets.UciSentiment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The unlabelled in-domain text the demo streams: the bundled UCI sentences of the TRAIN split without their labels,
 * Rotten Tomatoes snippets, movie-review sentences and real tweets from Debian packages fetched at run time (never
 * committed: see the datasets module). Sources are interleaved round-robin, so every stretch of
 * the stream mixes them, in a fixed order.
 */
public final class DemoTexts {

    /** One text to produce, with a stable id (source and index). */
    public record Text(String id, String source, String text) {
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
     * The texts of the named sources; a source that cannot be had here is reported through
     * {@code warn} and skipped, as long as one remains.
     */
    public static List<Text> load(List<String> names, Path cacheDir, Consumer<String> warn) {
        List<List<Text>> loaded = new ArrayList<>();
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
                loaded.add(tagged);
                warn.accept("text source " + name + ": " + texts.size() + " texts");
            } catch (CorpusUnavailableException e) {
                warn.accept("text source " + name + " skipped: " + e.getMessage());
            }
        }
        if (loaded.isEmpty()) {
            throw new IllegalStateException("no text source could be loaded from " + names);
        }
        return interleave(loaded);
    }

    /** Round-robin over the lists until all are used up. */
    static <T> List<T> interleave(List<List<T>> lists) {
        List<T> out = new ArrayList<>();
        int longest = lists.stream().mapToInt(List::size).max().orElse(0);
        for (int i = 0; i < longest; i++) {
            for (List<T> list : lists) {
                if (i < list.size()) {
                    out.add(list.get(i));
                }
            }
        }
        return out;
    }
}
