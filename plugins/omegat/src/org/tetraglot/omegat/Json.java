package org.tetraglot.omegat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Minimal, dependency-free JSON (RFC 8259) reader and writer.
 *
 * <p>Reading maps JSON values to Java as follows: object → {@code LinkedHashMap<String,Object>}
 * (member order kept, a repeated name keeps its last value), array → {@code ArrayList<Object>},
 * string → {@code String}, number → {@code Long} when it is an integer that fits, otherwise
 * {@code Double}, {@code true}/{@code false} → {@code Boolean}, {@code null} → {@code null}.
 *
 * <p>Writing accepts the same types (any {@code Map} with string keys, any {@code Iterable} or
 * {@code Object[]}, any {@code Number}, {@code Boolean}, {@code CharSequence}, {@code null}).
 */
public final class Json {

    /** Nesting deeper than this is rejected instead of risking a stack overflow. */
    static final int MAX_DEPTH = 512;

    private Json() {
    }

    /** Thrown for malformed JSON text; the message names the offending character offset. */
    public static final class ParseException extends Exception {
        private static final long serialVersionUID = 1L;
        private final int offset;

        ParseException(String message, int offset) {
            super(message + " at offset " + offset);
            this.offset = offset;
        }

        public int getOffset() {
            return offset;
        }
    }

    // ------------------------------------------------------------------ reading

    /** Parses one complete JSON text; anything but whitespace after the value is an error. */
    public static Object parse(String text) throws ParseException {
        if (text == null) {
            throw new ParseException("no input", 0);
        }
        Reader r = new Reader(text);
        r.skipWhitespace();
        Object value = r.readValue(0);
        r.skipWhitespace();
        if (r.pos != text.length()) {
            throw new ParseException("unexpected trailing content", r.pos);
        }
        return value;
    }

    private static final class Reader {
        private final String s;
        int pos;

        Reader(String s) {
            this.s = s;
            // A UTF-8 byte order mark decoded into the string is tolerated at the very start.
            if (s.length() > 0 && s.charAt(0) == '\uFEFF') {
                pos = 1;
            }
        }

        void skipWhitespace() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                    pos++;
                } else {
                    break;
                }
            }
        }

        Object readValue(int depth) throws ParseException {
            if (pos >= s.length()) {
                throw new ParseException("unexpected end of input, expected a value", pos);
            }
            char c = s.charAt(pos);
            switch (c) {
            case '{':
                return readObject(depth + 1);
            case '[':
                return readArray(depth + 1);
            case '"':
                return readString();
            case 't':
                expectWord("true");
                return Boolean.TRUE;
            case 'f':
                expectWord("false");
                return Boolean.FALSE;
            case 'n':
                expectWord("null");
                return null;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return readNumber();
                }
                throw new ParseException("unexpected character '" + printable(c) + "'", pos);
            }
        }

        private void expectWord(String word) throws ParseException {
            if (!s.startsWith(word, pos)) {
                throw new ParseException("invalid literal, expected '" + word + "'", pos);
            }
            pos += word.length();
        }

        private Map<String, Object> readObject(int depth) throws ParseException {
            checkDepth(depth);
            pos++; // '{'
            Map<String, Object> map = new LinkedHashMap<String, Object>();
            skipWhitespace();
            if (peek() == '}') {
                pos++;
                return map;
            }
            while (true) {
                skipWhitespace();
                if (peek() != '"') {
                    throw new ParseException("expected a string member name", pos);
                }
                String key = readString();
                skipWhitespace();
                if (peek() != ':') {
                    throw new ParseException("expected ':' after member name", pos);
                }
                pos++;
                skipWhitespace();
                map.put(key, readValue(depth));
                skipWhitespace();
                char c = peek();
                if (c == ',') {
                    pos++;
                } else if (c == '}') {
                    pos++;
                    return map;
                } else {
                    throw new ParseException("expected ',' or '}' in object", pos);
                }
            }
        }

        private List<Object> readArray(int depth) throws ParseException {
            checkDepth(depth);
            pos++; // '['
            List<Object> list = new ArrayList<Object>();
            skipWhitespace();
            if (peek() == ']') {
                pos++;
                return list;
            }
            while (true) {
                skipWhitespace();
                list.add(readValue(depth));
                skipWhitespace();
                char c = peek();
                if (c == ',') {
                    pos++;
                } else if (c == ']') {
                    pos++;
                    return list;
                } else {
                    throw new ParseException("expected ',' or ']' in array", pos);
                }
            }
        }

        private void checkDepth(int depth) throws ParseException {
            if (depth > MAX_DEPTH) {
                throw new ParseException("nesting deeper than " + MAX_DEPTH, pos);
            }
        }

        /** Returns the current character or U+FFFF at end of input (never valid JSON syntax). */
        private char peek() {
            return pos < s.length() ? s.charAt(pos) : '\uFFFF';
        }

        private String readString() throws ParseException {
            int start = pos;
            pos++; // opening quote
            StringBuilder sb = null;
            int runStart = pos;
            while (true) {
                if (pos >= s.length()) {
                    throw new ParseException("unterminated string", start);
                }
                char c = s.charAt(pos);
                if (c == '"') {
                    String result;
                    if (sb == null) {
                        result = s.substring(runStart, pos);
                    } else {
                        sb.append(s, runStart, pos);
                        result = sb.toString();
                    }
                    pos++;
                    return result;
                }
                if (c < 0x20) {
                    throw new ParseException("unescaped control character in string", pos);
                }
                if (c != '\\') {
                    pos++;
                    continue;
                }
                if (sb == null) {
                    sb = new StringBuilder();
                }
                sb.append(s, runStart, pos);
                pos++; // backslash
                if (pos >= s.length()) {
                    throw new ParseException("unterminated escape sequence", pos - 1);
                }
                char e = s.charAt(pos);
                switch (e) {
                case '"':
                    sb.append('"');
                    break;
                case '\\':
                    sb.append('\\');
                    break;
                case '/':
                    sb.append('/');
                    break;
                case 'b':
                    sb.append('\b');
                    break;
                case 'f':
                    sb.append('\f');
                    break;
                case 'n':
                    sb.append('\n');
                    break;
                case 'r':
                    sb.append('\r');
                    break;
                case 't':
                    sb.append('\t');
                    break;
                case 'u':
                    // Each \\uXXXX is one UTF-16 code unit; a surrogate pair written as two
                    // escapes therefore becomes the right supplementary character in Java.
                    sb.append(readHex4(pos + 1));
                    pos += 4;
                    break;
                default:
                    throw new ParseException("invalid escape '\\" + printable(e) + "'", pos - 1);
                }
                pos++;
                runStart = pos;
            }
        }

        private char readHex4(int at) throws ParseException {
            if (at + 4 > s.length()) {
                throw new ParseException("truncated \\u escape", at - 2);
            }
            int v = 0;
            for (int i = at; i < at + 4; i++) {
                char h = s.charAt(i);
                int d;
                if (h >= '0' && h <= '9') {
                    d = h - '0';
                } else if (h >= 'a' && h <= 'f') {
                    d = h - 'a' + 10;
                } else if (h >= 'A' && h <= 'F') {
                    d = h - 'A' + 10;
                } else {
                    throw new ParseException("invalid hex digit in \\u escape", i);
                }
                v = (v << 4) | d;
            }
            return (char) v;
        }

        private Object readNumber() throws ParseException {
            int start = pos;
            if (peek() == '-') {
                pos++;
            }
            if (peek() == '0') {
                pos++;
            } else if (isDigit(peek())) {
                while (isDigit(peek())) {
                    pos++;
                }
            } else {
                throw new ParseException("invalid number", start);
            }
            boolean integral = true;
            if (peek() == '.') {
                integral = false;
                pos++;
                if (!isDigit(peek())) {
                    throw new ParseException("expected digit after decimal point", pos);
                }
                while (isDigit(peek())) {
                    pos++;
                }
            }
            if (peek() == 'e' || peek() == 'E') {
                integral = false;
                pos++;
                if (peek() == '+' || peek() == '-') {
                    pos++;
                }
                if (!isDigit(peek())) {
                    throw new ParseException("expected digit in exponent", pos);
                }
                while (isDigit(peek())) {
                    pos++;
                }
            }
            String num = s.substring(start, pos);
            if (integral) {
                try {
                    return Long.valueOf(num);
                } catch (NumberFormatException tooBig) {
                    // falls through to Double
                }
            }
            return Double.valueOf(num);
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }
    }

    private static String printable(char c) {
        return c < 0x20 || c == '\uFFFF' ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }

    // ------------------------------------------------------------------ writing

    /** Serialises a value (see class comment for accepted types) to compact JSON text. */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(value, sb, 0);
        return sb.toString();
    }

    /** Returns {@code s} as a JSON string literal, quotes included. */
    public static String quote(CharSequence s) {
        StringBuilder sb = new StringBuilder(s.length() + 2);
        writeString(s, sb);
        return sb.toString();
    }

    private static void write(Object value, StringBuilder sb, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("nesting deeper than " + MAX_DEPTH + " (cycle?)");
        }
        if (value == null) {
            sb.append("null");
        } else if (value instanceof CharSequence) {
            writeString((CharSequence) value, sb);
        } else if (value instanceof Boolean) {
            sb.append(((Boolean) value).booleanValue() ? "true" : "false");
        } else if (value instanceof Number) {
            writeNumber((Number) value, sb);
        } else if (value instanceof Map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                if (!(e.getKey() instanceof CharSequence)) {
                    throw new IllegalArgumentException("JSON object keys must be strings: " + e.getKey());
                }
                if (!first) {
                    sb.append(',');
                }
                first = false;
                writeString((CharSequence) e.getKey(), sb);
                sb.append(':');
                write(e.getValue(), sb, depth + 1);
            }
            sb.append('}');
        } else if (value instanceof Iterable) {
            sb.append('[');
            Iterator<?> it = ((Iterable<?>) value).iterator();
            boolean first = true;
            while (it.hasNext()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                write(it.next(), sb, depth + 1);
            }
            sb.append(']');
        } else if (value instanceof Object[]) {
            sb.append('[');
            Object[] arr = (Object[]) value;
            for (int i = 0; i < arr.length; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                write(arr[i], sb, depth + 1);
            }
            sb.append(']');
        } else if (value instanceof Character) {
            writeString(String.valueOf(value), sb);
        } else {
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON");
        }
    }

    private static void writeNumber(Number n, StringBuilder sb) {
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("JSON has no NaN or infinity: " + d);
            }
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                sb.append((long) d);
            } else {
                sb.append(Double.toString(d)); // e.g. 1.5, 1.0E20: both valid JSON numbers
            }
        } else {
            sb.append(n.toString()); // Integer, Long, Short, Byte, BigInteger, BigDecimal
        }
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private static void writeString(CharSequence s, StringBuilder sb) {
        sb.append('"');
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
            case '"':
                sb.append("\\\"");
                break;
            case '\\':
                sb.append("\\\\");
                break;
            case '\n':
                sb.append("\\n");
                break;
            case '\r':
                sb.append("\\r");
                break;
            case '\t':
                sb.append("\\t");
                break;
            case '\b':
                sb.append("\\b");
                break;
            case '\f':
                sb.append("\\f");
                break;
            default:
                if (c < 0x20 || c == '\u2028' || c == '\u2029' || c == 0x7f) {
                    appendUnicodeEscape(c, sb);
                } else if (Character.isHighSurrogate(c)) {
                    if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                        sb.append(c).append(s.charAt(i + 1)); // a proper pair: keep as is
                        i++;
                    } else {
                        appendUnicodeEscape(c, sb); // lone surrogate: cannot be UTF-8 encoded raw
                    }
                } else if (Character.isLowSurrogate(c)) {
                    appendUnicodeEscape(c, sb);
                } else {
                    sb.append(c);
                }
            }
        }
        sb.append('"');
    }

    private static void appendUnicodeEscape(char c, StringBuilder sb) {
        sb.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf])
                .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
    }
}
