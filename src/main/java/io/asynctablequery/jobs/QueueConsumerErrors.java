package io.asynctablequery.jobs;

import com.azure.storage.queue.models.QueueStorageException;
import org.apache.camel.Exchange;
import org.apache.camel.spi.ExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue consumer's exception handler. The consumer deletes a message with the pop receipt it
 * received; when the job's lease has extended the message it holds a newer receipt and has deleted the
 * message already, so the consumer's late delete finds nothing (404): expected, and not worth a warning.
 * The same holds for a message handed back at shutdown (made visible again with a new receipt).
 */
public class QueueConsumerErrors implements ExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(QueueConsumerErrors.class);

    @Override
    public void handleException(Throwable exception) {
        handleException(null, null, exception);
    }

    @Override
    public void handleException(String message, Throwable exception) {
        handleException(message, null, exception);
    }

    @Override
    public void handleException(String message, Exchange exchange, Throwable exception) {
        if (exception instanceof QueueStorageException e && (e.getStatusCode() == 404
                || "PopReceiptMismatch".equals(String.valueOf(e.getErrorCode())))) {
            LOG.debug("Message already deleted by its lease, or handed back");
            return;
        }
        LOG.warn("{}", message == null ? "Queue consumer error" : message, exception);
    }
}
