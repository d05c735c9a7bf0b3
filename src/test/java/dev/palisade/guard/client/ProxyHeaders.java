package dev.palisade.guard.client;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** PROXY protocol headers as raw bytes, the way a balancer writes them. */
final class ProxyHeaders {

    static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private ProxyHeaders() {
    }

    static byte[] v1(String line) {
        return (line + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** A v2 PROXY command over TCP/IPv4 from {@code src:srcPort} to {@code dst:dstPort}. */
    static byte[] v2Tcp4(byte[] src, int srcPort, byte[] dst, int dstPort) {
        ByteBuffer b = ByteBuffer.allocate(16 + 12);
        b.put(V2_SIGNATURE).put((byte) 0x21).put((byte) 0x11).putShort((short) 12);
        b.put(src).put(dst).putShort((short) srcPort).putShort((short) dstPort);
        return b.array();
    }

    /** A v2 PROXY command over TCP/IPv6. */
    static byte[] v2Tcp6(byte[] src, int srcPort, byte[] dst, int dstPort) {
        ByteBuffer b = ByteBuffer.allocate(16 + 36);
        b.put(V2_SIGNATURE).put((byte) 0x21).put((byte) 0x21).putShort((short) 36);
        b.put(src).put(dst).putShort((short) srcPort).putShort((short) dstPort);
        return b.array();
    }

    /** A v2 LOCAL command (the balancer's own health check), no address block. */
    static byte[] v2Local() {
        ByteBuffer b = ByteBuffer.allocate(16);
        b.put(V2_SIGNATURE).put((byte) 0x20).put((byte) 0x00).putShort((short) 0);
        return b.array();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
