package dev.palisade.rules.transform;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Every transform a rule may name, in one visible list. An unknown name is a load error. */
public final class Transforms {

    private static final List<Transform> ALL = List.of(
            new UrlDecode(),
            new FormDecode(),
            new HtmlDecode(),
            new JsDecode(),
            new Base64Decode(),
            new Lower(),
            new NormalizePath(),
            new NormalizeUnicode(),
            new RemoveNulls(),
            new RemoveWhitespace(),
            new CompressWhitespace(),
            new CmdLine(),
            new RemoveComments(),
            new Trim());

    private static final Map<String, Transform> BY_NAME = new LinkedHashMap<>();

    static {
        for (Transform t : ALL) {
            BY_NAME.put(t.name(), t);
        }
    }

    private Transforms() {
    }

    /** The transform called {@code name}, or null. */
    public static Transform byName(String name) {
        return BY_NAME.get(name);
    }

    /** {@code t}'s position in the list, a small number per-request caches index arrays with; -1 for another transform. */
    public static int id(Transform t) {
        return ALL.indexOf(t);
    }

    /** How many transforms there are: every {@link #id} is below this. */
    public static int count() {
        return ALL.size();
    }

    public static Set<String> names() {
        return BY_NAME.keySet();
    }
}
