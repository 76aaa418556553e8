package io.distillery.serving.service;

import io.distillery.datasets.LabelledSentence;
import io.distillery.schemas.StudentCheckpoint;
import io.distillery.serving.Evaluation;
import io.distillery.student.InvalidCheckpointException;
import io.distillery.student.StudentTokenizer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Serving's own judgement of a checkpoint: decoded with our tokenizer (refusals carry the codec's
 * reason), then scored on the gold dev set. The trainer's metrics travel along as
 * {@code trainer_*} (its teacher agreement is measured on the stream it trained on; we do not
 * re-measure it here).
 */
public final class CheckpointEvaluator {

    private final StudentTokenizer tokenizer;
    private final List<LabelledSentence> dev;

    public CheckpointEvaluator(StudentTokenizer tokenizer, List<LabelledSentence> dev) {
        this.tokenizer = tokenizer;
        this.dev = List.copyOf(dev);
    }

    public Evaluation evaluate(StudentCheckpoint checkpoint) {
        try (StudentModel model = StudentModel.load(checkpoint, tokenizer)) {
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put(Evaluation.DEV_ACCURACY, model.accuracy(dev));
            metrics.put(Evaluation.DEV_EXAMPLES, (double) dev.size());
            checkpoint.getMetrics().forEach((k, v) -> {
                if (v != null && Double.isFinite(v)) {
                    metrics.put(Evaluation.TRAINER_PREFIX + k, v);
                }
            });
            return Evaluation.valid(checkpoint.getId(), checkpoint.getLineage(), metrics);
        } catch (InvalidCheckpointException e) {
            return Evaluation.refused(checkpoint.getId(), checkpoint.getLineage(), e.getMessage());
        } catch (RuntimeException e) {
            return Evaluation.refused(checkpoint.getId(), checkpoint.getLineage(), "cannot serve: " + e);
        }
    }
}
