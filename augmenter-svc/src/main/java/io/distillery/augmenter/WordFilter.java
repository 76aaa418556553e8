package io.distillery.augmenter;

/**
 * Decides what may enter the POS dictionary. A stream of tweets is full of handles, links, numbers,
 * laughter and keyboard mashing; a replacement word drawn from the dictionary must be a real-looking
 * word, or POS replacement turns into noise injection.
 *
 * <p>A word here: 1..{@value #MAX_LENGTH} code points, letters of a single script, optionally joined by
 * single apostrophes or hyphens ("don't", "well-known"), starting and ending with a letter, no digits,
 * and not a short unit repeated ("hahaha", "lolol").
 */
public final class WordFilter {

    /** Longer "words" are nearly always URLs fragments, concatenations or mashing. */
    public static final int MAX_LENGTH = 24;

    private WordFilter() {
    }

    public static boolean isWordLike(String word) {
        if (word == null || word.isEmpty()) {
            return false;
        }
        int length = word.codePointCount(0, word.length());
        if (length > MAX_LENGTH) {
            return false;
        }
        Character.UnicodeScript script = null;
        boolean previousWasConnector = true; // so a leading connector is rejected
        int last = 0;
        for (int i = 0; i < word.length(); ) {
            int cp = word.codePointAt(i);
            i += Character.charCount(cp);
            last = cp;
            if (Character.isLetter(cp)) {
                Character.UnicodeScript s = Character.UnicodeScript.of(cp);
                if (script == null) {
                    script = s;
                } else if (s != script) {
                    return false; // mixed scripts: homoglyph spam or garbage ("pаypal" with a Cyrillic a)
                }
                previousWasConnector = false;
            } else if (isMark(cp)) {
                if (previousWasConnector) {
                    return false; // a combining mark needs a letter to sit on
                }
            } else if (cp == '\'' || cp == '-') {
                if (previousWasConnector) {
                    return false;
                }
                previousWasConnector = true;
            } else {
                return false; // digits, punctuation, symbols, emoji, whitespace
            }
        }
        return !previousWasConnector && (Character.isLetter(last) || isMark(last)) && !isRepetitive(word);
    }

    private static boolean isMark(int cp) {
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }

    /** True for a unit of 1..3 chars repeated at least three times: "hahaha", "lololol", "xoxoxo". */
    static boolean isRepetitive(String word) {
        for (int unit = 1; unit <= 3; unit++) {
            if (word.length() < unit * 3) {
                break;
            }
            boolean repeats = true;
            for (int i = unit; i < word.length() && repeats; i++) {
                repeats = word.charAt(i) == word.charAt(i - unit);
            }
            if (repeats) {
                return true;
            }
        }
        return false;
    }
}
