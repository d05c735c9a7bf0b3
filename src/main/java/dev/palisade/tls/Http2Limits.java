package dev.palisade.tls;

import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Settings;

/**
 * The limits an HTTP/2 client connection gets, and the server frame codec that enforces them. Goes right
 * after the TLS handler when ALPN chose h2 (see {@link TlsFacts#applicationProtocol}).
 *
 * <p>The floods it cuts off, each with GOAWAY ENHANCE_YOUR_CALM or PROTOCOL_ERROR and a close:
 * <ul>
 *   <li>rapid reset (CVE-2023-44487): a client opening and cancelling streams in a loop;</li>
 *   <li>server-side resets provoked by bad frames ("MadeYouReset", CVE-2025-8671);</li>
 *   <li>CONTINUATION floods (CVE-2024-27316 and kin): header blocks that never end, or end in
 *       thousands of tiny frames; header blocks above the list size are refused while they arrive;</li>
 *   <li>empty DATA frames sent only to burn CPU, and control frames (PING, SETTINGS) queued faster
 *       than the client reads the acknowledgements.</li>
 * </ul>
 *
 * @param maxConcurrentStreams      streams a client may have open at once (nginx: 128)
 * @param maxHeaderListSize         bytes of decoded headers per request (nginx: 4 x 8k buffers)
 * @param initialWindowSize         per-stream flow-control window for request bodies
 * @param maxResetsPerWindow        RST_STREAM frames tolerated per window, each way
 * @param resetWindowSeconds        the window for the reset count
 * @param maxSmallContinuationFrames CONTINUATION frames of a header block that carry almost nothing
 * @param maxEmptyDataFrames        consecutive empty DATA frames
 * @param maxQueuedControlFrames    control-frame replies queued for a client that does not read
 */
public record Http2Limits(int maxConcurrentStreams, int maxHeaderListSize, int initialWindowSize,
                          int maxResetsPerWindow, int resetWindowSeconds, int maxSmallContinuationFrames,
                          int maxEmptyDataFrames, int maxQueuedControlFrames) {

    public static final Http2Limits DEFAULTS = new Http2Limits(128, 32 * 1024, 64 * 1024, 200, 30, 16, 2, 10_000);

    public Http2Limits {
        positive("max_concurrent_streams", maxConcurrentStreams);
        positive("max_header_list_size", maxHeaderListSize);
        positive("initial_window_size", initialWindowSize);
        positive("max_resets_per_window", maxResetsPerWindow);
        positive("reset_window", resetWindowSeconds);
        positive("max_small_continuation_frames", maxSmallContinuationFrames);
        positive("max_empty_data_frames", maxEmptyDataFrames);
        positive("max_queued_control_frames", maxQueuedControlFrames);
    }

    /** The two limits operators usually set, with the flood defences at their defaults. */
    public static Http2Limits of(int maxConcurrentStreams, int maxHeaderListSize) {
        return new Http2Limits(maxConcurrentStreams, maxHeaderListSize, DEFAULTS.initialWindowSize,
                DEFAULTS.maxResetsPerWindow, DEFAULTS.resetWindowSeconds, DEFAULTS.maxSmallContinuationFrames,
                DEFAULTS.maxEmptyDataFrames, DEFAULTS.maxQueuedControlFrames);
    }

    private static void positive(String name, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + ": " + v + " (expected: > 0)");
        }
    }

    /** The SETTINGS the server announces in its preface. */
    public Http2Settings settings() {
        Http2Settings s = Http2Settings.defaultSettings()
                .maxConcurrentStreams(maxConcurrentStreams)
                .maxHeaderListSize(maxHeaderListSize)
                .initialWindowSize(initialWindowSize);
        // no ENABLE_PUSH: a server may not send it (RFC 9113 6.5.2), and Palisade never pushes
        return s;
    }

    /** A new server frame codec for one connection, every limit enforced. */
    public Http2FrameCodec newServerCodec() {
        return Http2FrameCodecBuilder.forServer()
                .initialSettings(settings())
                .validateHeaders(true)
                .decoderEnforceMaxRstFramesPerWindow(maxResetsPerWindow, resetWindowSeconds)
                .encoderEnforceMaxRstFramesPerWindow(maxResetsPerWindow, resetWindowSeconds)
                .decoderEnforceMaxSmallContinuationFrames(maxSmallContinuationFrames)
                .decoderEnforceMaxConsecutiveEmptyDataFrames(maxEmptyDataFrames)
                .encoderEnforceMaxQueuedControlFrames(maxQueuedControlFrames)
                .build();
    }
}
