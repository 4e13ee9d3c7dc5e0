package io.asynctablequery.jobs;

import io.asynctablequery.json.Json;

/** What the submit route hands to the job queue: the job id and its normalised input (ISO dates). */
public record JobTicket(String id, String start, String end) {

    /**
     * Reads a queue message leniently: what cannot be read stays null (such a ticket is never run, and its message
     * goes the way of any message its worker fails: again, then to the poison queue). A strict {@code unmarshal}
     * would fail before the route could count the message's deliveries.
     */
    public static JobTicket read(String json) {
        try {
            com.fasterxml.jackson.databind.JsonNode node = Json.MAPPER.readTree(json);
            return new JobTicket(text(node, "id"), text(node, "start"), text(node, "end"));
        } catch (java.io.IOException | RuntimeException e) {
            return new JobTicket(null, null, null);
        }
    }

    private static String text(com.fasterxml.jackson.databind.JsonNode node, String field) {
        return node != null && node.path(field).isTextual() ? node.path(field).textValue() : null;
    }

    public static JobTicket of(Job job) {
        return new JobTicket(job.id(), job.input().start().toString(), job.input().end().toString());
    }

    /** Whether this ticket was made for that job (a message that does not match is not run). */
    public boolean matches(Job job) {
        return id != null && job.id().equals(id) && job.input().start().toString().equals(start)
                && job.input().end().toString().equals(end);
    }
}
