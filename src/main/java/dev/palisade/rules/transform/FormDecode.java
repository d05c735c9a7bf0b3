package dev.palisade.rules.transform;

/**
 * {@code form_decode}: one round of form decoding ('+' is a space, then percent escapes), followed by
 * percent-decoding until stable like {@code url_decode}. For values that are still form-encoded when
 * the rule sees them, such as cookies, which PHP and others decode this way.
 */
final class FormDecode implements Transform {

    private static final CharMask TRIGGERS = CharMask.of("%+");

    private static final UrlDecode URL = new UrlDecode();

    @Override
    public String name() {
        return "form_decode";
    }

    @Override
    public CharMask triggers() {
        return TRIGGERS;
    }

    @Override
    public String apply(String v) {
        String once = UrlDecode.decodeOnce(v, true);
        String r = URL.apply(once);
        return r.equals(v) ? v : r;
    }
}
