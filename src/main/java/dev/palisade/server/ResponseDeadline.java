package dev.palisade.server;

import java.util.concurrent.TimeUnit;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * The response-head deadline of a client connection's origin calls, on one timer that outlives the
 * requests: arming a call only moves the deadline, and the timer, when it fires early (the deadline moved
 * on since it was scheduled), schedules itself for the rest. On a keep-alive connection this costs a clock
 * read per request instead of scheduling and cancelling a task per request. Event-loop confined.
 */
final class ResponseDeadline {

    private final EventExecutor loop;
    private ScheduledFuture<?> timer;
    private long timerDue;
    private long due;
    private ProxyCall armed;

    ResponseDeadline(EventExecutor loop) {
        this.loop = loop;
    }

    /** {@code call} times out unless {@link #disarm} comes within {@code nanos}. */
    void arm(ProxyCall call, long nanos) {
        long now = System.nanoTime();
        armed = call;
        due = now + nanos;
        if (timer != null && timerDue - due > 0) {
            // scheduled for a later deadline (a group with a longer timeout): fire for this one instead
            timer.cancel(false);
            timer = null;
        }
        if (timer == null) {
            schedule(now);
        }
    }

    /** The response head of {@code call} came, or the call is over; a newer call's deadline stays. */
    void disarm(ProxyCall call) {
        if (armed == call) {
            armed = null;
        }
    }

    /** The connection is closed: nothing more to time. */
    void stop() {
        armed = null;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void schedule(long now) {
        timerDue = due;
        timer = loop.schedule(this::fire, Math.max(due - now, 0), TimeUnit.NANOSECONDS);
    }

    private void fire() {
        timer = null;
        ProxyCall call = armed;
        if (call == null) {
            return; // idle: the next call schedules again
        }
        long now = System.nanoTime();
        if (now - due >= 0) {
            armed = null;
            call.responseHeadTimedOut();
        } else {
            schedule(now);
        }
    }
}
