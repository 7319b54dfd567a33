package org.routstr.gateway.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.routstr.common.http.ApiException;

/**
 * A multipart/form-data upload (audio) spooled to a temporary file, so that it can be sent again to the next provider. Its
 * model is the form field {@code model}, found by walking the parts, never text inside a file part; each provider gets the
 * body with that field's value replaced by its upstream model id.
 */
final class Upload implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;
    private final long size;
    private final long modelStart;
    private final long modelEnd;
    private final String model;

    private Upload(Path file, FileChannel channel, long modelStart, long modelEnd, String model) throws IOException {
        this.file = file;
        this.channel = channel;
        this.size = channel.size();
        this.modelStart = modelStart;
        this.modelEnd = modelEnd;
        this.model = model;
    }

    /** Copies the body (413 past {@code max} bytes) and finds the model field (400 when there is none). */
    static Upload spool(InputStream body, long max, String contentType) {
        byte[] delimiter = ("--" + boundary(contentType)).getBytes(StandardCharsets.ISO_8859_1);
        Path file = null;
        try {
            file = Files.createTempFile("routstr-upload-", ".part");
            try (InputStream in = new LimitedInputStream(body, max)) {
                Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
            MappedByteBuffer mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
            long[] field = Parts.find(mapped, delimiter, "model");
            byte[] value = new byte[field.length == 0 ? 0 : (int) (field[1] - field[0])];
            if (value.length > 0) {
                mapped.get((int) field[0], value);
            }
            String model = new String(value, StandardCharsets.UTF_8).trim();
            if (model.isEmpty()) {
                ch.close();
                throw ApiException.badRequest("missing_model", "The multipart form needs a 'model' field.");
            }
            return new Upload(file, ch, field[0], field[1], model);
        } catch (IOException e) {
            delete(file);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            delete(file);
            throw e;
        }
    }

    /** The value of the form field {@code model}. */
    String model() {
        return model;
    }

    /** The bytes of the upload as received. */
    long size() {
        return size;
    }

    /** The length of the body sent with {@code upstreamModel} in the model field. */
    long length(String upstreamModel) {
        return size - (modelEnd - modelStart) + upstreamModel.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Writes the body with {@code upstreamModel} in the model field. */
    void write(String upstreamModel, OutputStream os) throws IOException {
        WritableByteChannel out = Channels.newChannel(os);
        transfer(0, modelStart, out);
        os.write(upstreamModel.getBytes(StandardCharsets.UTF_8));
        transfer(modelEnd, size - modelEnd, out);
    }

    private void transfer(long from, long count, WritableByteChannel out) throws IOException {
        for (long done = 0; done < count; ) {
            done += channel.transferTo(from + done, count - done, out);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing a read-only file: nothing is lost, the delete below still runs
        }
        delete(file);
    }

    private static void delete(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            file.toFile().deleteOnExit();
        }
    }

    private static String boundary(String contentType) {
        for (String param : contentType.split(";")) {
            String p = param.trim();
            if (p.regionMatches(true, 0, "boundary=", 0, 9)) {
                String b = p.substring(9).trim();
                b = b.length() > 1 && b.startsWith("\"") && b.endsWith("\"") ? b.substring(1, b.length() - 1) : b;
                if (!b.isEmpty() && b.length() <= 70) {
                    return b;
                }
            }
        }
        throw ApiException.badRequest("invalid_multipart", "The upload must be multipart/form-data with a boundary.");
    }
}
