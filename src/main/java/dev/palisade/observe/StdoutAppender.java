package dev.palisade.observe;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;

import ch.qos.logback.core.OutputStreamAppender;

/**
 * Standard output through a 64 KiB buffer, for the access and security logs behind a
 * {@link BatchingAppender}, which flushes it once per batch. Logback's {@code ConsoleAppender} goes
 * through {@code System.out}, whose auto-flush costs one write system call per line whatever
 * {@code immediateFlush} says. Stopping flushes and leaves the descriptor open.
 */
public final class StdoutAppender<E> extends OutputStreamAppender<E> {

    public StdoutAppender() {
        setImmediateFlush(false);
    }

    @Override
    public void start() {
        setOutputStream(new FilterOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out),
                1 << 16)) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        });
        super.start();
    }
}
