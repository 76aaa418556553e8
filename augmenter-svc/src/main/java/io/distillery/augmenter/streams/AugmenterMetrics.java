package io.distillery.augmenter.streams;

/** What the augmenter counts; Micrometer in the service, a no-op in topology tests. */
public interface AugmenterMetrics {

    /** One raw text augmented into {@code variants} variants beside its original. */
    void augmented(String source, int variants);

    /** One raw record sent to the dead-letter topic, for a reason of this category (undecodable, empty, ...). */
    void deadLettered(String category);

    AugmenterMetrics NONE = new AugmenterMetrics() {
        @Override
        public void augmented(String source, int variants) {
        }

        @Override
        public void deadLettered(String category) {
        }
    };
}
