package dev.palisade.rules;

import java.util.List;
import java.util.Locale;

import dev.palisade.rules.transform.CharMask;
import dev.palisade.rules.transform.Transform;
import dev.palisade.rules.transform.Transforms;

/**
 * What a condition looks at: a field, possibly wrapped in transforms ({@code lower(url_decode(args))})
 * or in {@code length(...)} / {@code count(...)}. Targets with the same written form share one slot in
 * the per-request cache, so a transformed value is computed at most once per request however many
 * rules ask for it.
 */
public final class Target {

    /** What this node of the target does. */
    public enum Kind { FIELD, TRANSFORM, LENGTH, COUNT, UNION }

    private final Kind kind;
    private final Field field;
    private final String fieldName;
    private final Transform transform;
    private final Target inner;
    private final String key;
    private final List<Target> members;
    private final Target[] memberArray;
    private final int transformId;
    private final CharMask triggers;
    private final CharMask stoppers;
    /**
     * The {@link Evaluation#absent} bits that, all set, mean this target has no value: a field read from the
     * arguments, the body or the cookies of a request that has none, and what a transform, length or union of
     * such fields makes of them. 0 when absence is not known without computing (headers, counts).
     */
    private final int emptyWhen;
    private int slot = -1;

    private Target(Kind kind, Field field, String fieldName, Transform transform, Target inner, String key) {
        this(kind, field, fieldName, transform, inner, key, List.of());
    }

    private Target(Kind kind, Field field, String fieldName, Transform transform, Target inner, String key,
                   List<Target> members) {
        this.kind = kind;
        this.field = field;
        this.fieldName = fieldName;
        this.transform = transform;
        this.inner = inner;
        this.key = key;
        this.members = List.copyOf(members);
        this.memberArray = members.toArray(new Target[0]);
        this.transformId = transform == null ? -1 : Transforms.id(transform);
        this.triggers = transform == null ? null : transform.triggers();
        this.stoppers = transform == null ? null : transform.stoppers();
        this.emptyWhen = emptyWhen(kind, field, inner, memberArray);
    }

    private static int emptyWhen(Kind kind, Field field, Target inner, Target[] members) {
        switch (kind) {
            case FIELD:
                switch (field) {
                    case ARGS: case ARG: case ARG_NAMES: return Evaluation.NO_ARGS;
                    case FILES: case BODY: return Evaluation.NO_BODY;
                    case COOKIES: case COOKIE: case COOKIE_NAMES: return Evaluation.NO_COOKIES;
                    default: return 0;
                }
            case TRANSFORM:
            case LENGTH:
                return inner.emptyWhen;
            case UNION: {
                int all = 0;
                for (Target m : members) {
                    if (m.emptyWhen == 0) {
                        return 0;
                    }
                    all |= m.emptyWhen;
                }
                return all;
            }
            default:
                // count(...) of nothing is "0", a value
                return 0;
        }
    }

    /** {@code any(a, b, ...)}: the values of every member, in order, so one condition covers several fields. */
    public static Target union(List<Target> members) {
        StringBuilder k = new StringBuilder("any(");
        for (int i = 0; i < members.size(); i++) {
            k.append(i == 0 ? "" : ", ").append(members.get(i).key);
        }
        return new Target(Kind.UNION, null, null, null, null, k.append(')').toString(), members);
    }

    public static Target field(Field f, String name) {
        String n = name == null ? null : (f == Field.HEADER ? name.toLowerCase(Locale.ROOT) : name);
        String key = n == null ? f.ruleName() : f.ruleName() + "(\"" + n + "\")";
        return new Target(Kind.FIELD, f, n, null, null, key);
    }

    public static Target transform(Transform t, Target inner) {
        return new Target(Kind.TRANSFORM, null, null, t, inner, t.name() + "(" + inner.key + ")");
    }

    public static Target length(Target inner) {
        return new Target(Kind.LENGTH, null, null, null, inner, "length(" + inner.key + ")");
    }

    public static Target count(Target inner) {
        return new Target(Kind.COUNT, null, null, null, inner, "count(" + inner.key + ")");
    }

    /** The canonical written form, which identifies the cache slot. */
    public String key() {
        return key;
    }

    public Kind kind() {
        return kind;
    }

    public Target inner() {
        return inner;
    }

    /** The members of {@code any(...)}; empty for other kinds. */
    List<Target> members() {
        return members;
    }

    /** The transform of a {@code TRANSFORM} node, else null. */
    Transform transform() {
        return transform;
    }

    /** The name given to a named field ({@code header("user-agent")}), lower-cased for headers; else null. */
    String fieldName() {
        return fieldName;
    }

    /** The field this target reads; for {@code any(...)}, the first member's. */
    public Field field() {
        return kind == Kind.FIELD ? field : kind == Kind.UNION ? members.get(0).field() : inner.field();
    }

    /** Whether this target reads the request body. */
    public boolean readsBody() {
        switch (kind) {
            case FIELD:
                return field.readsBody();
            case UNION:
                return members.stream().anyMatch(Target::readsBody);
            default:
                return inner.readsBody();
        }
    }

    int slot() {
        return slot;
    }

    /** Assigns cache slots, once, while the rule set is built; shared targets keep the first slot. */
    void assignSlots(java.util.Map<String, Integer> slots) {
        if (inner != null) {
            inner.assignSlots(slots);
        }
        for (Target m : members) {
            m.assignSlots(slots);
        }
        slot = slots.computeIfAbsent(key, k -> slots.size());
    }

    Values values(Evaluation ev) {
        int e = emptyWhen;
        if (e != 0 && (ev.absent() & e) == e) {
            // no value to compute: a GET without query or cookies reads nothing through the argument, body
            // and cookie rules, so their transform chains are never walked
            return Values.NONE;
        }
        Values cached = ev.cached(slot);
        if (cached != null) {
            return cached;
        }
        Values v = compute(ev);
        ev.cache(slot, v);
        return v;
    }

    private Values compute(Evaluation ev) {
        switch (kind) {
            case FIELD:
                return ev.field(field, fieldName);
            case TRANSFORM:
                // a transform returns its input when it changes nothing (no '%' to decode, already lower
                // case); the inner values are then shared rather than copied
                return inner.values(ev).map(transform, transformId, triggers, stoppers, ev);
            case UNION: {
                Values[] parts = new Values[memberArray.length];
                for (int i = 0; i < parts.length; i++) {
                    parts[i] = memberArray[i].values(ev);
                }
                return Values.concat(parts);
            }
            case LENGTH:
                return inner.values(ev).lengths();
            default: {
                int n = inner.kind == Kind.FIELD ? ev.total(inner.field, inner.fieldName) : inner.values(ev).size();
                return Values.one(inner.field().ruleName(), Integer.toString(n));
            }
        }
    }

    @Override
    public String toString() {
        return key;
    }
}
