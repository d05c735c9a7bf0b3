package dev.palisade.testing;

import java.util.List;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;

/**
 * Runs after every test class (registered for all tests through ServiceLoader): forces garbage
 * collection, makes the leak detector look at what was collected, and fails the class if Netty reported
 * a leak. With -Dio.netty.leakDetection.level=paranoid (set in the Surefire argLine) every buffer is
 * tracked.
 */
public final class LeakCheckExtension implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        for (int round = 0; round < 3; round++) {
            System.gc();
            Thread.sleep(20);
            // the detector reports collected leaks when a new buffer is tracked
            for (int i = 0; i < 64; i++) {
                ByteBuf a = PooledByteBufAllocator.DEFAULT.buffer(16);
                a.release();
                ByteBuf b = UnpooledByteBufAllocator.DEFAULT.buffer(16);
                b.release();
            }
        }
        List<String> leaks = LeakCapture.drain();
        if (!leaks.isEmpty()) {
            throw new AssertionError("Netty reported " + leaks.size() + " leak(s) in " + context.getDisplayName()
                    + ":\n" + String.join("\n----\n", leaks));
        }
    }
}
