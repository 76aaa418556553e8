package io.distillery.teacher.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import java.util.List;
import org.junit.jupiter.api.Test;

class TeacherFitOptionsTest {

    @Test
    void withoutAnEncoderTheDevicesDefaultIsFitted() {
        assertEquals(List.of(), TeacherFit.Options.parse(new String[] {"--output", "/tmp/t"}).encoders());
        assertEquals(List.of(), TeacherFit.Options.parse(new String[] {"--output", "/tmp/t", "--encoder", "default"}).encoders());
        assertEquals(PretrainedEncoder.E5_SMALL_V2_Q, PretrainedEncoder.defaultFor(Device.cpu()));
        assertEquals(PretrainedEncoder.E5_SMALL_V2, PretrainedEncoder.defaultFor(Device.gpu()));
    }

    @Test
    void encodersAreNamedOrAll() {
        assertEquals(List.of(PretrainedEncoder.values()),
                TeacherFit.Options.parse(new String[] {"--encoder", "all", "--output", "/tmp/t"}).encoders());
        assertEquals(List.of(PretrainedEncoder.E5_SMALL_V2, PretrainedEncoder.MINILM_L6_Q),
                TeacherFit.Options.parse(new String[] {"--encoder", "e5-small-v2,minilm-l6-q", "--output", "/tmp/t"}).encoders());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> TeacherFit.Options.parse(new String[] {"--encoder", "bert-large", "--output", "/tmp/t"}));
        assertEquals("unknown encoder 'bert-large': expected one of " + PretrainedEncoder.names(), unknown.getMessage());
    }
}
