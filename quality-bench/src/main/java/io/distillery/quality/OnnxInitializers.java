package io.distillery.quality;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the weight tensors ("initializers") stored inside an ONNX model file, without an ONNX
 * library: the file is a protobuf {@code ModelProto}, whose {@code graph} (field 7) holds
 * {@code initializer} {@code TensorProto}s (field 5) with {@code dims} (1), {@code data_type} (2),
 * {@code float_data} (4), {@code name} (8) and {@code raw_data} (9, little-endian). The file is
 * memory-mapped; only the tensors asked for are copied.
 *
 * <p>Used to initialise a student's token embeddings from the teacher's (seed 000 copied BERT's
 * embedding matrix into its LSTM student).
 */
public final class OnnxInitializers {

    /** ONNX TensorProto.DataType.FLOAT. */
    static final int FLOAT = 1;

    /** One initializer's header; {@link #floats} copies its data. */
    public record Tensor(String name, long[] dims, int dataType, ByteBuffer raw, ByteBuffer floatData) {
        public long elements() {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            return n;
        }

        /** The values, row-major; only for FLOAT tensors. */
        public float[] floats() {
            if (dataType != FLOAT) {
                throw new IllegalStateException(name + " is not a float tensor (ONNX data type " + dataType + ")");
            }
            ByteBuffer source = (raw != null && raw.remaining() > 0 ? raw : floatData).duplicate().order(ByteOrder.LITTLE_ENDIAN);
            float[] values = new float[Math.toIntExact(elements())];
            if (source.remaining() != values.length * 4L) {
                throw new IllegalStateException(name + ": " + source.remaining() + " data bytes for " + values.length + " floats"
                        + " (external data is not supported)");
            }
            source.asFloatBuffer().get(values);
            return values;
        }
    }

    private OnnxInitializers() {
    }

    /** The headers of every initializer of the model file. */
    public static List<Tensor> read(Path model) throws IOException {
        try (FileChannel channel = FileChannel.open(model, StandardOpenOption.READ)) {
            if (channel.size() > Integer.MAX_VALUE) {
                throw new IOException(model + " is over 2 GiB: not supported");
            }
            return read(channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()));
        }
    }

    /** The headers of every initializer of a serialised ModelProto. */
    public static List<Tensor> read(ByteBuffer model) {
        List<Tensor> tensors = new ArrayList<>();
        ByteBuffer buffer = model.duplicate();
        while (buffer.hasRemaining()) {
            long key = varint(buffer);
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            if (field == 7 && wire == 2) {
                readGraph(slice(buffer), tensors);
            } else {
                skip(buffer, wire);
            }
        }
        return tensors;
    }

    /** The float matrix {@code [rows, columns]} initializer with that many rows, if exactly one has them. */
    public static Optional<Tensor> matrixWithRows(List<Tensor> tensors, long rows) {
        List<Tensor> matches = tensors.stream()
                .filter(t -> t.dataType() == FLOAT && t.dims().length == 2 && t.dims()[0] == rows).toList();
        return matches.size() == 1 ? Optional.of(matches.get(0)) : Optional.empty();
    }

    private static void readGraph(ByteBuffer graph, List<Tensor> tensors) {
        while (graph.hasRemaining()) {
            long key = varint(graph);
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            if (field == 5 && wire == 2) {
                tensors.add(readTensor(slice(graph)));
            } else {
                skip(graph, wire);
            }
        }
    }

    private static Tensor readTensor(ByteBuffer tensor) {
        List<Long> dims = new ArrayList<>();
        int dataType = 0;
        String name = "";
        ByteBuffer raw = null;
        ByteBuffer floatData = null;
        while (tensor.hasRemaining()) {
            long key = varint(tensor);
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            switch (field) {
                case 1 -> {
                    if (wire == 2) { // packed
                        ByteBuffer packed = slice(tensor);
                        while (packed.hasRemaining()) {
                            dims.add(varint(packed));
                        }
                    } else {
                        dims.add(varint(tensor));
                    }
                }
                case 2 -> dataType = (int) varint(tensor);
                case 4 -> {
                    if (wire == 2) {
                        floatData = slice(tensor);
                    } else {
                        skip(tensor, wire); // unpacked float_data: not written by exporters in practice
                    }
                }
                case 8 -> {
                    ByteBuffer bytes = slice(tensor);
                    byte[] chars = new byte[bytes.remaining()];
                    bytes.get(chars);
                    name = new String(chars, java.nio.charset.StandardCharsets.UTF_8);
                }
                case 9 -> raw = slice(tensor);
                default -> skip(tensor, wire);
            }
        }
        return new Tensor(name, dims.stream().mapToLong(Long::longValue).toArray(), dataType, raw, floatData);
    }

    /** The length-delimited field at the position, as its own buffer; advances past it. */
    private static ByteBuffer slice(ByteBuffer buffer) {
        int length = Math.toIntExact(varint(buffer));
        if (length < 0 || length > buffer.remaining()) {
            throw new IllegalArgumentException("not an ONNX model: a field of " + length + " bytes where "
                    + buffer.remaining() + " remain");
        }
        ByteBuffer slice = buffer.slice(buffer.position(), length);
        buffer.position(buffer.position() + length);
        return slice;
    }

    private static void skip(ByteBuffer buffer, int wire) {
        switch (wire) {
            case 0 -> varint(buffer);
            case 1 -> buffer.position(buffer.position() + 8);
            case 2 -> slice(buffer);
            case 5 -> buffer.position(buffer.position() + 4);
            default -> throw new IllegalArgumentException("not an ONNX model: protobuf wire type " + wire);
        }
    }

    static long varint(ByteBuffer buffer) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = buffer.get();
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("not an ONNX model: varint longer than 10 bytes");
    }
}
