package dev.palisade.rules.transform;

import java.util.Map;

/**
 * {@code html_decode}: decodes character references the way a browser does: decimal and hex
 * ({@code &#106;}, {@code &#x6A;}, any number of leading zeros, the ';' optional) and the named
 * entities attackers use, then once more for doubly escaped input ({@code &amp;lt;}).
 */
final class HtmlDecode implements Transform {

    private static final CharMask TRIGGERS = CharMask.of("&");

    private static final Map<String, String> NAMED = Map.ofEntries(
            Map.entry("lt", "<"), Map.entry("gt", ">"), Map.entry("amp", "&"), Map.entry("quot", "\""),
            Map.entry("apos", "'"), Map.entry("nbsp", "\u00a0"), Map.entry("tab", "\t"), Map.entry("newline", "\n"),
            Map.entry("colon", ":"), Map.entry("lpar", "("), Map.entry("rpar", ")"), Map.entry("sol", "/"),
            Map.entry("bsol", "\\"), Map.entry("semi", ";"), Map.entry("comma", ","), Map.entry("period", "."),
            Map.entry("excl", "!"), Map.entry("num", "#"), Map.entry("dollar", "$"), Map.entry("percnt", "%"),
            Map.entry("equals", "="), Map.entry("plus", "+"), Map.entry("grave", "`"), Map.entry("lsqb", "["),
            Map.entry("rsqb", "]"), Map.entry("lcub", "{"), Map.entry("rcub", "}"), Map.entry("lbrack", "["),
            Map.entry("rbrack", "]"), Map.entry("lbrace", "{"), Map.entry("rbrace", "}"), Map.entry("quest", "?"),
            Map.entry("commat", "@"), Map.entry("ast", "*"), Map.entry("vert", "|"), Map.entry("hyphen", "-"),
            Map.entry("lowbar", "_"), Map.entry("circ", "^"), Map.entry("Tab", "\t"), Map.entry("NewLine", "\n"));

    @Override
    public String name() {
        return "html_decode";
    }

    @Override
    public CharMask triggers() {
        return TRIGGERS;
    }

    @Override
    public String apply(String v) {
        String once = decode(v);
        String twice = once == v ? v : decode(once);
        return twice;
    }

    static String decode(String s) {
        int amp = s.indexOf('&');
        if (amp < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        out.append(s, 0, amp);
        int i = amp;
        int len = s.length();
        while (i < len) {
            char c = s.charAt(i);
            if (c != '&') {
                out.append(c);
                i++;
                continue;
            }
            int j = i + 1;
            if (j < len && s.charAt(j) == '#') {
                j++;
                boolean hexForm = j < len && (s.charAt(j) == 'x' || s.charAt(j) == 'X');
                if (hexForm) {
                    j++;
                }
                int start = j;
                long cp = 0;
                while (j < len && (hexForm ? UrlDecode.hex(s.charAt(j)) >= 0 : Character.isDigit(s.charAt(j)))
                        && j - start < 16) {
                    cp = cp * (hexForm ? 16 : 10) + (hexForm ? UrlDecode.hex(s.charAt(j)) : s.charAt(j) - '0');
                    j++;
                }
                if (j > start) {
                    if (j < len && s.charAt(j) == ';') {
                        j++;
                    }
                    if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
                        out.append('\ufffd');
                    } else {
                        out.appendCodePoint((int) cp);
                    }
                    i = j;
                    continue;
                }
                out.append('&');
                i++;
                continue;
            }
            int start = j;
            while (j < len && j - start < 10 && Character.isLetter(s.charAt(j))) {
                j++;
            }
            String name = s.substring(start, j);
            String rep = NAMED.get(name);
            if (rep == null) {
                rep = NAMED.get(name.toLowerCase(java.util.Locale.ROOT));
            }
            boolean semi = j < len && s.charAt(j) == ';';
            if (rep != null && (semi || name.equalsIgnoreCase("lt") || name.equalsIgnoreCase("gt")
                    || name.equalsIgnoreCase("amp") || name.equalsIgnoreCase("quot"))) {
                out.append(rep);
                i = semi ? j + 1 : j;
                continue;
            }
            out.append('&');
            i++;
        }
        return out.toString();
    }
}
