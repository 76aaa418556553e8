package io.distillery.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RtweetTweetsTest {

    @Test
    void jsonReaderHandlesEscapesNestingAndNumbers() {
        Object parsed = Json.parse("{\"a\":[1,-2.5e1,true,null],\"b\":\"x\\\"y\\u00e9\\n\",\"c\":{}}");
        assertEquals(Map.of("a", java.util.Arrays.asList(1.0, -25.0, true, null), "b", "x\"y\u00e9\n", "c", Map.of()), parsed);
    }

    @Test
    void takesEnglishTweetsFromRecordedBodiesSkippingRetweetCopies() {
        String body = "{\"statuses\":[" +
                "{\"id_str\":\"1\",\"lang\":\"en\",\"full_text\":\"Loving #rstats &amp; R\",\"text\":\"short\"}," +
                "{\"id_str\":\"2\",\"lang\":\"fr\",\"full_text\":\"Bonjour\"}," +
                "{\"id_str\":\"3\",\"lang\":\"en\",\"full_text\":\"RT @someone: copy\"," +
                "  \"retweeted_status\":{\"id_str\":\"4\",\"lang\":\"en\",\"full_text\":\"the original\"}}," +
                "{\"id_str\":\"5\",\"lang\":\"en\",\"text\":\"no full text\"}]}";
        String recording = "{\"http_interactions\":[{\"request\":{\"uri\":\"x\"},\"response\":{\"body\":{\"encoding\":\"\",\"string\":"
                + quote(body) + "}}}]}";
        assertEquals(List.of("Loving #rstats & R", "the original", "no full text"), RtweetTweets.fromFixture(recording));
    }

    @Test
    void aFixtureThatIsNotJsonHasNoTweets() {
        assertEquals(List.of(), RtweetTweets.fromFixture("<html>rate limited</html>"));
    }

    /** Runs where r-cran-rtweet is installed or extracted (skipped otherwise; never committed). */
    @Test
    void theDebianFixturesHoldAboutTwoThousandEnglishTweets() {
        Path cache = Path.of(System.getProperty("distillery.cache", "../.distillery/cache"));
        DebianPackage pkg = new DebianPackage(RtweetTweets.PACKAGE);
        boolean available = pkg.isInstalled()
                || Files.isRegularFile(cache.resolve("debian").resolve(RtweetTweets.PACKAGE).resolve(".complete"));
        assumeTrue(available, "Debian package r-cran-rtweet is neither installed nor extracted under " + cache
                + ": skipped (apt-get install r-cran-rtweet, or RtweetTweets.tweets(cacheDir) extracts it)");
        List<String> tweets = RtweetTweets.tweets(DebianPackage.Acquisition.EXTRACT, cache); // finds, never fetches here
        System.out.printf("{\"corpus\":\"rtweet-fixtures\",\"tweets\":%d}%n", tweets.size());
        assertTrue(tweets.size() > 1000, tweets.size() + " tweets");
        assertEquals(tweets.size(), Sentences.dedup(tweets).size());
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
