package io.distillery.quality;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A hand-encoded ModelProto: the reader must find initializers wherever the fields fall. */
class OnnxInitializersTest {

    @Test
    void readsRawAndPackedFloatInitializersAndSkipsEverythingElse() {
        byte[] raw = floats(0.5f, -1f, 2f, 3f, 4f, 5f);
        byte[] embedding = tensor("embeddings.word_embeddings.weight", new long[] {3, 2}, true, raw);
        byte[] bias = tensor("bias", new long[] {2}, false, floats(7f, 8f));
        ByteArrayOutputStream graph = new ByteArrayOutputStream();
        field(graph, 1, bytes("a node we skip"));       // node
        field(graph, 2, bytes("graph-name"));           // name
        field(graph, 5, embedding);                     // initializer
        field(graph, 5, bias);
        ByteArrayOutputStream model = new ByteArrayOutputStream();
        varintField(model, 1, 8);                       // ir_version
        field(model, 2, bytes("producer"));
        field(model, 7, graph.toByteArray());           // graph

        List<OnnxInitializers.Tensor> tensors = OnnxInitializers.read(ByteBuffer.wrap(model.toByteArray()));
        assertEquals(2, tensors.size());
        OnnxInitializers.Tensor table = OnnxInitializers.matrixWithRows(tensors, 3).orElseThrow();
        assertEquals("embeddings.word_embeddings.weight", table.name());
        assertArrayEquals(new long[] {3, 2}, table.dims());
        assertArrayEquals(new float[] {0.5f, -1f, 2f, 3f, 4f, 5f}, table.floats());
        assertArrayEquals(new float[] {7f, 8f}, tensors.get(1).floats());
        assertEquals(8, tensors.stream().mapToLong(OnnxInitializers.Tensor::elements).sum());
        assertTrue(OnnxInitializers.matrixWithRows(tensors, 4).isEmpty());
    }

    @Test
    void varintsUpToSixtyFourBits() {
        assertEquals(300, OnnxInitializers.varint(ByteBuffer.wrap(new byte[] {(byte) 0xac, 0x02})));
        assertEquals(30522L * 384 * 4, OnnxInitializers.varint(ByteBuffer.wrap(varint(30522L * 384 * 4))));
    }

    private static byte[] tensor(String name, long[] dims, boolean packedDims, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (packedDims) {
            ByteArrayOutputStream packed = new ByteArrayOutputStream();
            for (long d : dims) {
                packed.writeBytes(varint(d));
            }
            field(out, 1, packed.toByteArray());
            varintField(out, 2, OnnxInitializers.FLOAT);
            field(out, 8, bytes(name));
            field(out, 9, data);                        // raw_data
        } else {
            field(out, 8, bytes(name));
            for (long d : dims) {
                varintField(out, 1, d);
            }
            varintField(out, 2, OnnxInitializers.FLOAT);
            field(out, 4, data);                        // packed float_data
        }
        return out.toByteArray();
    }

    private static byte[] floats(float... values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buffer.putFloat(v);
        }
        return buffer.array();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void field(ByteArrayOutputStream out, int number, byte[] payload) {
        out.writeBytes(varint(((long) number << 3) | 2));
        out.writeBytes(varint(payload.length));
        out.writeBytes(payload);
    }

    private static void varintField(ByteArrayOutputStream out, int number, long value) {
        out.writeBytes(varint((long) number << 3));
        out.writeBytes(varint(value));
    }

    private static byte[] varint(long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((value & ~0x7fL) != 0) {
            out.write((int) ((value & 0x7f) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
        return out.toByteArray();
    }
}
