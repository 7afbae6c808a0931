package be.cfwb.bma.graph;

import com.microsoft.graph.models.Message;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** One attachment to add after the message is created (or inside it, when small). */
final class MimeAttachment {
    final boolean item;
    final String name;
    final String contentType;
    final boolean inline;
    final String contentId;
    final long size;
    final byte[] data;
    final Path file;
    final Message nested;

    MimeAttachment(boolean item, String name, String contentType, boolean inline, String contentId, long size,
               byte[] data, Path file, Message nested) {
        this.item = item;
        this.name = name;
        this.contentType = contentType;
        this.inline = inline;
        this.contentId = contentId;
        this.size = size;
        this.data = data;
        this.file = file;
        this.nested = nested;
    }

    InputStream open() throws IOException {
        return file != null ? Files.newInputStream(file) : new ByteArrayInputStream(data);
    }
}
