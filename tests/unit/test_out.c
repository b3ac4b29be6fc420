/* test_out.c - the output layer: nb_escape in each style, JSON strings and objects, tables,
 * colour decisions, the --explain channel and the stderr/stdout helpers. */
#define _XOPEN_SOURCE 700 /* posix_openpt, for a real terminal to test colour against */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cmocka.h>

#include <netbasics/out.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Compares a malloc'd text with the expected one, frees it, and fails with both shown. */
static void expect_text(char *got, const char *want)
{
    int same = strcmp(got, want) == 0;

    if (!same)
        print_error("got:\n%s\nwant:\n%s\n", got, want);
    free(got);
    assert_true(same);
}

/* ---- nb_escape -------------------------------------------------------------------------- */

struct esc_case {
    enum nb_esc_style style;
    const char *in;
    size_t n; /* 0: strlen(in) */
    const char *want;
};

#define C NB_ESC_C
#define T NB_ESC_TEXT
#define P NB_ESC_PYREPR

/* clang-format off */
static const struct esc_case esc_cases[] = {
    {C, "hello, world", 0, "hello, world"},
    {C, "", 0, ""},
    {C, "say \"hi\"", 0, "say \"hi\""},
    {C, "it's", 0, "it's"},
    {C, "a\\b", 0, "a\\\\b"},
    {C, "\n\r\t", 0, "\\n\\r\\t"},
    {C, "\x1b[31mred\x1b[0m", 0, "\\x1b[31mred\\x1b[0m"},      /* SGR */
    {C, "\x1b]0;title\x07", 0, "\\x1b]0;title\\x07"},          /* OSC set title */
    {C, "\x1b[2J\x1b[H", 0, "\\x1b[2J\\x1b[H"},                /* CSI clear screen */
    {C, "\x1b" "P1$r\x1b\\", 0, "\\x1bP1$r\\x1b\\\\"},           /* DCS */
    {C, "\xc2\x9b" "31m", 0, "\\xc2\\x9b31m"},                 /* C1 CSI as UTF-8 */
    {C, "\xc2\x80\xc2\x9f", 0, "\\xc2\\x80\\xc2\\x9f"},        /* C1 bounds */
    {C, "\x9b" "31m", 0, "\\x9b31m"},                          /* raw C1 byte */
    {C, "abc\xe2\x80\xae" "cba", 0, "abc\\xe2\\x80\\xaecba"},  /* U+202E RLO */
    {C, "\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", 0,
     "\\xe2\\x80\\xaa\\xe2\\x80\\xab\\xe2\\x80\\xac\\xe2\\x80\\xad"}, /* U+202A..D */
    {C, "\xe2\x81\xa6\xe2\x81\xa9", 0, "\\xe2\\x81\\xa6\\xe2\\x81\\xa9"}, /* U+2066, U+2069 */
    {C, "\xe2\x80\x8e\xe2\x80\x8f", 0, "\\xe2\\x80\\x8e\\xe2\\x80\\x8f"}, /* LRM, RLM */
    {C, "\xd8\x9c", 0, "\\xd8\\x9c"},                          /* U+061C ARABIC LETTER MARK */
    {C, "\x7f", 0, "\\x7f"},
    {C, "a\0b", 3, "a\\x00b"},
    {C, "\x01\x1f", 0, "\\x01\\x1f"},
    {C, "caf\xc3\xa9", 0, "caf\xc3\xa9"},                      /* valid UTF-8 passes */
    {C, "\xe6\x97\xa5\xe6\x9c\xac", 0, "\xe6\x97\xa5\xe6\x9c\xac"},
    {C, "\xf0\x9f\x98\x80", 0, "\xf0\x9f\x98\x80"},
    {C, "\xc2\xa0", 0, "\xc2\xa0"},                            /* U+00A0 is printable */
    {C, "\xff\xfe", 0, "\\xff\\xfe"},
    {C, "\xc0\xaf", 0, "\\xc0\\xaf"},                          /* overlong '/' */
    {C, "\xc1\xbf", 0, "\\xc1\\xbf"},
    {C, "\xe0\x80\xaf", 0, "\\xe0\\x80\\xaf"},
    {C, "\xf0\x80\x80\xaf", 0, "\\xf0\\x80\\x80\\xaf"},
    {C, "\xc0\x9b", 0, "\\xc0\\x9b"},                          /* overlong ESC-ish */
    {C, "\xe0\x82\x9b", 0, "\\xe0\\x82\\x9b"},                 /* overlong U+009B */
    {C, "\xed\xa0\x80", 0, "\\xed\\xa0\\x80"},                 /* a surrogate */
    {C, "\xf4\x90\x80\x80", 0, "\\xf4\\x90\\x80\\x80"},        /* above U+10FFFF */
    {C, "\xf8\x88\x80\x80\x80", 0, "\\xf8\\x88\\x80\\x80\\x80"},
    {C, "ok\xe2\x80", 0, "ok\\xe2\\x80"},                      /* truncated at the end */
    {C, "\xc2" "a", 0, "\\xc2a"},
    {C, "\xe2\x80\x1b", 0, "\\xe2\\x80\\x1b"},
    {C, "\x80", 0, "\\x80"},
    {C, "a\x07" "b", 0, "a\\x07b"},                          /* BEL */
    {C, "\xe2\x81\xa7\xe2\x81\xa8", 0, "\\xe2\\x81\\xa7\\xe2\\x81\\xa8"}, /* U+2067, U+2068 */
    {C, "\xe2\x80\xa9\xe2\x80\xaf", 0, "\\xe2\\x80\\xa9\xe2\x80\xaf"}, /* U+2029 escaped, U+202F passes */
    {C, "\xe2\x81\xaa", 0, "\\xe2\\x81\\xaa"},              /* U+206A */
    {C, "\xc2\xa1", 0, "\xc2\xa1"},                            /* U+00A1: first after C1 */
    /* TEXT: a whole message; the backslash passes, so quoted escapes stay as they are */
    {T, "port '8\\x1b0' is not a number", 0, "port '8\\x1b0' is not a number"},
    {T, "a\\b", 0, "a\\b"},
    {T, "a\x1b[31mb", 0, "a\\x1b[31mb"},
    {T, "\x1b]0;pwned\x07", 0, "\\x1b]0;pwned\\x07"},
    {T, "line\nnext\r\t", 0, "line\\nnext\\r\\t"},
    {T, "a\0b\x7f", 4, "a\\x00b\\x7f"},
    {T, "\x9b" "31m", 0, "\\x9b31m"},
    {T, "\xc2\x9b" "31m", 0, "\\xc2\\x9b31m"},
    {T, "abc\xe2\x80\xae" "cba", 0, "abc\\xe2\\x80\\xaecba"},
    {T, "\xe2\x81\xa6" "x\xe2\x81\xa9", 0, "\\xe2\\x81\\xa6x\\xe2\\x81\\xa9"},
    {T, "\xff\xc3(", 0, "\\xff\\xc3("},
    {T, "caf\xc3\xa9 \xe2\x80\x94 ok", 0, "caf\xc3\xa9 \xe2\x80\x94 ok"}, /* printable UTF-8 */
    /* PYREPR: exactly Python 3's repr(bytes) without the b (Python 2's repr(str), which the
     * lesson prints as "Received: 'hello'"), quotes chosen as Python chooses them */
    {P, "You said hello\n", 0, "'You said hello\\n'"},
    {P, "it's", 0, "\"it's\""},
    {P, "say \"hi\"", 0, "'say \"hi\"'"},
    {P, "both ' and \"", 0, "'both \\' and \"'"},
    {P, "a\\b", 0, "'a\\\\b'"},
    {P, "\t\r\n", 0, "'\\t\\r\\n'"},
    {P, "\x0b\x0c", 0, "'\\x0b\\x0c'"},
    {P, "\x1b[31m", 0, "'\\x1b[31m'"},
    {P, "\0\x7f", 2, "'\\x00\\x7f'"},
    {P, "caf\xc3\xa9", 0, "'caf\\xc3\\xa9'"},
    {P, "\x9b\xff", 0, "'\\x9b\\xff'"},
    {P, "", 0, "''"},
};
/* clang-format on */

static const char *style_name(enum nb_esc_style s)
{
    return s == NB_ESC_C ? "C" : s == NB_ESC_TEXT ? "TEXT" : "PYREPR";
}

/* Whether out has a byte a terminal would act on: a control byte, DEL or a C1 byte. */
static int has_raw_control(const char *out)
{
    for (const unsigned char *p = (const unsigned char *)out; *p; p++)
        if (*p < 0x20 || *p == 0x7f || (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
            return 1;
    return 0;
}

static void test_escape_table(void **state)
{
    int nfail = 0;

    for (size_t i = 0; i < N(esc_cases); i++) {
        const struct esc_case *c = &esc_cases[i];
        size_t n = c->n ? c->n : strlen(c->in);
        char buf[256];
        size_t got = nb_escape(c->in, n, c->style, buf, sizeof buf);

        if (strcmp(buf, c->want) || got != strlen(c->want) || has_raw_control(buf)) {
            print_error("escape case %zu (%s): got '%s' (%zu), want '%s' (%zu)\n", i,
                        style_name(c->style), buf, got, c->want, strlen(c->want));
            nfail++;
        }
    }
    assert_int_equal(nfail, 0);
}

/* Like snprintf: the return is the full length, the buffer a terminated prefix. */
static void test_escape_truncation(void **state)
{
    static const char in[] = "\x1b[31mred\xe2\x80\xae!";
    const char *full = "\\x1b[31mred\\xe2\\x80\\xae!";
    char buf[64];

    for (size_t sz = 0; sz <= strlen(full) + 1; sz++) {
        memset(buf, 'Z', sizeof buf);
        assert_int_equal(nb_escape(in, sizeof in - 1, NB_ESC_C, buf, sz), strlen(full));
        if (sz == 0) {
            assert_int_equal(buf[0], 'Z'); /* nothing written */
            continue;
        }
        assert_int_equal(strlen(buf), sz - 1 < strlen(full) ? sz - 1 : strlen(full));
        assert_memory_equal(buf, full, strlen(buf));
        assert_int_equal(buf[sz], 'Z'); /* nothing past bufsz */
    }
    assert_int_equal(nb_escape(in, sizeof in - 1, NB_ESC_C, NULL, 0), strlen(full));
    assert_int_equal(nb_escape("\xff", 1, NB_ESC_PYREPR, NULL, 0), 6); /* '\xff' */
    assert_int_equal(nb_escape("", 0, NB_ESC_C, buf, 1), 0);
    assert_string_equal(buf, "");
}

/* nb_escape_write must write exactly what nb_escape returns, also across its internal
 * slices: long texts with multibyte sequences and invalid bytes at every offset. */
static int write_matches(const unsigned char *in, size_t n, enum nb_esc_style style)
{
    char *mem = NULL, *want;
    size_t memlen = 0, need = nb_escape(in, n, style, NULL, 0);
    FILE *f = open_memstream(&mem, &memlen);
    int ok;

    assert_non_null(f);
    assert_int_equal(nb_escape_write(f, in, n, style), 0);
    assert_int_equal(fclose(f), 0);
    want = malloc(need + 1);
    assert_non_null(want);
    nb_escape(in, n, style, want, need + 1);
    ok = memlen == need && memcmp(mem, want, need) == 0;
    free(mem);
    free(want);
    return ok;
}

static void test_escape_write(void **state)
{
    /* clang-format off */
    static const unsigned char seqs[][6] = {
        {0xf0, 0x90, 0x80, 0x80, 0x80, 0x80}, /* valid U+10000, then two stray bytes */
        {0xe6, 0x97, 0xa5, 0xe6, 0x9c, 0xac},
        {0xe2, 0x80, 0xae, 0xc2, 0x9b, 0x1b},
        {0xc3, 0xa9, 0xc3, 0xa9, 0xc3, 0xa9},
        {0xf0, 0x9f, 0x98, 0x80, 0xff, 0x80},
    };
    /* clang-format on */
    unsigned char buf[2100];
    int nfail = 0;

    for (size_t s = 0; s < N(seqs); s++)
        for (size_t at = 500; at < 520; at++) {
            memset(buf, 'a', sizeof buf);
            memcpy(buf + at, seqs[s], 6);
            memcpy(buf + at + 1024, seqs[s], 6);
            for (int style = NB_ESC_C; style <= NB_ESC_PYREPR; style++)
                if (!write_matches(buf, sizeof buf, (enum nb_esc_style)style)) {
                    print_error("nb_escape_write differs from nb_escape: sequence %zu at %zu, "
                                "style %s\n",
                                s, at, style_name((enum nb_esc_style)style));
                    nfail++;
                }
        }
    assert_int_equal(nfail, 0);
}

/* Every single byte and every two-byte pair: nothing a terminal acts on gets through. */
static void test_escape_exhaustive_pairs(void **state)
{
    char buf[64];

    for (int style = NB_ESC_C; style <= NB_ESC_PYREPR; style++)
        for (unsigned a = 0; a < 256; a++)
            for (unsigned b = 0; b < 256; b++) {
                unsigned char in[2] = {(unsigned char)a, (unsigned char)b};
                size_t n = nb_escape(in, 2, (enum nb_esc_style)style, buf, sizeof buf);

                assert_int_equal(n, strlen(buf));
                if (has_raw_control(buf))
                    fail_msg("style %d, bytes %02x %02x: '%s'", style, a, b, buf);
                if (style == NB_ESC_PYREPR)
                    for (const char *p = buf; *p; p++)
                        if ((unsigned char)*p >= 0x80)
                            fail_msg("style %d, bytes %02x %02x: non-ASCII output", style, a, b);
            }
}

/* Encodes code point c as UTF-8 into b; returns the length. */
static size_t utf8_encode(uint32_t c, unsigned char *b)
{
    if (c < 0x80) {
        b[0] = (unsigned char)c;
        return 1;
    }
    if (c < 0x800) {
        b[0] = (unsigned char)(0xc0 | c >> 6);
        b[1] = (unsigned char)(0x80 | (c & 0x3f));
        return 2;
    }
    if (c < 0x10000) {
        b[0] = (unsigned char)(0xe0 | c >> 12);
        b[1] = (unsigned char)(0x80 | (c >> 6 & 0x3f));
        b[2] = (unsigned char)(0x80 | (c & 0x3f));
        return 3;
    }
    b[0] = (unsigned char)(0xf0 | c >> 18);
    b[1] = (unsigned char)(0x80 | (c >> 12 & 0x3f));
    b[2] = (unsigned char)(0x80 | (c >> 6 & 0x3f));
    b[3] = (unsigned char)(0x80 | (c & 0x3f));
    return 4;
}

/* The classes the issue names: C0, DEL, C1 and the bidi controls. */
static int must_escape(uint32_t c)
{
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) ||
           (c >= 0x2066 && c <= 0x2069);
}

/* Every code point in every style: one of the named classes comes out as
 * printable ASCII only; every other valid one is either passed whole
 * (C and TEXT) or escaped, never cut. */
static void test_escape_every_code_point(void **state)
{
    static const enum nb_esc_style styles[] = {NB_ESC_C, NB_ESC_TEXT, NB_ESC_PYREPR};
    int nfail = 0;

    for (uint32_t c = 0; c <= 0x10ffff && nfail < 10; c++) {
        unsigned char in[4];
        size_t n;
        if (c >= 0xd800 && c <= 0xdfff)
            continue;
        n = utf8_encode(c, in);
        for (size_t s = 0; s < N(styles); s++) {
            char buf[64];
            nb_escape(in, n, styles[s], buf, sizeof buf);
            if (must_escape(c)) {
                for (const unsigned char *p = (const unsigned char *)buf; *p; p++)
                    if (*p < 0x20 || *p >= 0x7f) {
                        print_error("U+%04X in style %s: '%s' is not printable ASCII\n",
                                    (unsigned)c, style_name(styles[s]), buf);
                        nfail++;
                        break;
                    }
            }
        }
    }
    assert_int_equal(nfail, 0);
}

struct quote_case {
    const char *in;
    size_t max, bufsz;
    const char *want;
};

/* nb_quote: the escaped first max bytes, "..." when cut, never an escape cut in two. */
static void test_quote(void **state)
{
    /* clang-format off */
    static const struct quote_case cases[] = {
        {"80", 24, 112, "80"},
        {"8\x1b[31m0", 24, 112, "8\\x1b[31m0"},
        {"80\r", 24, 112, "80\\r"},
        {"a\\b", 24, 112, "a\\\\b"},
        {"123456789012345678901234567890", 24, 112, "123456789012345678901234..."},
        {"123456789012345678901234", 24, 112, "123456789012345678901234"},
        {"\x1b\x1b\x1b\x1b", 24, 12, "\\x1b\\x1b..."},      /* the buffer cuts: whole escapes */
        {"\x1b\x1b\x1b\x1b", 24, 16, "\\x1b\\x1b\\x1b..."},
        {"\x1b\x1b\x1b\x1b", 24, 17, "\\x1b\\x1b\\x1b\\x1b"},
        {"\x1b\x1b", 24, 9, "\\x1b\\x1b"},
        {"abcdef", 24, 4, "..."},
        {"abcdef", 24, 6, "ab..."},
        {"\xe2\x80\xae" "abc", 2, 112, "\\xe2\\x80..."},
        {"", 24, 112, ""},
    };
    /* clang-format on */
    int nfail = 0;

    for (size_t i = 0; i < N(cases); i++) {
        char buf[112];
        const char *got;
        memset(buf, 'Z', sizeof buf);
        got = nb_quote(cases[i].in, strlen(cases[i].in), cases[i].max, buf, cases[i].bufsz);
        if (got != buf || strcmp(buf, cases[i].want) || strlen(buf) >= cases[i].bufsz) {
            print_error("quote case %zu: got '%s', want '%s'\n", i, buf, cases[i].want);
            nfail++;
        }
    }
    assert_int_equal(nfail, 0);
}

/* ---- JSON ------------------------------------------------------------------------------- */

/* A FILE writing to memory, and the text it holds once closed. */
struct cap {
    FILE *f;
    char *text;
    size_t len;
};

static void cap_open(struct cap *c)
{
    c->text = NULL;
    c->len = 0;
    c->f = open_memstream(&c->text, &c->len);
    assert_non_null(c->f);
}

static char *cap_close(struct cap *c)
{
    assert_int_equal(fclose(c->f), 0);
    return c->text;
}

struct json_str_case {
    const char *in;
    size_t n;
    const char *want;
};

static const struct json_str_case json_str_cases[] = {
    {"plain", 0, "\"plain\""},
    {"", 0, "\"\""},
    {"a\"b\\c/d", 0, "\"a\\\"b\\\\c/d\""},
    {"\n\r\t", 0, "\"\\n\\r\\t\""},
    {"\x01\x1b\x1f", 0, "\"\\u0001\\u001b\\u001f\""},
    {"a\0b", 3, "\"a\\u0000b\""},
    {"\x7f", 0, "\"\\u007f\""},
    {"caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80", 0,
     "\"caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80\""},
    {"\xff", 0, "\"\\u00ff\""},
    {"\xc0\xaf", 0, "\"\\u00c0\\u00af\""},
    {"\xed\xa0\x80", 0, "\"\\u00ed\\u00a0\\u0080\""},
    {"x\xe2\x80", 0, "\"x\\u00e2\\u0080\""},
    {"\x9b", 0, "\"\\u009b\""},
};

/* Whether s is valid UTF-8 with no raw byte below 0x20 (what a JSON string needs). */
static int json_safe(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    while (*p) {
        int n = *p < 0x80             ? 1
                : (*p & 0xe0) == 0xc0 ? 2
                : (*p & 0xf0) == 0xe0 ? 3
                : (*p & 0xf8) == 0xf0 ? 4
                                      : 0;

        if (n == 0 || *p < 0x20 || (n > 1 && *p < 0xc2))
            return 0;
        for (int k = 1; k < n; k++)
            if ((p[k] & 0xc0) != 0x80)
                return 0;
        p += n;
    }
    return 1;
}

static void test_json_string(void **state)
{
    int nfail = 0;

    for (size_t i = 0; i < N(json_str_cases); i++) {
        const struct json_str_case *c = &json_str_cases[i];
        struct cap cap;
        char *out;

        cap_open(&cap);
        assert_int_equal(nb_json_string(cap.f, c->in, c->n ? c->n : strlen(c->in)), 0);
        out = cap_close(&cap);
        if (strcmp(out, c->want) || !json_safe(out)) {
            print_error("json case %zu: got %s, want %s\n", i, out, c->want);
            nfail++;
        }
        free(out);
    }
    assert_int_equal(nfail, 0);
}

static void test_json_object(void **state)
{
    struct nb_json j;
    struct cap cap;
    char *out;

    cap_open(&cap);
    nb_json_begin(&j, cap.f);
    nb_json_str(&j, "name", "example.com");
    nb_json_uint(&j, "port", 80);
    nb_json_int(&j, "delta", -5);
    nb_json_bool(&j, "ok", 1);
    nb_json_bool(&j, "bad", 0);
    nb_json_null(&j, "cname");
    nb_json_open(&j, "addrs", '[');
    nb_json_str(&j, NULL, "1.2.3.4");
    nb_json_open(&j, NULL, '{');
    nb_json_int(&j, "ttl", 300);
    nb_json_open(&j, "tags", '[');
    nb_json_close(&j, ']');
    nb_json_close(&j, '}');
    nb_json_open(&j, NULL, '[');
    nb_json_uint(&j, NULL, 1);
    nb_json_uint(&j, NULL, 2);
    nb_json_close(&j, ']');
    nb_json_close(&j, ']');
    nb_json_open(&j, "empty", '{');
    nb_json_close(&j, '}');
    nb_json_strn(&j, "raw", "a\0\x1b\xff", 4);
    nb_json_int(&j, "min", INT64_MIN);
    nb_json_uint(&j, "max", UINT64_MAX);
    nb_json_end(&j);
    out = cap_close(&cap);
    expect_text(out, "{\"name\":\"example.com\",\"port\":80,\"delta\":-5,\"ok\":true,"
                     "\"bad\":false,\"cname\":null,\"addrs\":[\"1.2.3.4\",{\"ttl\":300,"
                     "\"tags\":[]},[1,2]],\"empty\":{},\"raw\":\"a\\u0000\\u001b\\u00ff\","
                     "\"min\":-9223372036854775808,\"max\":18446744073709551615}\n");

    /* an empty object, then a second one on the same stream: one line each */
    cap_open(&cap);
    nb_json_begin(&j, cap.f);
    nb_json_end(&j);
    nb_json_begin(&j, cap.f);
    nb_json_int(&j, "n", 1);
    nb_json_end(&j);
    out = cap_close(&cap);
    expect_text(out, "{}\n{\"n\":1}\n");
}

/* Eight levels of nesting, each with two elements. */
static void test_json_depth(void **state)
{
    struct nb_json j;
    struct cap cap;
    char *out;

    cap_open(&cap);
    nb_json_begin(&j, cap.f);
    nb_json_open(&j, "d", '[');
    for (int d = 1; d < 8; d++) {
        nb_json_int(&j, NULL, d);
        nb_json_open(&j, NULL, '[');
    }
    nb_json_int(&j, NULL, 8);
    for (int d = 0; d < 8; d++)
        nb_json_close(&j, ']');
    nb_json_bool(&j, "after", 1);
    nb_json_end(&j);
    out = cap_close(&cap);
    expect_text(out, "{\"d\":[1,[2,[3,[4,[5,[6,[7,[8]]]]]]]],\"after\":true}\n");
}

/* ---- tables ----------------------------------------------------------------------------- */

static char *print_table(const struct nb_table *t, const char *indent)
{
    struct cap cap;

    cap_open(&cap);
    nb_table_print(t, cap.f, indent);
    return cap_close(&cap);
}

static void test_table_alignment(void **state)
{
    static const char *const rows[][3] = {
        {"name", "addr", "ttl"},
        {"example.com", "1.2.3.4", "300"},
        {"a", "::1", "5"},
    };
    struct nb_table t;
    char *out;

    nb_table_init(&t, 3);
    for (size_t r = 0; r < N(rows); r++)
        assert_int_equal(nb_table_add(&t, rows[r]), 0);
    out = print_table(&t, "  ");
    expect_text(out, "  name         addr     ttl\n"
                     "  example.com  1.2.3.4  300\n"
                     "  a            ::1      5\n");

    t.right[2] = 1;
    t.right[1] = 1;
    out = print_table(&t, NULL);
    expect_text(out, "name            addr  ttl\n"
                     "example.com  1.2.3.4  300\n"
                     "a                ::1    5\n");

    nb_table_free(&t);
}

static void test_table_cells(void **state)
{
    struct nb_table t;
    const char *row[2] = {NULL, "x"};
    char *out;

    nb_table_init(&t, 2);
    assert_int_equal(nb_table_addf(&t, "%s\t%d", "caf\xc3\xa9", 42), 0); /* width 4 */
    assert_int_equal(nb_table_addf(&t, "%s\t%s", "ab", "y"), 0);
    assert_int_equal(nb_table_add(&t, row), 0);
    /* many rows: the table grows and keeps every cell */
    for (int i = 0; i < 100; i++)
        assert_int_equal(nb_table_addf(&t, "r%d\t%d", i, i * i), 0);
    assert_int_equal(t.nrows, 103);
    out = print_table(&t, "");
    assert_memory_equal(out, "caf\xc3\xa9  42\nab    y\n      x\nr0    0\n", 34);
    assert_non_null(strstr(out, "\nr99   9801\n"));
    free(out);
    nb_table_free(&t);
}

/* Display width, not bytes or code points: CJK characters take two columns. */
static void test_table_wide_chars(void **state)
{
    struct nb_table t;
    char *out;

    nb_table_init(&t, 2);
    assert_int_equal(nb_table_addf(&t, "\xe6\x97\xa5\xe6\x9c\xac\tx"), 0); /* 日本: 4 columns */
    assert_int_equal(nb_table_addf(&t, "abc\ty"), 0);
    out = print_table(&t, "");
    expect_text(out, "\xe6\x97\xa5\xe6\x9c\xac  x\nabc   y\n");

    nb_table_free(&t);
}

/* ---- colour ----------------------------------------------------------------------------- */

/* A terminal to ask about: the slave side of a new pseudo-terminal, or -1. */
static int open_tty(int *master)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY), s;

    if (m < 0 || grantpt(m) || unlockpt(m)) {
        if (m >= 0)
            close(m);
        return -1;
    }
    s = open(ptsname(m), O_RDWR | O_NOCTTY);
    if (s < 0) {
        close(m);
        return -1;
    }
    *master = m;
    return s;
}

static void test_color_wanted(void **state)
{
    int fds[2], master = -1, tty = open_tty(&master);

    assert_int_equal(pipe(fds), 0);
    setenv("TERM", "xterm-256color", 1);
    unsetenv("NO_COLOR");
    /* not a terminal: off, unless forced */
    assert_int_equal(nb_color_wanted(fds[1], NULL), 0);
    assert_int_equal(nb_color_wanted(fds[1], "auto"), 0);
    assert_int_equal(nb_color_wanted(fds[1], "always"), 1);
    assert_int_equal(nb_color_wanted(fds[1], "never"), 0);
    assert_int_equal(nb_color_wanted(-1, NULL), 0);
    if (tty < 0) {
        print_message("no pseudo-terminal here: the terminal half is skipped\n");
    } else {
        assert_int_equal(nb_color_wanted(tty, NULL), 1);
        assert_int_equal(nb_color_wanted(tty, "auto"), 1);
        assert_int_equal(nb_color_wanted(tty, "never"), 0);
        setenv("NO_COLOR", "1", 1);
        assert_int_equal(nb_color_wanted(tty, NULL), 0);
        assert_int_equal(nb_color_wanted(tty, "always"), 1);
        setenv("NO_COLOR", "", 1); /* empty counts as unset (no-color.org) */
        assert_int_equal(nb_color_wanted(tty, NULL), 1);
        unsetenv("NO_COLOR");
        setenv("TERM", "dumb", 1);
        assert_int_equal(nb_color_wanted(tty, NULL), 0);
        setenv("TERM", "xterm", 1);
        assert_int_equal(nb_color_wanted(tty, NULL), 1);
        close(tty);
        close(master);
    }
    setenv("NO_COLOR", "1", 1);
    assert_int_equal(nb_color_wanted(fds[1], NULL), 0);
    unsetenv("NO_COLOR");
    close(fds[0]);
    close(fds[1]);
}

static void test_colors_init(void **state)
{
    struct nb_colors c;

    nb_colors_init(&c, 0);
    assert_string_equal(c.bold, "");
    assert_string_equal(c.red, "");
    assert_string_equal(c.reset, "");
    nb_colors_init(&c, 1);
    assert_string_equal(c.reset, "\033[0m");
    assert_int_equal(c.red[0], '\033');
    assert_int_equal(c.green[0], '\033');
    assert_int_equal(c.yellow[0], '\033');
}

/* ---- --explain and the stderr/stdout helpers -------------------------------------------- */

struct lines {
    int n;
    char text[4][128];
};

static void capture_line(void *ctx, const char *line)
{
    struct lines *l = ctx;

    if (l->n < 4)
        snprintf(l->text[l->n], sizeof l->text[0], "%s", line);
    l->n++;
}

static void test_explain(void **state)
{
    struct lines got = {0};
    struct nb_explain x = {capture_line, &got, NB_EXPLAIN_WORDS}, silent = {NULL, &got, 0};

    assert_true(nb_explaining(&x));
    assert_false(nb_explaining(&silent));
    assert_false(nb_explaining(NULL));
    nb_explainf(&x, "socket(%s, %s) -> fd %d", "AF_INET", "SOCK_STREAM", 3);
    nb_explainf(&x, "connect to %s port %u", "127.0.0.1", 9087u);
    nb_explainf(&silent, "never seen %d", 1);
    nb_explainf(NULL, "never seen %d", 2);
    assert_int_equal(got.n, 2);
    assert_string_equal(got.text[0], "socket(AF_INET, SOCK_STREAM) -> fd 3");
    assert_string_equal(got.text[1], "connect to 127.0.0.1 port 9087");
}

/* The two levels: words at 1 (and at 0 with a sink), the bytes at 2 only,
 * escaped, a line of the data per line, cut at max with what was left. */
static void test_explain_levels(void **state)
{
    struct lines got = {0};
    struct nb_explain unset = {capture_line, &got, 0}, words = {capture_line, &got, 1},
                      packets = {capture_line, &got, 2};
    char big[300];

    (void)state;
    assert_true(nb_explaining_at(&unset, NB_EXPLAIN_WORDS));
    assert_false(nb_explaining_at(&unset, NB_EXPLAIN_PACKETS));
    assert_false(nb_explaining_at(&words, NB_EXPLAIN_PACKETS));
    assert_true(nb_explaining_at(&packets, NB_EXPLAIN_PACKETS));
    assert_false(nb_explaining_at(NULL, NB_EXPLAIN_WORDS));
    nb_explain_bytes(&words, ">", "hello\n", 6, 256);
    assert_int_equal(got.n, 0);
    nb_explain_bytes(&packets, "<", "hi\tthere\r\n\033[2Jbye", 17, 256);
    assert_int_equal(got.n, 2);
    assert_string_equal(got.text[0], "  < hi\\tthere\\r\\n");
    assert_string_equal(got.text[1], "  < \\x1b[2Jbye");
    got.n = 0;
    memset(big, 'a', sizeof big);
    nb_explain_bytes(&packets, ">", big, sizeof big, 256);
    assert_int_equal(got.n, 3); /* 128 + 128 bytes shown, then the rest counted */
    assert_int_equal(strlen(got.text[0]), sizeof got.text[0] - 1); /* cut by the test's buffer */
    assert_string_equal(got.text[2], "  > ... and 44 more bytes, not shown");
}

/* Runs fn with stderr going to a temporary file and returns what it wrote (malloc'd). */
static char *capture_stderr(void (*fn)(void *), void *arg)
{
    FILE *tmp = tmpfile();
    int saved;
    long n;
    char *text;

    assert_non_null(tmp);
    fflush(stderr);
    saved = dup(2);
    assert_true(saved >= 0);
    dup2(fileno(tmp), 2);
    fn(arg);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    assert_int_equal(fseek(tmp, 0, SEEK_END), 0);
    n = ftell(tmp);
    assert_true(n >= 0);
    text = calloc(1, (size_t)n + 1);
    assert_non_null(text);
    rewind(tmp);
    assert_int_equal(fread(text, 1, (size_t)n, tmp), (size_t)n);
    fclose(tmp);
    return text;
}

static void call_explain_to_stderr(void *arg)
{
    struct nb_explain x = {nb_explain_to_stderr, NULL, NB_EXPLAIN_WORDS};

    nb_explainf(&x, "%s", (const char *)arg);
}

static void call_errorf(void *arg)
{
    nb_errorf("checksock", "octet %d is %d, but an octet holds 0 to 255", 1, 256);
}

static void call_report(void *arg)
{
    struct nb_err e;

    nb_err_set(&e, NB_E_TIMEOUT, "no answer within %d s", 5);
    *(int *)arg = nb_report("send", &e);
}

static void test_stderr_helpers(void **state)
{
    char *out;
    int status = -1;

    /* out.h says "  | line", docs/design.md and the code say "* line" (curl -v's mark);
     * we follow docs/design.md */
    out = capture_stderr(call_explain_to_stderr, "connect() to 127.0.0.1:9087");
    expect_text(out, "* connect() to 127.0.0.1:9087\n");

    out = capture_stderr(call_errorf, NULL);
    expect_text(out, "netbasics checksock: octet 1 is 256, but an octet holds 0 to 255\n");

    out = capture_stderr(call_report, &status);
    expect_text(out, "netbasics send: no answer within 5 s\n");
    assert_int_equal(status, NB_EXIT_TIMEOUT);
}

/* A hostile text interpolated into each message writer. */
static const char HOSTILE[] = "a\x1b[31mb\x07"
                              "c\x7f"
                              "d\x9b"
                              "e\xc2\x9b"
                              "f\xe2\x80\xae"
                              "g\xe2\x81\xa6h\xff\ri\nj\\x41";
static const char HOSTILE_SHOWN[] = "a\\x1b[31mb\\x07c\\x7fd\\x9be\\xc2\\x9bf\\xe2\\x80\\xae"
                                    "g\\xe2\\x81\\xa6h\\xff\\ri\\nj\\x41";

static void call_errorf_hostile(void *arg)
{
    nb_errorf("resolve", "'%s': not a name", (const char *)arg);
}

static void call_notef_hostile(void *arg)
{
    nb_notef("Saved %s: 3 bytes", (const char *)arg);
}

static void call_report_hostile(void *arg)
{
    struct nb_err e;

    nb_err_set(&e, NB_E_INVALID, "port '%s' is not a number", (const char *)arg);
    nb_report("send", &e);
}

static void call_explain_hostile(void *arg)
{
    struct nb_explain x = {nb_explain_to_stderr, NULL, NB_EXPLAIN_WORDS};

    nb_explainf(&x, "query for %s", (const char *)arg);
}

/* A message longer than any stack buffer: escaped whole, one line. */
static void call_errorf_long(void *arg)
{
    char *big = malloc(20001);

    assert_non_null(big);
    for (size_t i = 0; i < 20000; i++)
        big[i] = i % 100 == 50 ? '\x1b' : 'x';
    big[20000] = '\0';
    nb_errorf("octets", "%s", big);
    free(big);
    (void)arg;
}

/* Every writer of message lines escapes what the format interpolated: no
 * message can carry a raw control byte, C1 or bidi control. */
static void test_messages_escaped(void **state)
{
    char *out, want[512];
    size_t esc = 0;

    snprintf(want, sizeof want, "netbasics resolve: '%s': not a name\n", HOSTILE_SHOWN);
    expect_text(capture_stderr(call_errorf_hostile, (void *)HOSTILE), want);
    snprintf(want, sizeof want, "Saved %s: 3 bytes\n", HOSTILE_SHOWN);
    expect_text(capture_stderr(call_notef_hostile, (void *)HOSTILE), want);
    snprintf(want, sizeof want, "netbasics send: port '%s' is not a number\n", HOSTILE_SHOWN);
    expect_text(capture_stderr(call_report_hostile, (void *)HOSTILE), want);
    snprintf(want, sizeof want, "* query for %s\n", HOSTILE_SHOWN);
    expect_text(capture_stderr(call_explain_hostile, (void *)HOSTILE), want);

    out = capture_stderr(call_errorf_long, NULL);
    assert_int_equal(strlen(out), strlen("netbasics octets: ") + 20000 - 200 + 200 * 4 + 1);
    assert_null(strchr(out, '\x1b'));
    assert_int_equal(strchr(out, '\n') - out, (long)strlen(out) - 1); /* one line */
    for (const char *p = out; (p = strstr(p, "\\x1b")); p++)
        esc++;
    assert_int_equal(esc, 200);
    free(out);
}

/* nb_finish_stdout with stdout on a full device, then on a pipe nobody reads. */
struct finish_arg {
    int fd, status;
};

static void call_finish(void *arg)
{
    struct finish_arg *a = arg;
    int saved;

    fflush(stdout);
    saved = dup(1);
    dup2(a->fd, 1);
    fputs("some output\n", stdout);
    a->status = nb_finish_stdout("octets", 0);
    __fpurge(stdout);
    clearerr(stdout);
    dup2(saved, 1);
    close(saved);
}

static void test_finish_stdout(void **state)
{
    struct finish_arg a;
    int fds[2];
    char *out;

    a.fd = open("/dev/full", O_WRONLY);
    if (a.fd < 0) {
        print_message("no /dev/full: the write-error half is skipped\n");
    } else {
        out = capture_stderr(call_finish, &a);
        assert_int_equal(a.status, NB_EXIT_SYS);
        assert_non_null(strstr(out, "netbasics octets: "));
        assert_non_null(strchr(out, '\n'));
        free(out);
        close(a.fd);
    }
    signal(SIGPIPE, SIG_IGN);
    assert_int_equal(pipe(fds), 0);
    close(fds[0]);
    a.fd = fds[1];
    out = capture_stderr(call_finish, &a);
    assert_int_equal(a.status, 0); /* EPIPE stays quiet, as a pipeline expects */
    expect_text(out, "");

    close(fds[1]);
    assert_int_equal(nb_finish_stdout("octets", 3), 3);
}

int main(void)
{
    /* clang-format off */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_table),
        cmocka_unit_test(test_escape_truncation),
        cmocka_unit_test(test_escape_write),
        cmocka_unit_test(test_escape_exhaustive_pairs),
        cmocka_unit_test(test_escape_every_code_point),
        cmocka_unit_test(test_quote),
        cmocka_unit_test(test_messages_escaped),
        cmocka_unit_test(test_json_string),
        cmocka_unit_test(test_json_object),
        cmocka_unit_test(test_json_depth),
        cmocka_unit_test(test_table_alignment),
        cmocka_unit_test(test_table_cells),
        cmocka_unit_test(test_table_wide_chars),
        cmocka_unit_test(test_color_wanted),
        cmocka_unit_test(test_colors_init),
        cmocka_unit_test(test_explain),
        cmocka_unit_test(test_explain_levels),
        cmocka_unit_test(test_stderr_helpers),
        cmocka_unit_test(test_finish_stdout),
    };
    /* clang-format on */

    return cmocka_run_group_tests(tests, NULL, NULL);
}
