package dev.palisade.config;

/**
 * One thing wrong with a config or rule file, located for the operator: {@code file:line: key: message}.
 *
 * @param file    the file name as given
 * @param line    1-based line, 0 when unknown
 * @param key     the dotted key path (for example {@code listeners[0].bind}), or empty
 * @param message what is wrong and what was expected
 */
public record ConfigProblem(String file, int line, String key, String message) {

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(file);
        if (line > 0) {
            sb.append(':').append(line);
        }
        sb.append(": ");
        if (!key.isEmpty()) {
            sb.append(key).append(": ");
        }
        return sb.append(message).toString();
    }
}
