package io.asynctablequery.storage;

import com.azure.core.util.SharedExecutorService;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A table listing within a deadline. The SDK's own {@code timeout} argument of {@code listEntities} bounds only the
 * creation of the lazy pager, not the reading of its pages, so pages are read here the way the SDK bounds its other
 * calls: on its shared executor, waited for up to the deadline.
 */
public final class TableListings {

    private TableListings() {
    }

    /** @throws IllegalStateException past the deadline, with a {@link TimeoutException} as its cause */
    public static <T> T within(Duration deadline, String what, Supplier<T> listing) {
        CompletableFuture<T> call = CompletableFuture.supplyAsync(listing, SharedExecutorService.getInstance());
        try {
            return call.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new IllegalStateException(what + " did not answer within " + deadline, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
