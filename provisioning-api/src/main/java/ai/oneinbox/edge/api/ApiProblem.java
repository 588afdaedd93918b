package ai.oneinbox.edge.api;

import java.util.List;

/**
 * A domain failure with its HTTP meaning; the failure handler writes it as {@code application/problem+json}
 * (RFC 9457) with {@code type}, {@code title}, {@code status}, {@code detail} and {@code errors}.
 */
final class ApiProblem extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** One bad field: its JSON path (e.g. {@code inbound_routing.fallback.agent_id}) and why. */
    record FieldError(String field, String reason) {}

    private final int status;
    private final String slug;
    private final String title;
    private final transient List<FieldError> errors;

    ApiProblem(int status, String slug, String title, String detail, List<FieldError> errors) {
        super(detail, null, false, false);
        this.status = status;
        this.slug = slug;
        this.title = title;
        this.errors = List.copyOf(errors);
    }

    static ApiProblem invalid(List<FieldError> errors) {
        String detail = errors.size() == 1
                ? errors.get(0).field() + ": " + errors.get(0).reason()
                : errors.size() + " fields are invalid";
        return new ApiProblem(400, "validation", "Invalid request", detail, errors);
    }

    static ApiProblem invalid(String field, String reason) {
        return invalid(List.of(new FieldError(field, reason)));
    }

    static ApiProblem notFound(String detail) {
        return new ApiProblem(404, "not-found", "Not found", detail, List.of());
    }

    static ApiProblem conflict(String detail) {
        return new ApiProblem(409, "conflict", "Conflict", detail, List.of());
    }

    static ApiProblem conflict(String detail, List<FieldError> errors) {
        return new ApiProblem(409, "conflict", "Conflict", detail, errors);
    }

    static ApiProblem unprocessable(String detail) {
        return new ApiProblem(422, "unprocessable", "Unprocessable request", detail, List.of());
    }

    static ApiProblem unavailable(String detail) {
        return new ApiProblem(503, "unavailable", "Service unavailable", detail, List.of());
    }

    int status() {
        return status;
    }

    String type() {
        return "https://docs.oneinbox.ai/problems/" + slug;
    }

    String title() {
        return title;
    }

    String detail() {
        return getMessage();
    }

    List<FieldError> errors() {
        return errors;
    }
}
