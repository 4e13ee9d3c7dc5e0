package io.asynctablequery.jobs;

import java.util.List;

/** One page of a listing, and the token of the next page (null on the last). */
public record JobPage(List<Job> jobs, String continuationToken) {
}
