package ai.oneinbox.edge.sip.testing;

import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Turns Netty's leak reports (paranoid level in surefire) into test failures. As a launcher-session listener
 * (registered in META-INF/services) it installs, before any buffer class loads, a leak-detector factory that
 * records every report; as a JUnit extension ({@code @ExtendWith(NettyLeaks.class)}) it fails a test class
 * whose run leaves a leak behind. Leaks surface only after garbage collection, so the check collects and
 * then allocates to make the detector poll its queue.
 */
public final class NettyLeaks implements LauncherSessionListener, BeforeAllCallback, AfterAllCallback {

    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        surface();
        LEAKS.clear(); // what earlier classes left is theirs
    }

    @Override
    public void afterAll(ExtensionContext context) {
        surface();
        if (!LEAKS.isEmpty()) {
            List<String> found = new ArrayList<>(LEAKS);
            LEAKS.clear();
            fail(found.size() + " leaked buffer(s) in " + context.getDisplayName() + ":\n" + String.join("\n", found));
        }
    }

    /** Collects garbage, then allocates tracked buffers so the detectors poll for what was collected. */
    private static void surface() {
        for (int round = 0; round < 3; round++) {
            System.gc();
            System.runFinalization();
            for (int k = 0; k < 200; k++) {
                ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(16);
                ByteBuf heap = UnpooledByteBufAllocator.DEFAULT.heapBuffer(16);
                pooled.release();
                heap.release();
            }
        }
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {
        @Override
        @SuppressWarnings("deprecation")
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                                                                   long maxActive) {
            return new ResourceLeakDetector<T>(resource, samplingInterval, maxActive) {
                @Override
                protected void reportTracedLeak(String resourceType, String records) {
                    LEAKS.add(resourceType + records);
                    super.reportTracedLeak(resourceType, records);
                }

                @Override
                protected void reportUntracedLeak(String resourceType) {
                    LEAKS.add(resourceType + " (untraced)");
                    super.reportUntracedLeak(resourceType);
                }
            };
        }
    }
}
