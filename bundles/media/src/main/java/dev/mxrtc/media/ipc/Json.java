package dev.mxrtc.media.ipc;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON subset the media IPC uses: one flat object per line whose values are strings, numbers, booleans or null.
 * Both ends (the runtime and the worker JVM, which has no JSON library on its class path) share this class. Parsing is
 * strict: anything else (nesting, trailing garbage, bad escapes) is a {@link WireException}.
 */
public final class Json {

    private Json() {
    }

    /** Writes a flat object; values must be String, Number, Boolean or null. */
    public static String write(Map<String, ?> fields) {
        StringBuilder sb = new StringBuilder(64);
        sb.append('{');
        boolean first = true;
        for (Map.Entry<String, ?> e : fields.entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            string(sb, e.getKey());
            sb.append(':');
            Object v = e.getValue();
            switch (v) {
                case null -> sb.append("null");
                case String s -> string(sb, s);
                case Boolean b -> sb.append(b);
                case Double d when d.isNaN() || d.isInfinite() -> sb.append("null");
                case Number n -> sb.append(n);
                default -> throw new IllegalArgumentException("not a flat JSON value: " + v.getClass());
            }
        }
        return sb.append('}').toString();
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /** Parses one flat object. Numbers become Long when integral in form, otherwise Double. */
    public static Map<String, Object> read(String line) throws WireException {
        Parser p = new Parser(line);
        Map<String, Object> out = p.object();
        p.ws();
        if (p.i != line.length()) {
            throw new WireException("trailing characters at " + p.i);
        }
        return out;
    }

    private static final class Parser {
        private final String s;
        private int i;

        Parser(String s) {
            this.s = s == null ? "" : s;
        }

        void ws() {
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == '\r'
                    || s.charAt(i) == '\n')) {
                i++;
            }
        }

        void expect(char c) throws WireException {
            ws();
            if (i >= s.length() || s.charAt(i) != c) {
                throw new WireException("expected '" + c + "' at " + i);
            }
            i++;
        }

        Map<String, Object> object() throws WireException {
            Map<String, Object> out = new LinkedHashMap<>();
            expect('{');
            ws();
            if (i < s.length() && s.charAt(i) == '}') {
                i++;
                return out;
            }
            while (true) {
                ws();
                String key = string();
                expect(':');
                ws();
                if (out.put(key, value()) != null) {
                    throw new WireException("duplicate key " + key);
                }
                ws();
                if (i < s.length() && s.charAt(i) == ',') {
                    i++;
                    continue;
                }
                expect('}');
                return out;
            }
        }

        Object value() throws WireException {
            if (i >= s.length()) {
                throw new WireException("value expected at end of line");
            }
            char c = s.charAt(i);
            if (c == '"') {
                return string();
            }
            if (s.startsWith("true", i)) {
                i += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("false", i)) {
                i += 5;
                return Boolean.FALSE;
            }
            if (s.startsWith("null", i)) {
                i += 4;
                return null;
            }
            if (c == '-' || (c >= '0' && c <= '9')) {
                int start = i;
                boolean integral = true;
                i++;
                while (i < s.length()) {
                    char d = s.charAt(i);
                    if (d >= '0' && d <= '9') {
                        i++;
                    } else if (d == '.' || d == 'e' || d == 'E' || d == '+' || d == '-') {
                        integral = false;
                        i++;
                    } else {
                        break;
                    }
                }
                String num = s.substring(start, i);
                try {
                    return integral ? (Object) Long.parseLong(num) : (Object) Double.parseDouble(num);
                } catch (NumberFormatException e) {
                    throw new WireException("bad number " + num);
                }
            }
            throw new WireException("unsupported value at " + i + " (only flat objects)");
        }

        String string() throws WireException {
            if (i >= s.length() || s.charAt(i) != '"') {
                throw new WireException("string expected at " + i);
            }
            i++;
            StringBuilder sb = new StringBuilder();
            while (i < s.length()) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return sb.toString();
                }
                if (c == '\\') {
                    if (i >= s.length()) {
                        break;
                    }
                    char e = s.charAt(i++);
                    switch (e) {
                        case '"', '\\', '/' -> sb.append(e);
                        case 'n' -> sb.append('\n');
                        case 'r' -> sb.append('\r');
                        case 't' -> sb.append('\t');
                        case 'b' -> sb.append('\b');
                        case 'f' -> sb.append('\f');
                        case 'u' -> {
                            if (i + 4 > s.length()) {
                                throw new WireException("bad \\u escape");
                            }
                            try {
                                sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            } catch (NumberFormatException ex) {
                                throw new WireException("bad \\u escape");
                            }
                            i += 4;
                        }
                        default -> throw new WireException("bad escape \\" + e);
                    }
                } else if (c < 0x20) {
                    throw new WireException("control character in string");
                } else {
                    sb.append(c);
                }
            }
            throw new WireException("unterminated string");
        }
    }
}
