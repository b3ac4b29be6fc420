/* test_lines.c - the one stdin policy: the line reader in both modes, its filter
 * fast path (runs of kept lines, CRLF, a last line without newline, lines over
 * the limit, empty lines), the two agreeing, and the quiz's answer checker. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include <cmocka.h>

#include <netbasics/bits.h>
#include <netbasics/lines.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A file descriptor that reads back p[0..n): a temporary file, rewound. */
static int input_fd(const void *p, size_t n)
{
    FILE *f = tmpfile();
    int fd;

    assert_non_null(f);
    assert_int_equal(fwrite(p, 1, n, f), n);
    assert_int_equal(fflush(f), 0);
    fd = dup(fileno(f));
    fclose(f);
    assert_true(fd >= 0);
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    return fd;
}

/* Opens r in mode over a descriptor reading in[0..n); returns the descriptor. */
static int reader_on(struct nb_lines *r, const char *in, size_t n, enum nb_lines_mode mode)
{
    struct nb_err e;
    int fd = input_fd(in, n);

    assert_int_equal(nb_lines_open(r, fd, mode, &e), 0);
    return fd;
}

/* Everything the reader gives for in[0..n) in mode: the items joined by '|',
 * a cut one marked "<cut N>", as a malloc'd string. */
static char *read_all(const char *in, size_t n, enum nb_lines_mode mode)
{
    struct nb_lines r;
    struct nb_err e;
    const char *line;
    size_t len, used = 0, cap = 1024;
    char *out = malloc(cap);
    int fd = reader_on(&r, in, n, mode), toolong, got, first = 1;

    assert_non_null(out);
    out[0] = '\0';
    while ((got = nb_lines_next(&r, &line, &len, &toolong, &e)) > 0) {
        char piece[64];
        const char *add = line;
        size_t addlen = len;
        assert_true(len > 0); /* an empty line is never an item */
        if (toolong) {
            snprintf(piece, sizeof piece, "<cut %zu>", len);
            add = piece;
            addlen = strlen(piece);
        }
        if (used + addlen + 2 > cap) {
            cap = (used + addlen + 2) * 2;
            out = realloc(out, cap);
            assert_non_null(out);
        }
        if (!first)
            out[used++] = '|';
        memcpy(out + used, add, addlen);
        used += addlen;
        out[used] = '\0';
        first = 0;
    }
    assert_int_equal(got, 0);
    nb_lines_close(&r);
    close(fd);
    return out;
}

struct read_case {
    const char *in;
    size_t n; /* 0: strlen(in) */
    const char *exact, *trim;
};

/* clang-format off */
static const struct read_case read_cases[] = {
    {"a\nb\n", 0, "a|b", "a|b"},
    {"a\r\nb\r\n", 0, "a|b", "a|b"},                      /* CRLF is a line ending */
    {"a\nb", 0, "a|b", "a|b"},                            /* a last line without newline */
    {"a\n\n\r\n\nb\n\n", 0, "a|b", "a|b"},                /* empty lines: skipped */
    {"\n\n\r\n", 0, "", ""},
    {"", 0, "", ""},
    {" a \n", 0, " a ", "a"},                             /* validators see the blanks */
    {"\t1.2.3.4:80 \r\n", 0, "\t1.2.3.4:80 ", "1.2.3.4:80"},
    {" \t \n", 0, " \t ", ""},                            /* a blank line: empty once trimmed */
    {"a b\n", 0, "a b", "a b"},                           /* trimming keeps inner blanks */
    {"a\rb\n", 0, "a\rb", "a\rb"},                        /* a CR inside stays */
    {"a\r\r\n", 0, "a\r", "a\r"},                         /* only one CR goes with the LF */
    {"a\r", 0, "a\r", "a\r"},                             /* a CR at the end is no line ending */
    {" a\r \n", 0, " a\r ", "a\r"},
    {"a\0b\n", 4, "a\0b", "a\0b"},                        /* a NUL is part of the line */
};
/* clang-format on */

static void test_reader_table(void **state)
{
    int nfail = 0;

    for (size_t i = 0; i < N(read_cases); i++) {
        const struct read_case *c = &read_cases[i];
        size_t n = c->n ? c->n : strlen(c->in);
        for (int m = 0; m < 2; m++) {
            const char *want = m ? c->trim : c->exact;
            size_t wlen = c->n ? c->n - 1 : strlen(want); /* the NUL case: "a\0b" */
            char *got = read_all(c->in, n, m ? NB_LINES_TRIM : NB_LINES_EXACT);
            if (c->n ? memcmp(got, want, wlen) != 0 : strcmp(got, want) != 0) {
                print_error("read case %zu (%s): got '%s', want '%s'\n", i, m ? "trim" : "exact",
                            got, want);
                nfail++;
            }
            free(got);
        }
    }
    assert_int_equal(nfail, 0);
}

/* Lines over NB_LINE_MAX are cut and flagged, the rest of them skipped; a line
 * of exactly NB_LINE_MAX is whole; the next line is read as usual. */
static void test_reader_long_lines(void **state)
{
    size_t big = 300000;
    char *in = malloc(big + 64), *got, want[64];

    assert_non_null(in);
    memset(in, 'x', NB_LINE_MAX + 10);
    memcpy(in + NB_LINE_MAX + 10, "\nb\n", 3);
    got = read_all(in, NB_LINE_MAX + 13, NB_LINES_EXACT);
    snprintf(want, sizeof want, "<cut %d>|b", NB_LINE_MAX);
    assert_string_equal(got, want);
    free(got);

    memset(in, 'x', NB_LINE_MAX);
    memcpy(in + NB_LINE_MAX, "\n", 1);
    got = read_all(in, NB_LINE_MAX + 1, NB_LINES_TRIM);
    assert_int_equal(strlen(got), NB_LINE_MAX);
    free(got);

    /* 300 KB without a newline, longer than the buffer: one cut item, then the end */
    memset(in, 'x', big);
    got = read_all(in, big, NB_LINES_EXACT);
    snprintf(want, sizeof want, "<cut %d>", NB_LINE_MAX);
    assert_string_equal(got, want);
    free(got);
    memcpy(in + big, "\r\nlast\r\n", 8);
    got = read_all(in, big + 8, NB_LINES_TRIM);
    snprintf(want, sizeof want, "<cut %d>|last", NB_LINE_MAX);
    assert_string_equal(got, want);
    free(got);
    free(in);
}

/* lineno counts the input's lines, empty ones included; crlf tells the ending. */
static void test_reader_position(void **state)
{
    static const char in[] = "a\n\n\r\nb\r\nc";
    struct nb_lines r;
    struct nb_err e;
    const char *line;
    size_t len;
    int toolong, fd = reader_on(&r, in, sizeof in - 1, NB_LINES_EXACT);

    assert_int_equal(nb_lines_next(&r, &line, &len, &toolong, &e), 1);
    assert_int_equal(r.lineno, 1);
    assert_int_equal(r.crlf, 0);
    assert_int_equal(nb_lines_next(&r, &line, &len, &toolong, &e), 1);
    assert_memory_equal(line, "b", 1);
    assert_int_equal(r.lineno, 4);
    assert_int_equal(r.crlf, 1);
    assert_int_equal(nb_lines_next(&r, &line, &len, &toolong, &e), 1);
    assert_memory_equal(line, "c", 1);
    assert_int_equal(r.lineno, 5);
    assert_int_equal(r.crlf, 0);
    assert_int_equal(nb_lines_next(&r, &line, &len, &toolong, &e), 0);
    nb_lines_close(&r);
    close(fd);
}

/* A read error is reported, not taken for the end of input. */
static void test_reader_error(void **state)
{
    struct nb_lines r;
    struct nb_err e;
    const char *line;
    size_t len;
    int toolong, all;

    assert_int_equal(nb_lines_open(&r, -1, NB_LINES_EXACT, &e), 0);
    assert_int_equal(nb_lines_next(&r, &line, &len, &toolong, &e), -1);
    assert_int_equal(e.code, NB_E_SYS);
    nb_lines_close(&r);
    assert_int_equal(nb_lines_open(&r, -1, NB_LINES_EXACT, &e), 0);
    assert_int_equal(nb_lines_filter(&r, NULL, NULL, &all, &e), -1);
    assert_int_equal(e.code, NB_E_SYS);
    nb_lines_close(&r);
}

/* ---- the filter fast path ----------------------------------------------------------------- */

static unsigned long keep_calls;

/* Keeps the lines that start with 'k' and hold no CR: the filter must hand
 * keep a line without its LF or CRLF, and never an empty one. */
static int keep_k(const char *line, size_t len)
{
    keep_calls++;
    assert_true(len > 0);
    return line[0] == 'k' && !memchr(line, '\r', len);
}

/* Runs the filter over in[0..n): what it wrote (malloc'd, *outlen) and *all. */
static char *filter(const char *in, size_t n, int *all, size_t *outlen, int to_nowhere)
{
    struct nb_lines r;
    struct nb_wbuf *w = malloc(sizeof *w);
    struct nb_err e;
    FILE *out = tmpfile();
    int fd = reader_on(&r, in, n, NB_LINES_EXACT);
    long size;
    char *text;

    assert_non_null(w);
    assert_non_null(out);
    nb_wbuf_init(w, fileno(out));
    assert_int_equal(nb_lines_filter(&r, to_nowhere ? NULL : w, keep_k, all, &e), 0);
    assert_int_equal(nb_wbuf_flush(w), 0);
    nb_lines_close(&r);
    close(fd);
    free(w);
    size = lseek(fileno(out), 0, SEEK_END);
    assert_true(size >= 0);
    text = calloc(1, (size_t)size + 1);
    assert_non_null(text);
    assert_int_equal(pread(fileno(out), text, (size_t)size, 0), size);
    fclose(out);
    *outlen = (size_t)size;
    return text;
}

struct filter_case {
    const char *in;
    const char *out;
    int all;
};

/* clang-format off */
static const struct filter_case filter_cases[] = {
    {"k1\nk2\nk3\n", "k1\nk2\nk3\n", 1},                  /* one run, copied whole */
    {"k1\nd\nk2\nk3\nd\n", "k1\nk2\nk3\n", 0},
    {"d\nd\n", "", 0},
    {"k1\r\nk2\r\n", "k1\r\nk2\r\n", 1},                  /* CRLF: keep sees no CR, output keeps it */
    {"k1\nk2", "k1\nk2\n", 1},                            /* a last line gets its newline */
    {"k1\r\nk2", "k1\r\nk2\n", 1},
    {"k1\nd", "k1\n", 0},
    {"\n\r\nk1\n\n\r\nk2\n\n", "k1\nk2\n", 1},            /* empty lines: skipped, not counted */
    {"\n\n", "", 1},
    {"", "", 1},
    {"k1\r", "", 0},                                      /* a CR at the end is part of the line */
    {"k1\r\r\n", "", 0},
    {" k1\n", "", 0},                                     /* a blank is part of the line */
};
/* clang-format on */

static void test_filter_table(void **state)
{
    int nfail = 0;

    for (size_t i = 0; i < N(filter_cases); i++) {
        const struct filter_case *c = &filter_cases[i];
        for (int nowhere = 0; nowhere < 2; nowhere++) {
            int all = -1;
            size_t outlen;
            char *got = filter(c->in, strlen(c->in), &all, &outlen, nowhere);
            const char *want = nowhere ? "" : c->out;
            if (outlen != strlen(want) || memcmp(got, want, outlen) || all != c->all) {
                print_error("filter case %zu%s: got '%s' all %d, want '%s' all %d\n", i,
                            nowhere ? " (to nowhere)" : "", got, all, want, c->all);
                nfail++;
            }
            free(got);
        }
    }
    assert_int_equal(nfail, 0);
}

/* Lines over NB_LINE_MAX are never kept and count as refused, also the last
 * one of the input when it is longer than the whole buffer and has no newline
 * (issue 10, item 19: -q and --filter said "all valid" for it). */
static void test_filter_long_lines(void **state)
{
    size_t big = 300000, outlen;
    char *in = malloc(big + 64), *got;
    int all;

    assert_non_null(in);
    in[0] = 'k';
    memset(in + 1, 'x', NB_LINE_MAX + 9);
    memcpy(in + NB_LINE_MAX + 10, "\nk2\n", 4);
    got = filter(in, NB_LINE_MAX + 14, &all, &outlen, 0);
    assert_int_equal(all, 0);
    assert_int_equal(outlen, 3);
    assert_memory_equal(got, "k2\n", 3);
    free(got);

    in[0] = 'k';
    memset(in + 1, 'x', NB_LINE_MAX - 1); /* exactly NB_LINE_MAX: kept */
    memcpy(in + NB_LINE_MAX, "\n", 1);
    got = filter(in, NB_LINE_MAX + 1, &all, &outlen, 0);
    assert_int_equal(all, 1);
    assert_int_equal(outlen, NB_LINE_MAX + 1);
    free(got);

    memset(in + 1, 'x', big - 1); /* 300 KB, no newline: the dropped tail */
    for (int nowhere = 0; nowhere < 2; nowhere++) {
        got = filter(in, big, &all, &outlen, nowhere);
        assert_int_equal(all, 0);
        assert_int_equal(outlen, 0);
        free(got);
    }
    memcpy(in, "k1\n", 3); /* a kept line, then the long one, then a kept one */
    memcpy(in + big, "\nk2\n", 4);
    got = filter(in, big + 4, &all, &outlen, 0);
    assert_int_equal(all, 0);
    assert_int_equal(outlen, 6);
    assert_memory_equal(got, "k1\nk2\n", 6);
    free(got);
    free(in);
}

/* Many lines across many buffer refills: the filter and the reader agree on
 * every line, and the kept ones come out unchanged and in order. */
static void test_filter_agrees_with_reader(void **state)
{
    size_t cap = 4 << 20, n = 0, wn = 0, outlen;
    char *in = malloc(cap), *want = malloc(cap), *got;
    struct nb_lines r;
    struct nb_err e;
    const char *line;
    size_t len;
    int fd, toolong, all, want_all = 1;
    uint32_t x = 12345;

    assert_non_null(in);
    assert_non_null(want);
    while (n < cap - 8000) {
        size_t l;
        x = x * 1103515245 + 12345;
        l = x >> 16 & 15;
        if ((x & 0xff) == 7)
            l = NB_LINE_MAX - 2 + (x >> 8 & 3); /* near the limit, both sides */
        in[n] = (x >> 20 & 3) ? 'k' : 'd';
        memset(in + n + 1, 'a' + (int)(x >> 24 & 7), l);
        n += l + 1;
        if (x >> 28 & 1)
            in[n++] = '\r';
        in[n++] = '\n';
    }
    fd = reader_on(&r, in, n, NB_LINES_EXACT);
    while (nb_lines_next(&r, &line, &len, &toolong, &e) > 0) {
        if (!toolong && keep_k(line, len)) {
            memcpy(want + wn, line, len);
            wn += len;
            if (r.crlf)
                want[wn++] = '\r';
            want[wn++] = '\n';
        } else {
            want_all = 0;
        }
    }
    nb_lines_close(&r);
    close(fd);
    keep_calls = 0;
    got = filter(in, n, &all, &outlen, 0);
    assert_true(keep_calls > 1000);
    assert_int_equal(all, want_all);
    assert_int_equal(outlen, wn);
    assert_memory_equal(got, want, wn);
    free(got);
    free(in);
    free(want);
}

/* ---- the quiz's answer checker: a pure function of the question and the line ------------ */

struct quiz_case {
    int kind;
    uint32_t value;
    const char *answer;
    int right;
};

/* clang-format off */
static const struct quiz_case quiz_cases[] = {
    {0, 255, "255", 1},
    {0, 255, "0xff", 1},
    {0, 255, "0b11111111", 1},
    {0, 255, "11111111", 0},          /* a decimal question reads decimal */
    {0, 255, "254", 0},
    {0, 255, "256", 0},
    {0, 255, "", 0},
    {0, 255, "two hundred", 0},
    {0, 255, "-255", 0},
    {1, 185, "10111001", 1},          /* decimal to binary */
    {1, 185, "1011 1001", 1},
    {1, 185, "1011_1001", 1},
    {1, 185, "0b10111001", 1},
    {1, 5, "101", 1},                 /* leading zeros may go */
    {1, 5, "00000101", 1},
    {1, 185, "185", 0},               /* the binary form was asked for */
    {1, 185, "0xb9", 0},
    {1, 185, "10111000", 0},
    {2, 185, "185", 1},               /* binary to decimal */
    {2, 185, "0xb9", 1},
    {2, 185, "0XB9", 1},
    {2, 185, "0b10111001", 1},
    {2, 185, "186", 0},
    {3, 3115099576u, "3115099576", 1}, /* 185.172.165.184 as one number */
    {3, 3115099576u, "0xb9aca5b8", 1},
    {3, 3115099576u, "3115099577", 0},
    {3, 3115099576u, "185.172.165.184", 0},
    {3, 3115099576u, "99999999999", 0}, /* more than 32 bits */
    {3, 0, "0", 1},
};
/* clang-format on */

static void test_quiz_check(void **state)
{
    int nfail = 0;

    for (size_t i = 0; i < N(quiz_cases); i++) {
        const struct quiz_case *c = &quiz_cases[i];
        struct nb_quiz_q q;
        int got;

        memset(&q, 0, sizeof q);
        q.kind = c->kind;
        q.value = c->value;
        got = nb_quiz_check(&q, c->answer, strlen(c->answer));
        if (got != c->right) {
            print_error("quiz case %zu: kind %d value %u answer '%s': got %d, want %d\n", i,
                        c->kind, (unsigned)c->value, c->answer, got, c->right);
            nfail++;
        }
    }
    assert_int_equal(nfail, 0);
}

/* What a person types goes through the prompt's reader first: blanks around
 * the answer and a CRLF go, empty lines are skipped, then the checker judges. */
static void test_quiz_through_the_reader(void **state)
{
    static const char typed[] = "\n  \t\r\n 255 \r\n\t0b10111001\n";
    struct nb_quiz_q q0 = {.kind = 0, .value = 255}, q1 = {.kind = 1, .value = 185};
    struct nb_lines r;
    struct nb_err e;
    const char *line;
    size_t len;
    int toolong, fd = reader_on(&r, typed, sizeof typed - 1, NB_LINES_TRIM);

    assert_int_equal(nb_lines_next(&r, &line, &len, &toolong, &e), 1);
    assert_int_equal(len, 3);
    assert_true(nb_quiz_check(&q0, line, len));
    assert_int_equal(nb_lines_next(&r, &line, &len, &toolong, &e), 1);
    assert_true(nb_quiz_check(&q1, line, len));
    assert_int_equal(nb_lines_next(&r, &line, &len, &toolong, &e), 0);
    nb_lines_close(&r);
    close(fd);
}

int main(void)
{
    /* clang-format off */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reader_table),
        cmocka_unit_test(test_reader_long_lines),
        cmocka_unit_test(test_reader_position),
        cmocka_unit_test(test_reader_error),
        cmocka_unit_test(test_filter_table),
        cmocka_unit_test(test_filter_long_lines),
        cmocka_unit_test(test_filter_agrees_with_reader),
        cmocka_unit_test(test_quiz_check),
        cmocka_unit_test(test_quiz_through_the_reader),
    };
    /* clang-format on */

    return cmocka_run_group_tests(tests, NULL, NULL);
}
