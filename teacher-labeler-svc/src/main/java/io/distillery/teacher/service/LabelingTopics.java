package io.distillery.teacher.service;

import io.distillery.schemas.AugmentedText;
import io.distillery.schemas.EscalatedText;
import io.distillery.schemas.LabeledText;
import io.distillery.schemas.Prediction;
import io.distillery.topics.Topic;
import io.distillery.topics.Topics;

/** The catalogue topics the labeller reads and writes, under one deployment prefix. */
public record LabelingTopics(Topic<AugmentedText> augmented, Topic<EscalatedText> escalated,
                             Topic<LabeledText> labeled, Topic<Prediction> predictions) {

    public static LabelingTopics withPrefix(String prefix) {
        return new LabelingTopics(Topics.TEXT_AUGMENTED.withPrefix(prefix), Topics.TEXT_ESCALATED.withPrefix(prefix),
                Topics.TEXT_LABELED.withPrefix(prefix), Topics.TEXT_PREDICTIONS.withPrefix(prefix));
    }
}
