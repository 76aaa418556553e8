package io.distillery.augmenter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tweet-aware tokenisation and normalisation, in one pass over the code points.
 *
 * <ul>
 *   <li>HTML entities are decoded ({@code &amp;} → {@code &}), typographic quotes become ASCII ones,
 *       "…" becomes "...", invisible format characters (LRM/RLM, zero-width spaces) are dropped and
 *       whitespace runs collapse, since tokens are joined by single spaces later;</li>
 *   <li>URLs become {@value #URL}, e-mail addresses {@value #EMAIL}, @mentions {@value #USER}: the
 *       teacher gains nothing from a link's characters, and identical placeholders de-duplicate;</li>
 *   <li>hashtags ("#word"), emoji (with skin tones, ZWJ sequences, keycaps, flags) and emoticons
 *       (":)", "&lt;3") stay single tokens;</li>
 *   <li>a letter repeated 3+ times is squeezed to 2 ("soooo" → "soo"), as are runs of one punctuation
 *       character ("!!!!" → "!!"; dots become "...") and of one emoji;</li>
 *   <li>words keep inner apostrophes and hyphens ("don't", "well-known"): the UD English-EWT tagger
 *       tags contractions as one token ("don't" → AUX+PART), so splitting them would only hurt.</li>
 * </ul>
 *
 * <p>Rule-based rather than OpenNLP's TokenizerME: measured on the UCI sentences it is over ten times
 * faster, and TokenizerME would still need these rules, as it splits "#tag", "&lt;url&gt;" and ":)"
 * into pieces. Case is kept: the POS tagger needs it; lowercasing happens after tagging.
 *
 * <p>Stateless and thread-safe.
 */
public final class TextNormalizer {

    public static final String URL = "<url>";
    public static final String USER = "<user>";
    public static final String EMAIL = "<email>";
    public static final List<String> PLACEHOLDERS = List.of(URL, USER, EMAIL);

    private static final int ZWJ = 0x200D;
    private static final int ZWNJ = 0x200C;
    private static final int MAX_HANDLE_LENGTH = 50;
    private static final int MAX_ENTITY_LENGTH = 10;

    /** Longest first, so ":-)" wins over ":-". */
    private static final List<String> EMOTICONS = List.of(
            "</3", ":-)", ":-(", ":-D", ":-P", ":-p", ":-/", ":-|", ":-O", ":-o", ";-)", ":'(", ":')", ">:(",
            "^_^", "^^", "<3", ":)", ":(", ":D", ":P", ":p", ":/", ":|", ":O", ":o", ":]", ":[", ":*", ":3",
            ";)", ";(", ";D", ";P", ";p", ";*", "=)", "=(", "=D", "xD", "XD");

    private static final String EMOTICON_STARTS = ":;=<>^xX";

    private static final Map<String, String> ENTITIES = Map.ofEntries(
            Map.entry("amp", "&"), Map.entry("lt", "<"), Map.entry("gt", ">"), Map.entry("quot", "\""),
            Map.entry("apos", "'"), Map.entry("nbsp", " "), Map.entry("hellip", "..."),
            Map.entry("mdash", "\u2014"), Map.entry("ndash", "\u2013"), Map.entry("rsquo", "'"),
            Map.entry("lsquo", "'"), Map.entry("rdquo", "\""), Map.entry("ldquo", "\""));

    /** Bare domains ("example.com") count as URLs only with these endings, or when a path follows. */
    private static final Set<String> BARE_DOMAIN_ENDINGS = Set.of("com", "net", "org", "edu", "gov", "io", "info", "biz");

    private final int maxTextChars;
    private final int maxTokens;

    public TextNormalizer(int maxTextChars, int maxTokens) {
        if (maxTextChars < 1 || maxTokens < 1) {
            throw new IllegalArgumentException("maxTextChars and maxTokens must be >= 1, were "
                    + maxTextChars + " and " + maxTokens);
        }
        this.maxTextChars = maxTextChars;
        this.maxTokens = maxTokens;
    }

    public static TextNormalizer from(AugmenterSettings settings) {
        return new TextNormalizer(settings.maxTextChars(), settings.maxTokens());
    }

    public static boolean isPlaceholder(String token) {
        return PLACEHOLDERS.contains(token);
    }

    /** The tokens of {@code text}; empty for null, blank or symbol-free text. */
    public List<Token> normalize(String text) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        return new Scan(clean(truncate(text))).run();
    }

    private String truncate(String text) {
        if (text.length() <= maxTextChars) {
            return text;
        }
        int cut = maxTextChars;
        if (Character.isHighSurrogate(text.charAt(cut - 1))) {
            cut--;
        }
        // Cut at a space when one is near, rather than through a word.
        for (int i = cut; i > cut / 2; i--) {
            if (Character.isWhitespace(text.charAt(i))) {
                return text.substring(0, i);
            }
        }
        return text.substring(0, cut);
    }

    /** Entities decoded, quotes made ASCII, format characters dropped, controls turned to spaces. */
    private static String clean(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int n = text.length();
        for (int i = 0; i < n; ) {
            int cp = text.codePointAt(i);
            if (cp == '&') {
                int semicolon = text.indexOf(';', i + 1);
                if (semicolon > i + 1 && semicolon - i <= MAX_ENTITY_LENGTH) {
                    String decoded = decodeEntity(text.substring(i + 1, semicolon));
                    if (decoded != null) {
                        decoded.codePoints().forEach(c -> appendCleaned(out, c));
                        i = semicolon + 1;
                        continue;
                    }
                }
            }
            appendCleaned(out, cp);
            i += Character.charCount(cp);
        }
        return out.toString();
    }

    private static String decodeEntity(String name) {
        if (name.startsWith("#")) {
            try {
                int cp = name.startsWith("#x") || name.startsWith("#X")
                        ? Integer.parseInt(name.substring(2), 16)
                        : Integer.parseInt(name.substring(1));
                boolean valid = cp > 0 && Character.isValidCodePoint(cp) && !Character.isSurrogate((char) cp);
                return valid ? new String(Character.toChars(cp)) : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return ENTITIES.get(name);
    }

    private static void appendCleaned(StringBuilder out, int cp) {
        switch (cp) {
            case 0x2018, 0x2019, 0x201A, 0x2032, 0x00B4, '`' -> out.append('\'');
            case 0x201C, 0x201D, 0x201E, 0x2033 -> out.append('"');
            case 0x2026 -> out.append("...");
            case ZWJ, ZWNJ -> out.appendCodePoint(cp); // parts of emoji sequences and of Persian words
            default -> {
                if (Character.isISOControl(cp)) {
                    out.append(' ');
                } else if (Character.getType(cp) == Character.FORMAT && !isEmojiTag(cp)) {
                    // LRM/RLM, zero-width spaces, BOM: invisible, and they would split words apart.
                } else {
                    out.appendCodePoint(cp);
                }
            }
        }
    }

    /** One tokenisation of one cleaned text. */
    private final class Scan {
        private final String s;
        private final int n;
        private final List<Token> tokens = new ArrayList<>();

        Scan(String s) {
            this.s = s;
            this.n = s.length();
        }

        List<Token> run() {
            int i = 0;
            while (i < n && tokens.size() < maxTokens) {
                int cp = s.codePointAt(i);
                if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                    i += Character.charCount(cp);
                } else {
                    i = next(i, cp);
                }
            }
            return tokens;
        }

        /** Emits the token starting at {@code i}; returns where the next one may start. */
        private int next(int i, int cp) {
            int end;
            if ((end = url(i)) > i) {
                return emit(URL, TokenKind.URL, end);
            }
            if (cp == '@' && boundaryBefore(i) && (end = handle(i)) > i) {
                return emit(USER, TokenKind.USER, end);
            }
            if (cp == '#' && boundaryBefore(i) && (end = hashtag(i)) > i) {
                return emit("#" + squeezeLetters(s.substring(i + 1, end)), TokenKind.HASHTAG, end);
            }
            if ((end = emoji(i, cp)) > i) {
                return emitEmoji(s.substring(i, end), end);
            }
            if ((end = emoticon(i)) > i) {
                return emit(s.substring(i, end), TokenKind.EMOTICON, end);
            }
            if (Character.isLetterOrDigit(cp)) {
                if ((end = email(i)) > i) {
                    return emit(EMAIL, TokenKind.EMAIL, end);
                }
                if ((end = bareDomain(i)) > i) {
                    return emit(URL, TokenKind.URL, end);
                }
                if ((end = abbreviation(i)) > i) {
                    return emit(s.substring(i, end), TokenKind.WORD, end);
                }
                return word(i);
            }
            return punctuation(i, cp);
        }

        private int emit(String text, TokenKind kind, int end) {
            tokens.add(new Token(text, kind));
            return end;
        }

        /** A run of one emoji counts as repeated characters: kept twice at most. */
        private int emitEmoji(String emoji, int end) {
            int size = tokens.size();
            boolean thirdInARow = size >= 2
                    && tokens.get(size - 1).text().equals(emoji) && tokens.get(size - 2).text().equals(emoji);
            return thirdInARow ? end : emit(emoji, TokenKind.EMOJI, end);
        }

        private boolean boundaryBefore(int i) {
            if (i == 0) {
                return true;
            }
            int prev = s.codePointBefore(i);
            return !Character.isLetterOrDigit(prev) && prev != '_';
        }

        private boolean boundaryAfter(int end) {
            return end >= n || !Character.isLetterOrDigit(s.codePointAt(end));
        }

        private int url(int i) {
            boolean scheme = s.regionMatches(true, i, "http://", 0, 7) || s.regionMatches(true, i, "https://", 0, 8);
            boolean www = !scheme && boundaryBefore(i) && s.regionMatches(true, i, "www.", 0, 4)
                    && i + 4 < n && Character.isLetterOrDigit(s.charAt(i + 4));
            return scheme || www ? urlEnd(i) : i;
        }

        /** URL characters run to whitespace, quotes, angle brackets or emoji; trailing punctuation is not part of it. */
        private int urlEnd(int i) {
            int j = i;
            int open = 0;
            int close = 0;
            while (j < n) {
                int c = s.codePointAt(j);
                if (Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '"' || c == '<' || c == '>'
                        || (c > 0x7F && !Character.isLetterOrDigit(c))) {
                    break;
                }
                if (c == '(') {
                    open++;
                } else if (c == ')') {
                    close++;
                }
                j += Character.charCount(c);
            }
            while (j > i) {
                char last = s.charAt(j - 1);
                if (".,;:!?'".indexOf(last) >= 0 || last == ']' || last == '}' || (last == ')' && close > open)) {
                    if (last == ')') {
                        close--;
                    }
                    j--;
                } else {
                    break;
                }
            }
            return j;
        }

        private int handle(int i) {
            int j = i + 1;
            while (j < n && j - i <= MAX_HANDLE_LENGTH && isHandleChar(s.charAt(j))) {
                j++;
            }
            return j > i + 1 ? j : i;
        }

        private int hashtag(int i) {
            int j = i + 1;
            boolean letter = false;
            while (j < n) {
                int c = s.codePointAt(j);
                if (Character.isLetter(c)) {
                    letter = true;
                } else if (!(Character.isDigit(c) || c == '_' || isMark(c))) {
                    break;
                }
                j += Character.charCount(c);
            }
            return letter ? j : i; // "#1" is a number sign, not a hashtag
        }

        private int emoji(int i, int cp) {
            int j = i + Character.charCount(cp);
            if (isKeycapBase(cp)) {
                int k = j < n && s.charAt(j) == 0xFE0F ? j + 1 : j;
                return k < n && s.charAt(k) == 0x20E3 ? k + 1 : i;
            }
            if (isRegionalIndicator(cp)) {
                // Two regional indicators make one flag.
                return j < n && isRegionalIndicator(s.codePointAt(j)) ? j + 2 : j;
            }
            if (!isEmojiBase(cp)) {
                return i;
            }
            while (j < n) {
                int c = s.codePointAt(j);
                if (isEmojiModifier(c)) {
                    j += Character.charCount(c);
                } else if (c == ZWJ && j + 1 < n && isEmojiBase(s.codePointAt(j + 1))) {
                    j += 1 + Character.charCount(s.codePointAt(j + 1));
                } else {
                    break;
                }
            }
            return j;
        }

        private int emoticon(int i) {
            if (EMOTICON_STARTS.indexOf(s.charAt(i)) < 0 || !boundaryBefore(i)) {
                return i;
            }
            for (String e : EMOTICONS) {
                if (s.startsWith(e, i) && boundaryAfter(i + e.length())) {
                    return i + e.length();
                }
            }
            return i;
        }

        /** local@domain.tld, or {@code i} when the text at {@code i} is not an address. */
        private int email(int i) {
            int j = i;
            while (j < n && isEmailLocalChar(s.charAt(j))) {
                j++;
            }
            if (j == i || j >= n || s.charAt(j) != '@') {
                return i;
            }
            int end = domainEnd(j + 1);
            return end > j + 1 ? end : i;
        }

        /** "example.com", "bit.ly/x": a domain with a well-known ending, or any domain followed by a path. */
        private int bareDomain(int i) {
            int end = domainEnd(i);
            if (end == i) {
                return i;
            }
            if (end < n && s.charAt(end) == '/') {
                return urlEnd(i);
            }
            String ending = s.substring(s.lastIndexOf('.', end - 1) + 1, end);
            return BARE_DOMAIN_ENDINGS.contains(ending) && boundaryAfter(end) ? end : i;
        }

        /** End of label(.label)+ whose last label is 2+ lowercase ASCII letters; {@code i} if none. */
        private int domainEnd(int i) {
            int j = i;
            int labels = 0;
            int lastLabelStart = i;
            while (true) {
                int start = j;
                while (j < n && (isAsciiLetterOrDigit(s.charAt(j)) || (s.charAt(j) == '-' && j > start))) {
                    j++;
                }
                if (j == start) {
                    break; // only at the very start: a dot is consumed only before a label character
                }
                labels++;
                lastLabelStart = start;
                if (j + 1 < n && s.charAt(j) == '.' && isAsciiLetterOrDigit(s.charAt(j + 1))) {
                    j++;
                } else {
                    break;
                }
            }
            if (labels < 2 || j - lastLabelStart < 2) {
                return i;
            }
            for (int k = lastLabelStart; k < j; k++) {
                char c = s.charAt(k);
                if (c < 'a' || c > 'z') {
                    return i;
                }
            }
            return j;
        }

        /** "U.S.", "e.g.": single letters each followed by a dot, at least twice. */
        private int abbreviation(int i) {
            int j = i;
            int letters = 0;
            while (j + 1 < n && Character.isLetter(s.charAt(j)) && s.charAt(j + 1) == '.') {
                j += 2;
                letters++;
            }
            return letters >= 2 && boundaryAfter(j) ? j : i;
        }

        private int word(int i) {
            int j = i;
            boolean letters = false;
            while (j < n) {
                int c = s.codePointAt(j);
                int width = Character.charCount(c);
                if (Character.isLetter(c)) {
                    letters = true;
                } else if (!(Character.isDigit(c) || isMark(c) || isInnerConnector(j, c, width))) {
                    break;
                }
                j += width;
            }
            String text = s.substring(i, j);
            return letters ? emit(squeezeLetters(text), TokenKind.WORD, j) : emit(text, TokenKind.NUMBER, j);
        }

        /** Apostrophes and hyphens between letters or digits, separators between digits ("1,000", "3.5"). */
        private boolean isInnerConnector(int j, int c, int width) {
            int after = j + width;
            if (after >= n) {
                return false;
            }
            int next = s.codePointAt(after);
            return switch (c) {
                case '\'', '-' -> Character.isLetterOrDigit(next);
                case '.', ',', ':' -> Character.isDigit(next) && Character.isDigit(s.codePointBefore(j));
                case ZWNJ -> Character.isLetter(next);
                default -> false;
            };
        }

        private int punctuation(int i, int cp) {
            int width = Character.charCount(cp);
            int j = i + width;
            int run = 1;
            while (j < n && s.codePointAt(j) == cp) {
                j += width;
                run++;
            }
            String one = new String(Character.toChars(cp));
            String text;
            if (cp == '.' && run >= 2) {
                text = "...";
            } else if (run >= 3) {
                text = one + one;
            } else {
                text = s.substring(i, j);
            }
            return emit(text, TokenKind.PUNCT, j);
        }
    }

    /** "soooo" → "soo": a letter repeated three or more times is kept twice. Digits are left alone. */
    static String squeezeLetters(String word) {
        StringBuilder out = null;
        int previous = -1;
        int run = 0;
        for (int i = 0; i < word.length(); ) {
            int cp = word.codePointAt(i);
            int width = Character.charCount(cp);
            run = cp == previous ? run + 1 : 1;
            previous = cp;
            if (run > 2 && Character.isLetter(cp)) {
                if (out == null) {
                    out = new StringBuilder(word.length()).append(word, 0, i);
                }
            } else if (out != null) {
                out.appendCodePoint(cp);
            }
            i += width;
        }
        return out == null ? word : out.toString();
    }

    private static boolean isMark(int cp) {
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }

    private static boolean isHandleChar(char c) {
        return isAsciiLetterOrDigit(c) || c == '_';
    }

    private static boolean isEmailLocalChar(char c) {
        return isAsciiLetterOrDigit(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
    }

    private static boolean isAsciiLetterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static boolean isKeycapBase(int cp) {
        return (cp >= '0' && cp <= '9') || cp == '#' || cp == '*';
    }

    private static boolean isRegionalIndicator(int cp) {
        return cp >= 0x1F1E6 && cp <= 0x1F1FF;
    }

    /** Pictographic blocks; Java 17 has no Character.isEmoji (it came in 21). */
    private static boolean isEmojiBase(int cp) {
        return (cp >= 0x1F000 && cp <= 0x1FAFF)
                || (cp >= 0x2600 && cp <= 0x27BF)   // misc symbols, dingbats: ☀ ♥ ✔ ❤
                || (cp >= 0x2300 && cp <= 0x23FF)   // misc technical: ⌚ ⏰
                || (cp >= 0x2B00 && cp <= 0x2BFF)   // ⭐ ⬆
                || (cp >= 0x25A0 && cp <= 0x25FF)   // geometric shapes: ▶ ◀
                || cp == 0x203C || cp == 0x2049 || cp == 0x3030 || cp == 0x303D || cp == 0x3297 || cp == 0x3299;
    }

    /** What may follow an emoji inside one: variation selectors, skin tones, keycap, tag sequences. */
    private static boolean isEmojiModifier(int cp) {
        return cp == 0xFE0F || cp == 0xFE0E || (cp >= 0x1F3FB && cp <= 0x1F3FF) || cp == 0x20E3 || isEmojiTag(cp);
    }

    private static boolean isEmojiTag(int cp) {
        return cp >= 0xE0020 && cp <= 0xE007F;
    }
}
