/* fuzz_escape.c - libFuzzer target: whatever bytes a peer sends, nb_escape's output holds no
 * control byte, DEL, C1 or bidi control and is valid UTF-8; its length is what it returns;
 * truncation gives a prefix; nb_escape_write writes the same text; JSON strings stay valid. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netbasics/out.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond, what)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_escape: %s\n", what);                                            \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* Decodes one strict UTF-8 sequence (no overlongs, surrogates or values past U+10FFFF);
 * returns its length, 0 if invalid. */
static size_t utf8_next(const unsigned char *p, size_t n, uint32_t *cp)
{
    size_t len;
    uint32_t c, min;

    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    if ((p[0] & 0xe0) == 0xc0)
        len = 2, c = p[0] & 0x1fu, min = 0x80;
    else if ((p[0] & 0xf0) == 0xe0)
        len = 3, c = p[0] & 0x0fu, min = 0x800;
    else if ((p[0] & 0xf8) == 0xf0)
        len = 4, c = p[0] & 0x07u, min = 0x10000;
    else
        return 0;
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        c = c << 6 | (p[i] & 0x3fu);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return len;
}

/* Code points a terminal acts on or that reorder text (Unicode Bidi_Control). */
static int dangerous(uint32_t c)
{
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x061c || c == 0x200e || c == 0x200f ||
           (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/* allow_lines: NB_ESC_LINES passes line ends and tabs (and only those). */
static void check_safe(const char *out, size_t len, int ascii_only, int allow_lines)
{
    const unsigned char *p = (const unsigned char *)out;
    size_t i = 0;

    while (i < len) {
        uint32_t c;
        size_t k = utf8_next(p + i, len - i, &c);

        CHECK(k > 0, "output is not valid UTF-8");
        CHECK(!dangerous(c) || (allow_lines && (c == '\n' || c == '\t' ||
                                                (c == '\r' && i + 1 < len && p[i + 1] == '\n'))),
              "output holds a control, DEL, C1 or bidi control");
        CHECK(!ascii_only || c < 0x80, "output of an ASCII-only style is not ASCII");
        i += k;
    }
}

/* A JSON string with its quotes: valid UTF-8, no raw control byte, only known escapes. */
static void check_json(const char *s, size_t len)
{
    CHECK(len >= 2 && s[0] == '"' && s[len - 1] == '"', "JSON string without its quotes");
    for (size_t i = 1; i < len - 1; i++) {
        unsigned char c = (unsigned char)s[i];

        CHECK(c >= 0x20 && c != '"', "raw control byte or quote inside a JSON string");
        if (c == '\\') {
            CHECK(i + 1 < len - 1, "JSON string ends in a backslash");
            c = (unsigned char)s[++i];
            if (c == 'u') {
                CHECK(i + 4 < len - 1 && strspn(s + i + 1, "0123456789abcdefABCDEF") >= 4,
                      "bad \\u escape");
                i += 4;
            } else {
                CHECK(strchr("\"\\/bfnrt", c) != NULL, "unknown JSON escape");
            }
        }
    }
    {
        uint32_t cp;

        for (size_t i = 0; i < len;) {
            size_t k = utf8_next((const unsigned char *)s + i, len - i, &cp);

            CHECK(k > 0, "JSON output is not valid UTF-8");
            i += k;
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    enum nb_esc_style style;
    const uint8_t *in;
    size_t n, need, cut;
    char *big, *small, *mem = NULL;
    size_t memlen = 0;
    FILE *f;

    if (size < 1 || size > 8192)
        return 0;
    style = (enum nb_esc_style)(data[0] % 4); /* C, TEXT, PYREPR, LINES */
    in = data + 1;
    n = size - 1;

    big = malloc(4 * n + 3);
    if (!big)
        return 0;
    need = nb_escape(in, n, style, big, 4 * n + 3);
    CHECK(need <= 4 * n + 2, "more than 4 bytes of output per input byte");
    CHECK(need == strlen(big), "returned length differs from strlen");
    CHECK(nb_escape(in, n, style, NULL, 0) == need, "length depends on the buffer");
    check_safe(big, need, style == NB_ESC_PYREPR, style == NB_ESC_LINES);
    if (style == NB_ESC_C) {
        /* nothing is lost: printable ASCII other than '\\' passes through unchanged */
        size_t plain = 0, outplain = 0;

        for (size_t i = 0; i < n; i++)
            plain += in[i] >= 0x20 && in[i] < 0x7f && in[i] != '\\';
        for (size_t i = 0; i < need; i++)
            outplain += big[i] != '\\';
        CHECK(outplain >= plain, "printable input went missing");
    }

    /* a truncated buffer holds a terminated prefix and the same length is returned */
    cut = n ? data[n] % (need + 2) : 0;
    small = malloc(cut + 1);
    if (small) {
        CHECK(nb_escape(in, n, style, small, cut + 1) == need, "truncation changes the length");
        CHECK(strlen(small) == (cut < need ? cut : need), "truncated text has the wrong length");
        CHECK(memcmp(small, big, strlen(small)) == 0, "truncated text is not a prefix");
        free(small);
    }

    /* the streaming form writes exactly the same text */
    f = open_memstream(&mem, &memlen);
    if (f) {
        CHECK(nb_escape_write(f, in, n, style) == 0, "nb_escape_write failed");
        fclose(f);
        CHECK(memlen == need && memcmp(mem, big, need) == 0, "nb_escape_write != nb_escape");
        free(mem);
    }
    free(big);

    /* JSON strings are always valid JSON, whatever the bytes */
    mem = NULL;
    memlen = 0;
    f = open_memstream(&mem, &memlen);
    if (f) {
        CHECK(nb_json_string(f, in, n) == 0, "nb_json_string failed");
        fclose(f);
        check_json(mem, memlen);
        free(mem);
    }
    return 0;
}
