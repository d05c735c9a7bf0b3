package dev.palisade.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.palisade.rules.transform.Transform;

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

    List<Value> values(Evaluation ev) {
        List<Value> cached = ev.cached(slot);
        if (cached != null) {
            return cached;
        }
        List<Value> v = compute(ev);
        ev.cache(slot, v);
        return v;
    }

    private List<Value> compute(Evaluation ev) {
        switch (kind) {
            case FIELD:
                return ev.field(field, fieldName);
            case TRANSFORM: {
                // a transform returns its input when it changes nothing (no '%' to decode, already lower
                // case); the inner list is then shared rather than copied
                List<Value> in = inner.values(ev);
                List<Value> out = null;
                for (int i = 0; i < in.size(); i++) {
                    Value v = in.get(i);
                    String t = transform.apply(v.text());
                    if (t != v.text() && out == null) {
                        out = new ArrayList<>(in.size());
                        out.addAll(in.subList(0, i));
                    }
                    if (out != null) {
                        out.add(t == v.text() ? v : new Value(v.name(), t));
                    }
                }
                return out == null ? in : out;
            }
            case UNION: {
                List<Value> out = new ArrayList<>();
                for (Target m : members) {
                    out.addAll(m.values(ev));
                }
                return out;
            }
            case LENGTH: {
                List<Value> in = inner.values(ev);
                List<Value> out = new ArrayList<>(in.size());
                for (Value v : in) {
                    out.add(new Value(v.name(), Integer.toString(v.text().length())));
                }
                return out;
            }
            default: {
                int n = inner.kind == Kind.FIELD ? ev.total(inner.field, inner.fieldName) : inner.values(ev).size();
                String name = inner.field().ruleName();
                return List.of(new Value(name, Integer.toString(n)));
            }
        }
    }

    @Override
    public String toString() {
        return key;
    }
}
