package io.asynctablequery.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.asynctablequery.json.Json;

/**
 * What the submit route hands to the job queue: the job id and its normalised input (ISO dates), and the trace the job
 * belongs to ({@code traceparent}, {@code tracestate}; absent without one): an Azure Storage Queue message carries
 * nothing but its body.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobTicket(String id, String start, String end, String traceparent, String tracestate) {

    /**
     * Reads a queue message leniently: what cannot be read stays null (such a ticket is never run, and its message
     * goes the way of any message its worker fails: again, then to the poison queue). A strict {@code unmarshal}
     * would fail before the route could count the message's deliveries.
     */
    public static JobTicket read(String json) {
        try {
            com.fasterxml.jackson.databind.JsonNode node = Json.MAPPER.readTree(json);
            return new JobTicket(text(node, "id"), text(node, "start"), text(node, "end"), text(node, "traceparent"),
                    text(node, "tracestate"));
        } catch (java.io.IOException | RuntimeException e) {
            return new JobTicket(null, null, null, null, null);
        }
    }

    private static String text(com.fasterxml.jackson.databind.JsonNode node, String field) {
        return node != null && node.path(field).isTextual() ? node.path(field).textValue() : null;
    }

    public static JobTicket of(Job job) {
        JobTrace trace = job.trace();
        return new JobTicket(job.id(), job.input().start().toString(), job.input().end().toString(),
                trace == null ? null : trace.traceparent(), trace == null ? null : trace.tracestate());
    }

    /** Whether this ticket was made for that job (a message that does not match is not run). */
    public boolean matches(Job job) {
        return id != null && job.id().equals(id) && job.input().start().toString().equals(start)
                && job.input().end().toString().equals(end);
    }
}
