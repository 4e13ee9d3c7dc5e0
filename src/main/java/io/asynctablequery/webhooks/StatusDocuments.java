package io.asynctablequery.webhooks;

import io.asynctablequery.jobs.Job;

/** A job's status document as JSON, the {@code data} of its webhook's event: the API's status answer renders it. */
@FunctionalInterface
public interface StatusDocuments {

    byte[] statusJson(Job job);
}
