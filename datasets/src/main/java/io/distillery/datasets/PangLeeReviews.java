package io.distillery.datasets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Unlabelled in-domain text: the sentences of the 1,500 full movie reviews (Pang &amp; Lee's polarity
 * dataset v2.0, as sampled by Pattern) that Debian's {@code python3-pattern} ships in
 * {@code polarity-en-pang&lee1.csv}. The file's polarity labels are read past and never returned:
 * this corpus stands for raw text a user would stream in.
 *
 * <p><b>Licence:</b> Pattern's test corpora are "meant for personal use". They are fetched at run
 * time ({@link DebianPackage}: the installed package, else {@code apt-get install} as root, else the
 * .deb extracted into a cache) and must never be committed or copied into the repository.
 *
 * <p>Sentences come in a deterministic order (reviews in file order, sentences in review order),
 * de-duplicated ({@link Sentences#dedupKey}), keeping those of {@code minTokens..maxTokens}
 * whitespace tokens (the file is tokenised and lower-cased, one sentence a line).
 */
public final class PangLeeReviews {

    /** The Debian package that ships the corpus. */
    public static final String PACKAGE = "python3-pattern";
    /** The full reviews. */
    public static final String REVIEWS_FILE = "polarity-en-pang&lee1.csv";
    /** 4,000 one-sentence Rotten Tomatoes snippets (the source of SST), labels likewise read past. */
    public static final String SNIPPETS_FILE = "polarity-en-pang&lee2.csv";
    public static final int DEFAULT_MIN_TOKENS = 3;
    public static final int DEFAULT_MAX_TOKENS = 60;

    private PangLeeReviews() {
    }

    /**
     * The review sentences, from the Debian package (installed if needed, see the class comment).
     *
     * @param cacheDir where a .deb is extracted when the package cannot be installed
     * @throws CorpusUnavailableException when the package cannot be had here
     */
    public static List<String> sentences(Path cacheDir) {
        return sentences(reviewsFile(cacheDir), DEFAULT_MIN_TOKENS, DEFAULT_MAX_TOKENS);
    }

    /**
     * The Rotten Tomatoes snippets as sentences, from the same package: short, opinion-dense text,
     * the closest thing to the UCI sentences in reach.
     */
    public static List<String> snippets(Path cacheDir) {
        return sentences(corpusFile(cacheDir, SNIPPETS_FILE), DEFAULT_MIN_TOKENS, DEFAULT_MAX_TOKENS);
    }

    /** Where {@link #REVIEWS_FILE} is on this machine (installing or extracting the package first). */
    public static Path reviewsFile(Path cacheDir) {
        return corpusFile(cacheDir, REVIEWS_FILE);
    }

    private static Path corpusFile(Path cacheDir, String fileName) {
        DebianPackage pkg = new DebianPackage(PACKAGE);
        return pkg.find(pkg.root(DebianPackage.Acquisition.INSTALL, cacheDir), "/" + fileName);
    }

    /** The review texts of a reviews CSV ({@code "label","text"} records), labels dropped, in file order. */
    public static List<String> reviews(Path csv) {
        try {
            List<String> reviews = new ArrayList<>();
            for (List<String> record : Csv.parse(Files.readString(csv, StandardCharsets.UTF_8))) {
                if (record.size() >= 2 && !record.get(1).isBlank()) {
                    reviews.add(record.get(1));
                }
            }
            return reviews;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + csv, e);
        }
    }

    /** The de-duplicated sentences of a reviews CSV, {@code minTokens..maxTokens} tokens each. */
    public static List<String> sentences(Path csv, int minTokens, int maxTokens) {
        List<String> all = new ArrayList<>();
        for (String review : reviews(csv)) {
            for (String sentence : Sentences.split(review)) {
                int tokens = Sentences.tokenCount(sentence);
                if (tokens >= minTokens && tokens <= maxTokens) {
                    all.add(sentence);
                }
            }
        }
        return Sentences.dedup(all);
    }
}
