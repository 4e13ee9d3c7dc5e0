package io.asynctablequery.auth;

/**
 * Who calls, as authentication established it: the owner name its jobs record (a key's name, or a token's
 * {@code oid}, else {@code sub}) and whether it may act on every job.
 *
 * @param owner null for the anonymous caller of {@code api.auth=none}, who may do anything, as in SPEC §2
 */
public record Caller(String owner, boolean admin) {

    public static final Caller ANONYMOUS = new Caller(null, true);

    /** Whether this caller may see and act on a job that records {@code jobOwner}. */
    public boolean mayAccess(String jobOwner) {
        return admin || (owner != null && owner.equals(jobOwner));
    }

    /** The owner a listing is restricted to: null (every job) for an admin. */
    public String listedOwner() {
        return admin ? null : owner;
    }
}
