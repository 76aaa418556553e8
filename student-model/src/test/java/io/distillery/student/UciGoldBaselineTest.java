package io.distillery.student;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.datasets.LabelledSentence;
import io.distillery.datasets.Split;
import io.distillery.datasets.UciSentiment;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The MLP student trained on UCI TRAIN gold labels only must clearly beat chance (50 %) on TEST. */
class UciGoldBaselineTest {

    @Test
    void mlpOnGoldLabelsBeatsChance() {
        StudentTokenizer tokenizer = TestTokenizers.miniLm();
        List<LabelledSentence> train = UciSentiment.split(Split.TRAIN);
        List<LabelledSentence> test = UciSentiment.split(Split.TEST);
        try (Student student = Student.create(Architecture.mlp(tokenizer.vocabSize(), UciSentiment.LABELS.size()),
                UciSentiment.LABELS, tokenizer, 17)) {
            QuickTraining.Result result = QuickTraining.trainGold(student, texts(train), gold(train), 4, 32, 3e-3f, 17);
            double accuracy = QuickTraining.accuracy(student, texts(test), gold(test), 64);
            System.out.printf(Locale.ROOT,
                    "{\"test\":\"uci-gold-mlp\",\"train\":%d,\"test_size\":%d,\"epochs\":%d,\"steps\":%d,"
                            + "\"loss_first_epoch\":%.4f,\"loss_last_epoch\":%.4f,\"train_ms\":%d,\"test_accuracy\":%.4f,\"parameters\":%d}%n",
                    train.size(), test.size(), result.epochs(), result.steps(), result.firstEpochLoss(), result.lastEpochLoss(),
                    result.millis(), accuracy, student.parameterCount());
            assertTrue(result.lastEpochLoss() < result.firstEpochLoss());
            assertTrue(accuracy > 0.70, "test accuracy " + accuracy);
        }
    }

    static List<String> texts(List<LabelledSentence> sentences) {
        return sentences.stream().map(LabelledSentence::text).toList();
    }

    static int[] gold(List<LabelledSentence> sentences) {
        return sentences.stream().mapToInt(s -> UciSentiment.LABELS.indexOf(s.label())).toArray();
    }
}
