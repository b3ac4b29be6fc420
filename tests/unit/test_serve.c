/* test_serve.c - the echo server's line framing, sans-IO: bytes in, lines out. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <netbasics/serve.h>

#include <string.h>

#define MAX_LINES 16

/* The lines (and pieces) a run of reads gave, and whether "bye" ended it. */
struct got {
    char text[MAX_LINES][64];
    size_t len[MAX_LINES];
    int cut[MAX_LINES];
    int n, bye;
};

/* Feeds each read in turn to one framer, as serve.c does: a line per call,
 * nothing read after "bye"; at the end, the last line without a newline. */
static void run(size_t max, const char *const *reads, const size_t *lens, int nreads, struct got *g)
{
    char buf[64];
    struct nb_serve_framer f;
    struct nb_serve_line l;

    memset(g, 0, sizeof *g);
    nb_serve_framer_init(&f, buf, max);
    for (int r = 0; r < nreads && !g->bye; r++) {
        const char *p = reads[r];
        size_t n = lens[r];
        while (n > 0 && !g->bye) {
            size_t k = nb_serve_frame(&f, p, n, &l);
            assert_true(k <= n);
            p += k;
            n -= k;
            if (!l.ready)
                continue;
            assert_true(g->n < MAX_LINES);
            memcpy(g->text[g->n], l.text, l.len);
            g->len[g->n] = l.len;
            g->cut[g->n++] = l.cut;
            g->bye = l.bye;
        }
    }
    if (!g->bye && nb_serve_frame_end(&f, &l)) {
        memcpy(g->text[g->n], l.text, l.len);
        g->len[g->n] = l.len;
        g->cut[g->n++] = l.cut;
        g->bye = l.bye;
    }
}

static void expect_line(const struct got *g, int i, const char *text, size_t len, int cut)
{
    assert_true(i < g->n);
    assert_int_equal(g->len[i], len);
    assert_memory_equal(g->text[i], text, len);
    assert_int_equal(g->cut[i], cut);
}

static void test_line_split_across_reads(void **state)
{
    const char *reads[] = {"hel", "lo wor", "ld\nagain\n"};
    const size_t lens[] = {3, 6, 9};
    struct got g;

    (void)state;
    run(4096, reads, lens, 3, &g);
    assert_int_equal(g.n, 2);
    expect_line(&g, 0, "hello world", 11, 0);
    expect_line(&g, 1, "again", 5, 0);
    assert_false(g.bye);
}

static void test_several_lines_in_one_read(void **state)
{
    const char *reads[] = {"a\nbb\n\nccc\nlast without newline"};
    const size_t lens[] = {30};
    struct got g;

    (void)state;
    run(4096, reads, lens, 1, &g);
    assert_int_equal(g.n, 5);
    expect_line(&g, 0, "a", 1, 0);
    expect_line(&g, 1, "bb", 2, 0);
    expect_line(&g, 2, "", 0, 0); /* an empty line is a line: it gets "You said " */
    expect_line(&g, 3, "ccc", 3, 0);
    expect_line(&g, 4, "last without newline", 20, 0);
}

static void test_bye_exactly_ends_and_nothing_after(void **state)
{
    const char *reads[] = {"hi\nbye\nnot read\n", "nor this\n"};
    const size_t lens[] = {17, 9};
    struct got g;

    (void)state;
    run(4096, reads, lens, 2, &g);
    assert_int_equal(g.n, 2);
    expect_line(&g, 1, "bye", 3, 0);
    assert_true(g.bye);
}

static void test_bye_with_crlf_and_near_misses(void **state)
{
    static const struct {
        const char *in;
        size_t len;
        int bye;
        size_t line_len; /* of the first line */
    } cases[] = {
        {"bye\r\n", 5, 1, 3}, /* CRLF from telnet: still bye */
        {"bye", 3, 1, 3},     /* bye at end of stream, no newline */
        {"Bye\n", 4, 0, 3},   /* exact: no case folding */
        {"bye \n", 5, 0, 4},  /* no trimming */
        {" bye\n", 5, 0, 4},    {"byebye\n", 7, 0, 6},
        {"bye\r\r\n", 6, 0, 4}, /* only one CR is a line ending */
        {"bye\0\n", 5, 0, 4},   /* a NUL is a byte of the line */
    };
    struct got g;

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *reads[] = {cases[i].in};
        const size_t lens[] = {cases[i].len};
        run(4096, reads, lens, 1, &g);
        assert_int_equal(g.bye, cases[i].bye);
        assert_int_equal(g.len[0], cases[i].line_len);
    }
}

static void test_nul_byte_kept(void **state)
{
    const char *reads[] = {"a\0b\nc\n"};
    const size_t lens[] = {6};
    struct got g;

    (void)state;
    run(4096, reads, lens, 1, &g);
    assert_int_equal(g.n, 2);
    expect_line(&g, 0, "a\0b", 3, 0);
    expect_line(&g, 1, "c", 1, 0);
}

static void test_line_over_the_limit(void **state)
{
    /* max 4: "abcdefghij\n" is answered in pieces of 4, then the rest */
    const char *reads[] = {"abcdef", "ghij\nok\n"};
    const size_t lens[] = {6, 8};
    const char *exact[] = {"abcd\n"};
    const size_t exact_len[] = {5};
    const char *cr[] = {"abc\r\n", "abcd\r\n"};
    const size_t cr_len[] = {5, 6};
    struct got g;

    (void)state;
    run(4, reads, lens, 2, &g);
    assert_int_equal(g.n, 4);
    expect_line(&g, 0, "abcd", 4, 1);
    expect_line(&g, 1, "efgh", 4, 1);
    expect_line(&g, 2, "ij", 2, 0);
    expect_line(&g, 3, "ok", 2, 0);

    /* exactly max bytes fits, whole */
    run(4, exact, exact_len, 1, &g);
    assert_int_equal(g.n, 1);
    expect_line(&g, 0, "abcd", 4, 0);

    /* a CR that fits is the line's ending; past the limit it is a piece's byte */
    run(4, cr, cr_len, 2, &g);
    assert_int_equal(g.n, 3);
    expect_line(&g, 0, "abc", 3, 0);
    expect_line(&g, 1, "abcd", 4, 1);
    expect_line(&g, 2, "", 0, 0);

    /* max 0 is taken as 1: no endless empty pieces */
    run(0, exact, exact_len, 1, &g);
    assert_int_equal(g.n, 4);
    expect_line(&g, 0, "a", 1, 1);
    expect_line(&g, 3, "d", 1, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line_split_across_reads),
        cmocka_unit_test(test_several_lines_in_one_read),
        cmocka_unit_test(test_bye_exactly_ends_and_nothing_after),
        cmocka_unit_test(test_bye_with_crlf_and_near_misses),
        cmocka_unit_test(test_nul_byte_kept),
        cmocka_unit_test(test_line_over_the_limit),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
