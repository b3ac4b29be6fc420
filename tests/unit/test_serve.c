/* test_serve.c - the echo server: its line framing, sans-IO (bytes in, lines
 * out), and the loop's limits on lines over real sockets on 127.0.0.1. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <netbasics/serve.h>
#include <netbasics/sock.h>

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* --- the loop over real sockets ---------------------------------------- */

static volatile sig_atomic_t stop_serving;

static void on_term(int sig)
{
    (void)sig;
    stop_serving = 1;
}

/* Runs nb_serve -k in a child on a kernel-picked port of 127.0.0.1 (*sa)
 * with at most max_clients at once and the given line time limit. The child
 * exits 0 once SIGTERM stops it. */
static pid_t serve_child(unsigned max_clients, int64_t line_timeout_ms, struct nb_sockaddr *sa)
{
    struct nb_sockaddr any;
    struct nb_addr a;
    struct nb_err e;
    int lfd;
    pid_t pid;

    assert_int_equal(nb_addr_parse("127.0.0.1", 9, &a, &e), 0);
    assert_int_equal(nb_sockaddr_from_addr(&a, 0, &any, &e), 0);
    lfd = nb_sock_listen(&any, 16, -1, NULL, &e);
    assert_true(lfd >= 0);
    assert_int_equal(nb_sock_local(lfd, sa, &e), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct nb_serve_opts o = {.mode = NB_SERVE_ECHO,
                                  .keep_open = 1,
                                  .max_line = 64,
                                  .idle_ms = -1,
                                  .line_timeout_ms = line_timeout_ms,
                                  .max_clients = max_clients,
                                  .stop = &stop_serving};
        struct nb_serve_events ev = {0};
        struct nb_serve_stats st;
        struct sigaction act;
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* a failed test leaves no server behind */
        memset(&act, 0, sizeof act);
        act.sa_handler = on_term;
        sigaction(SIGTERM, &act, NULL);
        nb_sock_block_stop_signals();
        _exit(nb_serve(lfd, &o, &ev, &st, &e) == NB_STOPPED ? 0 : 1);
    }
    nb_sock_close(lfd, NULL);
    return pid;
}

static void stop_child(pid_t pid)
{
    int status;

    kill(pid, SIGTERM);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* A client that has said text; returns its stream. */
static void client(const struct nb_sockaddr *sa, const char *text, struct nb_stream *s)
{
    struct nb_err e;
    int fd = nb_sock_connect(sa, 1, 5000, NULL, &e);

    assert_true(fd >= 0);
    nb_sock_stream(s, fd, NULL);
    assert_int_equal(nb_stream_write_all(s, text, strlen(text), 5000, &e), 0);
}

/* Reads from s until want has come (or end of stream, which fails). */
static void expect_reply(struct nb_stream *s, const char *want)
{
    char buf[128];
    size_t n = 0;
    struct nb_err e;

    while (n < strlen(want)) {
        ssize_t k = nb_stream_read(s, buf + n, strlen(want) - n, 5000, &e);
        assert_true(k >= 0);
        if (k == 0)
            break;
        n += (size_t)k;
    }
    buf[n] = '\0';
    assert_string_equal(buf, want);
}

/* The server has closed s: end of stream within 5 s. */
static void expect_closed(struct nb_stream *s)
{
    char c;
    struct nb_err e;

    assert_int_equal(nb_stream_read(s, &c, 1, 5000, &e), 0);
}

static void test_full_table_drops_oldest_unfinished_line(void **state)
{
    struct nb_sockaddr sa;
    struct nb_stream c1, c2, c3;
    pid_t pid = serve_child(2, 60000, &sa);

    (void)state;
    /* two clients fill the table, each with a line left unfinished (the
     * reply to the line before it shows the server has read it all) */
    client(&sa, "a\nslow", &c1);
    expect_reply(&c1, "You said a\n");
    client(&sa, "b\nslo", &c2);
    expect_reply(&c2, "You said b\n");
    /* a third is let in: the first, whose line is older, makes room */
    client(&sa, "hi\n", &c3);
    expect_reply(&c3, "You said hi\n");
    expect_closed(&c1);
    {
        struct nb_err e;
        assert_int_equal(nb_stream_write_all(&c2, "w\n", 2, 5000, &e), 0);
    }
    expect_reply(&c2, "You said slow\n");
    nb_stream_close(&c1);
    nb_stream_close(&c2);
    nb_stream_close(&c3);
    stop_child(pid);
}

static void test_line_time_limit(void **state)
{
    struct nb_sockaddr sa;
    struct nb_stream slow, steady;
    struct nb_err e;
    pid_t pid = serve_child(8, 300, &sa);
    int64_t t0 = nb_now_ms(), took;

    (void)state;
    /* a line unfinished for 0.3 s closes its client... */
    client(&sa, "never ends", &slow);
    expect_closed(&slow);
    took = nb_now_ms() - t0;
    assert_true(took >= 250);
    assert_true(took < 3000);
    /* ...while each line that ends restarts it: "y" and "z" each take 0.2 s,
     * the two together 0.4 s */
    client(&sa, "x\n", &steady);
    expect_reply(&steady, "You said x\n");
    assert_int_equal(nb_stream_write_all(&steady, "y", 1, 5000, &e), 0);
    usleep(200 * 1000);
    assert_int_equal(nb_stream_write_all(&steady, "\nz", 2, 5000, &e), 0);
    usleep(200 * 1000);
    assert_int_equal(nb_stream_write_all(&steady, "\n", 1, 5000, &e), 0);
    expect_reply(&steady, "You said y\nYou said z\n");
    nb_stream_close(&slow);
    nb_stream_close(&steady);
    stop_child(pid);
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
        cmocka_unit_test(test_full_table_drops_oldest_unfinished_line),
        cmocka_unit_test(test_line_time_limit),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
