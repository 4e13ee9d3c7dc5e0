package io.asynctablequery.api;

import io.asynctablequery.ExchangeProperties;
import io.asynctablequery.webhooks.StatusDocuments;
import io.asynctablequery.jobs.Job;
import io.asynctablequery.jobs.JobPage;
import io.asynctablequery.jobs.JobStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * Answers for one job (the exchange property {@code job}): status codes, {@code Location},
 * {@code Retry-After} and the documents of the original, Durable Functions and Azure-guidelines clients.
 */
public class JobResponses implements StatusDocuments {

    private final Links links;
    private final String retryAfterSeconds;

    public JobResponses(Links links, int retryAfterSeconds) {
        this.links = links;
        this.retryAfterSeconds = String.valueOf(retryAfterSeconds);
    }

    /** Submit: 202 with the links while the job is unfinished; 200 with the status document once finished. */
    public void submitted(Exchange exchange) {
        Job job = job(exchange);
        String base = links.base(exchange);
        Map<String, String> headers = headers(exchange);
        headers.put("Location", base + "/api/status/" + job.id());
        if (job.status().isFinished()) {
            HttpResponses.write(exchange, 200, headers, JobDocuments.status(job, true));
            return;
        }
        headers.put("Operation-Location", base + "/api/operations/" + job.id());
        headers.put("Retry-After", retryAfterSeconds);
        HttpResponses.write(exchange, 202, headers, JobDocuments.links(base, job.id()));
    }

    /** Status: 202 while Pending or Running, else 200 (500 for Failed when the client asks for it). */
    public void status(Exchange exchange) {
        Job job = job(exchange);
        Map<String, String> headers = headers(exchange);
        int code = 200;
        if (!job.status().isFinished()) {
            code = 202;
            headers.put("Location", links.status(exchange, job.id()));
            headers.put("Retry-After", retryAfterSeconds);
        } else if (job.status() == JobStatus.Failed
                && "true".equalsIgnoreCase(exchange.getIn().getHeader("returnInternalServerErrorOnFailure", "",
                String.class))) {
            code = 500;
        }
        boolean showInput = !"false".equalsIgnoreCase(exchange.getIn().getHeader("showInput", "", String.class));
        boolean showHistory = "true".equalsIgnoreCase(exchange.getIn().getHeader("showHistory", "", String.class));
        HttpResponses.write(exchange, code, headers, JobDocuments.status(job, showInput, showHistory));
    }

    /** Operation monitor: always 200, with {@code Retry-After} while not finished. */
    public void operation(Exchange exchange) {
        Job job = job(exchange);
        Map<String, String> headers = headers(exchange);
        if (!job.status().isFinished()) {
            headers.put("Retry-After", retryAfterSeconds);
        }
        HttpResponses.write(exchange, 200, headers, JobDocuments.operation(job, links.base(exchange)));
    }

    /** Result: 200 with the count once Completed; 409 while unfinished or when it did not complete. */
    public void result(Exchange exchange) {
        Job job = job(exchange);
        if (job.status() != JobStatus.Completed) {
            throw new ApiException(409, job.status().isFinished()
                    ? "Job ended " + job.status() + "; it has no result."
                    : "Job is " + job.status() + "; the result is available once it is Completed.",
                    job.status().isFinished() ? Map.of() : Map.of("Retry-After", retryAfterSeconds));
        }
        HttpResponses.write(exchange, 200, headers(exchange), new JobDocuments.Result(job.id(), job.result()));
    }

    /** Terminate, suspend, resume, rewind: 202, {@code Location} the job's status (the path's id, checked before). */
    public void accepted(Exchange exchange) {
        String id = exchange.getIn().getHeader("id", String.class);
        HttpResponses.write(exchange, 202, Map.of("Location", links.status(exchange, id)), null);
    }

    public void purged(Exchange exchange) {
        HttpResponses.write(exchange, 200, Map.of(), new JobDocuments.Purged(1));
    }

    /** Purge by filter: how many jobs it purged (the body), maybe none. */
    public void purgedAll(Exchange exchange) {
        HttpResponses.write(exchange, 200, Map.of(), new JobDocuments.Purged(exchange.getIn().getBody(Integer.class)));
    }

    /** List: a JSON array of status documents; the next page's token in {@code x-ms-continuation-token}. */
    public void page(Exchange exchange) {
        JobPage page = exchange.getIn().getBody(JobPage.class);
        boolean showInput = !"false".equalsIgnoreCase(exchange.getIn().getHeader("showInput", "", String.class));
        List<JobDocuments.Status> documents = page.jobs().stream()
                .map(job -> JobDocuments.status(job, showInput)).toList();
        Map<String, String> headers = new LinkedHashMap<>();
        if (page.continuationToken() != null) {
            headers.put(JobListing.CONTINUATION_HEADER, page.continuationToken());
        }
        HttpResponses.write(exchange, 200, headers, documents);
    }

    /** A job's status document as JSON (with its input), e.g. a webhook's data. */
    @Override
    public byte[] statusJson(Job job) {
        try {
            return HttpResponses.JSON.writeValueAsBytes(JobDocuments.status(job, true));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Job job(Exchange exchange) {
        return exchange.getProperty(ExchangeProperties.JOB, Job.class);
    }

    private static Map<String, String> headers(Exchange exchange) {
        Map<String, String> headers = new LinkedHashMap<>();
        String applied = exchange.getProperty(ExchangeProperties.PREFERENCE_APPLIED, String.class);
        if (applied != null) {
            headers.put("Preference-Applied", applied);
        }
        return headers;
    }
}
