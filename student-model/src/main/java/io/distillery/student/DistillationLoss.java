package io.distillery.student;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.loss.Loss;
import java.util.Locale;
import java.util.Objects;

/**
 * The student's training objective, in DJL (differentiable; what training uses). Per example:
 * <pre>
 *   KD  = MSE:  mean_c (s_c − t_c)²                                      (Tang et al., on raw logits)
 *         KL:   T² · Σ_c softmax(t/T)_c · (log softmax(t/T)_c − log softmax(s/T)_c)   (Hinton et al.)
 *   CE  = −log softmax(s)_gold
 *   loss = (1 − alpha)·CE + alpha·KD   where a gold label is present,
 *          KD                          where it is not (gold = −1)
 * </pre>
 * averaged over the batch. Without teacher logits ({@link #evaluate(NDArray, NDArray, NDArray)}
 * with {@code teacher == null}) the loss is plain CE averaged over the examples that have gold.
 * {@link ReferenceLosses} is the same arithmetic in plain Java.
 *
 * <p>As a DJL {@link Loss}, labels are {@code (gold [B] int64, teacherLogits [B, C])} (teacher
 * optional) and predictions {@code (studentLogits [B, C])}.
 */
public final class DistillationLoss extends Loss {

    /** Which distillation term compares student and teacher. */
    public enum Kind { MSE, KL }

    private final Kind kind;
    private final float temperature;
    private final float alpha;

    /**
     * @param kind        MSE on logits or KL on softened distributions
     * @param temperature T for KL (ignored by MSE); must be positive
     * @param alpha       weight of KD against CE where gold exists, in [0, 1]
     */
    public DistillationLoss(Kind kind, float temperature, float alpha) {
        super(String.format(Locale.ROOT, "distill-%s-T%s-a%s", kind.name().toLowerCase(Locale.ROOT), temperature, alpha));
        this.kind = Objects.requireNonNull(kind);
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be positive, was " + temperature);
        }
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in [0, 1], was " + alpha);
        }
        this.temperature = temperature;
        this.alpha = alpha;
    }

    /** Tang et al.: MSE on logits, alpha 1 (gold labels, where present, are ignored). */
    public static DistillationLoss tang() {
        return new DistillationLoss(Kind.MSE, 1f, 1f);
    }

    /** Hinton/DistilBERT: KL at temperature T blended with CE at weight 1 − alpha. */
    public static DistillationLoss hinton(float temperature, float alpha) {
        return new DistillationLoss(Kind.KL, temperature, alpha);
    }

    public Kind kind() {
        return kind;
    }

    public float temperature() {
        return temperature;
    }

    public float alpha() {
        return alpha;
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        return evaluate(predictions.head(), labels.size() > 1 ? labels.get(1) : null, labels.head());
    }

    /**
     * @param student logits {@code [B, C]}
     * @param teacher logits {@code [B, C]}, or null for gold-only training
     * @param gold    {@code [B]} class indices, −1 where absent; may be null when teacher is given
     * @return the scalar mean loss
     */
    public NDArray evaluate(NDArray student, NDArray teacher, NDArray gold) {
        if (teacher == null) {
            if (gold == null) {
                throw new IllegalArgumentException("neither teacher logits nor gold labels");
            }
            NDArray has = hasGold(gold);
            return crossEntropy(student, gold).mul(has).sum().div(has.sum().maximum(1f));
        }
        NDArray kd = kind == Kind.MSE ? mse(student, teacher) : kl(student, teacher, temperature);
        if (gold == null || alpha == 1f) {
            return kd.mean();
        }
        NDArray has = hasGold(gold);
        NDArray blended = crossEntropy(student, gold).mul(1f - alpha).add(kd.mul(alpha));
        return blended.mul(has).add(kd.mul(has.neg().add(1f))).mean();
    }

    /** Per example: mean over classes of the squared logit difference. */
    public static NDArray mse(NDArray student, NDArray teacher) {
        return student.sub(teacher).square().mean(new int[] {-1});
    }

    /** Per example: T²·KL(softmax(teacher/T) ‖ softmax(student/T)). */
    public static NDArray kl(NDArray student, NDArray teacher, float temperature) {
        NDArray logQ = student.div(temperature).logSoftmax(-1);
        NDArray logP = teacher.div(temperature).logSoftmax(-1);
        return logP.exp().mul(logP.sub(logQ)).sum(new int[] {-1}).mul(temperature * temperature);
    }

    /** Per example: −log softmax(student)[gold]; 0 where gold is −1. */
    public static NDArray crossEntropy(NDArray student, NDArray gold) {
        int classes = (int) student.getShape().get(1);
        NDArray oneHot = gold.toType(DataType.INT64, false).maximum(0).oneHot(classes, DataType.FLOAT32)
                .mul(hasGold(gold).expandDims(1));
        return student.logSoftmax(-1).mul(oneHot).sum(new int[] {-1}).neg();
    }

    private static NDArray hasGold(NDArray gold) {
        return gold.gte(0).toType(DataType.FLOAT32, false);
    }
}
