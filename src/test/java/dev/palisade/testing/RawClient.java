package dev.palisade.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A plain socket for sending exact bytes, malformed ones included, and reading what comes back. */
public final class RawClient implements AutoCloseable {

    private final Socket socket;

    public RawClient(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        socket.setSoTimeout(5000);
    }

    public RawClient send(String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    public RawClient send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return this;
    }

    /** Reads until the server closes the connection (or the read timeout); returns everything read. */
    public String readUntilClose() throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] b = new byte[8192];
        try {
            int n;
            while ((n = in.read(b)) >= 0) {
                buf.write(b, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new IOException("server did not close the connection; read so far: "
                    + buf.toString(StandardCharsets.ISO_8859_1), e);
        } catch (SocketException e) {
            // reset after the answer: what was read is the answer
        }
        return buf.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads one response head and a Content-Length body. */
    public String readResponse() throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed after: " + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(c);
            matched = (c == '\r' && (matched == 0 || matched == 2)) || (c == '\n' && (matched == 1 || matched == 3)) ? matched + 1 : 0;
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        int len = 0;
        for (String line : h.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                len = Integer.parseInt(line.substring(15).trim());
            }
        }
        byte[] body = in.readNBytes(len);
        return h + new String(body, StandardCharsets.ISO_8859_1);
    }

    /** Reads one line (without its newline); null when the server closes or resets the connection first. */
    public String readLine() throws IOException {
        return readLine(socket);
    }

    /**
     * Reads one line from {@code s} (without its newline); null when the server closes or resets the connection
     * before the line ends, or when {@code s} is closed already. A read timeout fails the test.
     */
    public static String readLine(Socket s) throws IOException {
        if (s.isClosed()) {
            return null;
        }
        InputStream in = s.getInputStream();
        StringBuilder sb = new StringBuilder();
        try {
            for (int c; (c = in.read()) != -1; ) {
                if (c == '\n') {
                    return sb.toString();
                }
                sb.append((char) c);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no line, no close and no reset within the read timeout; read so far: " + sb, e);
        } catch (SocketException e) {
            return null;
        }
        return null;
    }

    /** Reads exactly {@code n} bytes. */
    public String readExactly(int n) throws IOException {
        return new String(socket.getInputStream().readNBytes(n), StandardCharsets.ISO_8859_1);
    }

    public boolean closedByServer() throws IOException {
        try {
            return socket.getInputStream().read() < 0;
        } catch (SocketException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
