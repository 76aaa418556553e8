package io.distillery.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Unlabelled tweets for the demo: the English tweets inside the recorded Twitter API responses that
 * Debian's {@code r-cran-rtweet} ships as test fixtures ({@code tests/fixtures/*.json[.gz]}, httptest
 * recordings whose response bodies are JSON strings). Every tweet object ({@code id_str} plus
 * {@code full_text} or {@code text}) with {@code lang} "en" is taken, at any depth (quoted and
 * retweeted statuses too); "RT @..." copies are skipped (their original is taken), texts are
 * de-duplicated, in a deterministic order (files by name, tweets in document order).
 *
 * <p>Fetched at run time, never committed: the package is only extracted ({@link DebianPackage},
 * {@link DebianPackage.Acquisition#EXTRACT}: installing it would pull in R), or used if installed.
 */
public final class RtweetTweets {

    public static final String PACKAGE = "r-cran-rtweet";
    static final String FIXTURES = "/tests/fixtures/";

    private RtweetTweets() {
    }

    /**
     * The tweets, from the installed package or the .deb extracted under {@code cacheDir}.
     *
     * @throws CorpusUnavailableException when the package cannot be had here
     */
    public static List<String> tweets(Path cacheDir) {
        return tweets(DebianPackage.Acquisition.EXTRACT, cacheDir);
    }

    /** As {@link #tweets(Path)}, with the given way to obtain a missing package. */
    public static List<String> tweets(DebianPackage.Acquisition acquisition, Path cacheDir) {
        DebianPackage pkg = new DebianPackage(PACKAGE);
        List<Path> files = pkg.files(pkg.root(acquisition, cacheDir), FIXTURES).stream()
                .filter(p -> p.toString().endsWith(".json") || p.toString().endsWith(".json.gz")).toList();
        if (files.isEmpty()) {
            throw new CorpusUnavailableException("package " + PACKAGE + " has no " + FIXTURES + "*.json[.gz] fixtures");
        }
        return fromFixtures(files);
    }

    /** The de-duplicated English tweets of these fixture files, in the given file order. */
    public static List<String> fromFixtures(List<Path> files) {
        List<String> tweets = new ArrayList<>();
        for (Path file : files) {
            tweets.addAll(fromFixture(read(file)));
        }
        return Sentences.dedup(tweets);
    }

    /** The English tweets of one recorded response file's content (not de-duplicated). */
    static List<String> fromFixture(String content) {
        List<String> tweets = new ArrayList<>();
        Object recording;
        try {
            recording = Json.parse(content);
        } catch (IllegalArgumentException e) {
            return tweets; // not JSON: nothing to take
        }
        List<Object> bodies = new ArrayList<>();
        collectBodies(recording, bodies);
        if (bodies.isEmpty()) {
            bodies.add(recording); // a bare API response rather than a recording
        }
        for (Object body : bodies) {
            collectTweets(body, tweets);
        }
        return tweets;
    }

    /** Parsed response bodies of an httptest/vcr recording ({@code response.body.string}). */
    private static void collectBodies(Object node, List<Object> out) {
        if (node instanceof Map<?, ?> map) {
            if (map.get("response") instanceof Map<?, ?> response && response.get("body") instanceof Map<?, ?> body) {
                String string = null;
                if (body.get("string") instanceof String s && !s.isBlank()) {
                    string = s;
                } else if (body.get("base64_string") instanceof String b) {
                    string = new String(Base64.getMimeDecoder().decode(b), StandardCharsets.UTF_8);
                }
                if (string != null) {
                    try {
                        out.add(Json.parse(string));
                    } catch (IllegalArgumentException e) {
                        // a non-JSON body (an error page): no tweets in it
                    }
                }
                return;
            }
            for (Object value : map.values()) {
                collectBodies(value, out);
            }
        } else if (node instanceof List<?> list) {
            for (Object value : list) {
                collectBodies(value, out);
            }
        }
    }

    private static void collectTweets(Object node, List<String> out) {
        if (node instanceof Map<?, ?> map) {
            Object text = map.get("full_text") instanceof String full ? full : map.get("text");
            if (map.containsKey("id_str") && text instanceof String t && "en".equals(map.get("lang"))) {
                String tweet = t.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").strip();
                if (!tweet.isEmpty() && !tweet.startsWith("RT @")) {
                    out.add(tweet);
                }
            }
            for (Object value : map.values()) {
                collectTweets(value, out);
            }
        } else if (node instanceof List<?> list) {
            for (Object value : list) {
                collectTweets(value, out);
            }
        }
    }

    private static String read(Path file) {
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
