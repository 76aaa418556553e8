package io.distillery.teacher.service;

import java.time.Duration;

/**
 * How the labelling loop batches and where it commits.
 *
 * @param groupId         the consumer group every instance joins (instances share partitions)
 * @param transactionalId unique per instance (a restart may reuse it: that fences the old one)
 * @param maxBatchSize    the most texts per teacher call
 * @param batchesPerFlush full batches per transaction; the in-memory queue never holds more
 *                        than twice their product
 * @param maxWait         the longest a text waits for batch mates before it is labelled anyway
 * @param maxTextChars    longer texts go to the dead-letter topic; shorter ones are truncated
 *                        by the tokenizer at the bundle's max_length tokens
 */
public record LoopSettings(String groupId, String transactionalId, int maxBatchSize, int batchesPerFlush,
                           Duration maxWait, int maxTextChars) {

    public static final String SERVICE = "teacher-labeler-svc";

    public LoopSettings {
        if (maxBatchSize < 1 || batchesPerFlush < 1 || maxTextChars < 1 || maxWait.isNegative()) {
            throw new IllegalArgumentException("invalid labelling settings: max batch size " + maxBatchSize
                    + ", batches per flush " + batchesPerFlush + ", max wait " + maxWait + ", max text chars " + maxTextChars);
        }
    }
}
