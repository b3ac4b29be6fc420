/* test_cli.c - the suggestion matcher nb_closest and the option front end
 * (nb_opts_parse, nb_opts_help): clustering, --, abbreviations, values,
 * numbers, clashes, unknown options with suggestions, the generated help. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <netbasics/cli.h>
#include <netbasics/opts.h>
#include <netbasics/out.h>

/* nb_closest: a word, the candidates, and the suggestion (NULL: none). */
struct closest_case {
    const char *word;
    const char *want;
};

static const char *const COMMANDS[] = {"tour", "resolve",   "octets", "listen",
                                       "send", "checksock", "fetch",  "ports"};
static const char *const LONGS[] = {"output", "max-redirs", "max-time", "timeout", "json"};

static const struct closest_case command_cases[] = {
    {"fecth", "fetch"}, /* a transposition: 2 edits */
    {"resolv", "resolve"}, {"lsten", "listen"}, {"port", "ports"}, {"checksok", "checksock"},
    {"chec", "checksock"}, /* too far by edits, but a prefix of one only */
    {"p", "ports"},        {"xyzzy", NULL},     {"", NULL},        {"networking", NULL},
};

static const struct closest_case long_cases[] = {
    {"outptu", "output"},    {"otput", "output"}, {"jsno", "json"},
    {"timeuot", "timeout"},  {"ma", NULL}, /* a prefix of two */
    {"max-tim", "max-time"}, {"verbose", NULL},
};

static void check_closest(const struct closest_case *c, const char *const *words, size_t n)
{
    const char *got = nb_closest(c->word, words, n);

    if (!c->want) {
        assert_null(got);
        return;
    }
    assert_non_null(got);
    assert_string_equal(got, c->want);
}

static void test_closest(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof command_cases / sizeof command_cases[0]; i++)
        check_closest(&command_cases[i], COMMANDS, 8);
    for (size_t i = 0; i < sizeof long_cases / sizeof long_cases[0]; i++)
        check_closest(&long_cases[i], LONGS, 5);
    /* a word too long to measure is never close */
    assert_null(nb_closest("outputoutputoutputoutputoutputoutput", LONGS, 5));
}

/* The options of a made-up command, as a real one declares them. */
struct demo_opts {
    int all, brief, json, quiet, family;
    const char *output, *color;
    uint16_t port;
    unsigned count;
    int64_t wait_ms;
    struct nb_explain explain;
};

/* Parses argv (NULL-ended) with the demo table; in_order as getopt's "+". */
static int demo_parse(struct demo_opts *o, int in_order, uint64_t min_args, uint64_t max_args,
                      char **argv, int *argi, struct nb_err *e)
{
    const struct nb_option options[] = {
        NB_OPT_BOOL('a', "all", &o->all, "every one"),
        NB_OPT_BOOL('b', "brief", &o->brief, "short lines"),
        NB_OPT_STRING('o', "output", &o->output, "FILE", "write to FILE"),
        NB_OPT_UINT('p', "port", &o->port, "N", 1, 65535, "port", "only port N"),
        NB_OPT_UINT(0, "count", &o->count, "N", 1, 100, "count", "how many"),
        NB_OPT_SECONDS('w', "wait", &o->wait_ms, "S", 3600, "wait S seconds"),
        NB_OPT__FAMILY(&o->family, "IPv4 or IPv6 only"),
        NB_OPT__JSON(&o->json, "JSON lines"),
        NB_OPT__QUIET(&o->quiet, "say nothing"),
        NB_OPT__EXPLAIN(&o->explain, "narrate"),
        NB_OPT__COLOR(&o->color),
        NB_OPT_CLASH("--json --quiet --brief"),
        NB_OPT_NEEDS("--count", "--all"),
        NB_OPT_ARGS(min_args, max_args, "one THING"),
        {.type = in_order ? NB_OT_IN_ORDER : NB_OT_CLASH, .rule = ""},
        NB_OPT_END,
    };
    int argc = 0;

    while (argv[argc])
        argc++;
    memset(o, 0, sizeof *o);
    nb_err_clear(e);
    return nb_opts_parse(options, argc, argv, argi, e);
}

#define ARGV(...) ((char *[]){"demo", __VA_ARGS__, NULL})

static void test_values(void **state)
{
    struct demo_opts o;
    struct nb_err e;
    int argi = -1;

    (void)state;
    assert_int_equal(demo_parse(&o, 0, 0, NB_ARGS_ANY,
                                ARGV("-a", "--output", "f.txt", "--port=8080", "-w", "0.5",
                                     "--count", "7", "-x", "--color", "never", "thing"),
                                &argi, &e),
                     0);
    assert_int_equal(o.all, 1);
    assert_int_equal(o.brief, 0);
    assert_string_equal(o.output, "f.txt");
    assert_int_equal(o.port, 8080);
    assert_int_equal(o.count, 7);
    assert_true(o.wait_ms == 500);
    assert_true(nb_explaining(&o.explain));
    assert_false(nb_explaining_at(&o.explain, NB_EXPLAIN_PACKETS));
    assert_string_equal(o.color, "never");
    assert_int_equal(argi, 12);

    /* -x counts: -xx, -x -x and --explain --explain are the second level, and no more */
    char **twice[] = {ARGV("-xx"), ARGV("-x", "-x"), ARGV("--explain", "--explain"), ARGV("-xxx")};
    for (size_t i = 0; i < sizeof twice / sizeof twice[0]; i++) {
        assert_int_equal(demo_parse(&o, 0, 0, NB_ARGS_ANY, twice[i], &argi, &e), 0);
        assert_true(nb_explaining_at(&o.explain, NB_EXPLAIN_PACKETS));
        assert_int_equal(o.explain.level, NB_EXPLAIN_PACKETS);
    }

    /* -4 then -6: the last one counts, as with nc */
    assert_int_equal(demo_parse(&o, 0, 0, NB_ARGS_ANY, ARGV("-4", "-6"), &argi, &e), 0);
    assert_int_equal(o.family, 6);
    assert_int_equal(argi, 3);
}

static void test_clusters_and_order(void **state)
{
    struct demo_opts o;
    struct nb_err e;
    int argi;
    char **v;

    (void)state;
    /* a cluster of flags, and a value glued to its letter */
    assert_int_equal(demo_parse(&o, 0, 0, NB_ARGS_ANY, ARGV("-ab", "-ofile", "-p80"), &argi, &e),
                     0);
    assert_true(o.all && o.brief);
    assert_string_equal(o.output, "file");
    assert_int_equal(o.port, 80);
    /* the value's letter last in a cluster takes the next word */
    assert_int_equal(demo_parse(&o, 0, 0, NB_ARGS_ANY, ARGV("-ao", "out"), &argi, &e), 0);
    assert_string_equal(o.output, "out");

    /* permutation: options after an operand still count */
    v = ARGV("thing", "-a");
    assert_int_equal(demo_parse(&o, 0, 0, NB_ARGS_ANY, v, &argi, &e), 0);
    assert_int_equal(o.all, 1);
    assert_string_equal(v[argi], "thing");

    /* in order: the first operand ends the options */
    v = ARGV("-b", "thing", "-a");
    assert_int_equal(demo_parse(&o, 1, 0, NB_ARGS_ANY, v, &argi, &e), 0);
    assert_int_equal(o.brief, 1);
    assert_int_equal(o.all, 0);
    assert_int_equal(argi, 2);
    assert_string_equal(v[argi + 1], "-a");

    /* -- ends the options; "-" is an operand */
    v = ARGV("--", "-a", "-");
    assert_int_equal(demo_parse(&o, 0, 0, NB_ARGS_ANY, v, &argi, &e), 0);
    assert_int_equal(o.all, 0);
    assert_int_equal(argi, 2);
    assert_string_equal(v[argi], "-a");

    /* a unique abbreviation of a long option */
    assert_int_equal(demo_parse(&o, 0, 0, NB_ARGS_ANY, ARGV("--out", "x", "--js"), &argi, &e), 0);
    assert_string_equal(o.output, "x");
    assert_int_equal(o.json, 1);

    /* help stops the parse, wherever it comes */
    assert_int_equal(demo_parse(&o, 0, 0, NB_ARGS_ANY, ARGV("-j", "-h", "--bogus"), &argi, &e),
                     NB_OPTS_HELP);
    assert_int_equal(demo_parse(&o, 0, 0, NB_ARGS_ANY, ARGV("-ah"), &argi, &e), NB_OPTS_HELP);
}

/* Each bad command line: the parse fails with NB_E_INVALID and exactly this message. */
struct bad_case {
    char **argv;
    const char *msg;
};

static void test_errors(void **state)
{
    const struct bad_case cases[] = {
        {ARGV("-o"), "option '-o' needs a value"},
        {ARGV("--output"), "option '--output' needs a value"},
        {ARGV("-ao"), "option '-o' needs a value"},
        {ARGV("--port", "70000"),
         "option '--port': port 70000 is out of range: a port is 1 to 65535"},
        {ARGV("-p", "080"), "option '-p': port '080' has a leading zero: write it without"},
        {ARGV("-w", "0"), "option '-w': timeout 0 would never wait: give more than 0 seconds"},
        {ARGV("--color", "sometimes"), "option '--color': give auto, always or never"},
        {ARGV("--json=yes"), "option '--json' takes no value"},
        {ARGV("--outptu", "x"), "unknown option '--outptu'; did you mean '--output'?"},
        {ARGV("--outptu=x"), "unknown option '--outptu'; did you mean '--output'?"},
        {ARGV("--verbose"), "unknown option '--verbose'"},
        {ARGV("-O", "x"), "unknown option '-O'; did you mean '-o'?"},
        {ARGV("-aZ"), "unknown option '-Z'"},
        {ARGV("--co"), "option '--co' is ambiguous: it could be --count, --color"},
        {ARGV("--\x1b[31m"), "unknown option '--\\x1b[31m'"},
        {ARGV("-j", "-q"), "cannot use --json with --quiet"},
        {ARGV("-b", "--json"), "cannot use --json with --brief"}, /* named in the rule's order */
        {ARGV("--count", "3"), "cannot use --count without --all"},
    };
    struct demo_opts o;
    struct nb_err e;
    int argi;

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(demo_parse(&o, 0, 0, NB_ARGS_ANY, cases[i].argv, &argi, &e), -1);
        assert_int_equal(e.code, NB_E_INVALID);
        assert_string_equal(e.msg, cases[i].msg);
    }
    /* --count with --all is fine */
    assert_int_equal(demo_parse(&o, 0, 0, NB_ARGS_ANY, ARGV("--count", "3", "-a"), &argi, &e), 0);
}

static void test_operand_count(void **state)
{
    struct demo_opts o;
    struct nb_err e;
    int argi;

    (void)state;
    assert_int_equal(demo_parse(&o, 0, 1, 1, ARGV("-a"), &argi, &e), -1);
    assert_string_equal(e.msg, "needs one THING");
    assert_int_equal(demo_parse(&o, 0, 1, 1, ARGV("x", "y"), &argi, &e), -1);
    assert_string_equal(e.msg, "takes one THING, not 2 arguments");
    assert_int_equal(demo_parse(&o, 0, 0, 0, ARGV("x"), &argi, &e), -1);
    assert_string_equal(e.msg, "takes one THING, not 1 argument");
    assert_int_equal(demo_parse(&o, 0, 1, 1, ARGV("x", "-a"), &argi, &e), 0);
    /* after --, a word that looks like an option is an operand to count */
    assert_int_equal(demo_parse(&o, 0, 1, 1, ARGV("x", "--", "-a"), &argi, &e), -1);
}

static void test_help(void **state)
{
    int n4 = 0, quiet = 0, step = 0;
    const char *file = NULL;
    struct nb_explain x = {0};
    const struct nb_option options[] = {
        NB_OPT_OPERAND("STEP", "run only this step"),
        NB_OPT_BOOL('n', NULL, &step, "no newline"),
        NB_OPT_STRING('o', "output", &file, "FILE", "save as FILE"),
        NB_OPT_BOOL(0, "hidden", &step, NULL),
        NB_OPT__FAMILY(&n4, "IPv4 or IPv6 only"),
        NB_OPT__QUIET(&quiet, "a help line long enough to be wrapped at the seventy-ninth column, "
                              "under the help column"),
        NB_OPT__EXPLAIN(&x, "narrate"),
        NB_OPT__COLOR(&file),
        NB_OPT_CLASH("--quiet --explain"), /* rules are never listed */
        NB_OPT_END,
    };
    const char *want = "  STEP               run only this step\n"
                       "  -n                 no newline\n"
                       "  -o, --output FILE  save as FILE\n"
                       "  -4, -6             IPv4 or IPv6 only\n"
                       "  -q, --quiet        a help line long enough to be wrapped at the "
                       "seventy-ninth\n"
                       "                     column, under the help column\n"
                       "  -x, --explain      narrate\n"
                       "      --color WHEN   auto (default), always or never\n"
                       "  -h, --help         this help\n";
    char buf[2048], small[16];
    size_t n;

    (void)state;
    n = nb_opts_help(options, buf, sizeof buf);
    assert_string_equal(buf, want);
    assert_int_equal(n, strlen(want));
    /* a short buffer: cut, terminated, and the full length still told */
    assert_int_equal(nb_opts_help(options, small, sizeof small), strlen(want));
    assert_int_equal(strlen(small), sizeof small - 1);
    assert_memory_equal(small, want, sizeof small - 1);
    assert_int_equal(nb_opts_help(options, NULL, 0), strlen(want));
}

/* Another tool's options (NB_OPT_HABIT) and dig's +words (NB_OPT_PLUS). */
static int dig_parse(char **argv, int *argi, int *brief, int64_t *wait_ms, int *tcp,
                     struct nb_err *e)
{
    const struct nb_option options[] = {
        NB_OPT_BOOL(0, "brief", brief, "short lines"),
        NB_OPT_SECONDS('w', "wait", wait_ms, "S", 3600, "wait S seconds"),
        NB_OPT_SET_INT(0, "tcp", tcp, 1, "TCP"),
        NB_OPT_SET_INT(0, "no-tcp", tcp, 0, "UDP"),
        NB_OPT_PLUS("short", "--brief"),
        NB_OPT_PLUS("time", "--wait"),
        NB_OPT_PLUS("tcp", "--tcp"),
        NB_OPT_PLUS("notcp", "--no-tcp"),
        NB_OPT_HABIT('O', "remote-name", "curl's: saved by default"),
        NB_OPT_HABIT('v', NULL, "curl's: here -x"),
        NB_OPT_ARGS(0, 2, "at most two THINGs"),
        NB_OPT_END,
    };
    int argc = 0;

    while (argv[argc])
        argc++;
    *brief = 0;
    *wait_ms = -1;
    *tcp = -1;
    nb_err_clear(e);
    return nb_opts_parse(options, argc, argv, argi, e);
}

static void test_habits_and_plus(void **state)
{
    const struct bad_case cases[] = {
        {ARGV("-O", "x"), "option '-O' is curl's: saved by default"},
        {ARGV("x", "--remote-name"), "option '--remote-name' is curl's: saved by default"},
        {ARGV("--remote-name=x"), "option '--remote-name' is curl's: saved by default"},
        {ARGV("--brief", "-Ov"), "option '-O' is curl's: saved by default"}, /* the first */
        {ARGV("--remot"), "option '--remote-name' is curl's: saved by default"},
        {ARGV("x", "+trace"), "unknown option '+trace'"},
        {ARGV("+shrot", "x"), "unknown option '+shrot'; did you mean '+short'?"},
        {ARGV("+time"), "option '+time' needs a value: +time=S"},
        {ARGV("+time=abc"), "option '+time': timeout 'abc' is not a number"},
        {ARGV("+short=1"), "option '+short' takes no value"},
        {ARGV("+"), "unknown option '+'"},
        {ARGV("+\x1b[31m"), "unknown option '+\\x1b[31m'"},
        {ARGV("a", "+short", "b", "c"), "takes at most two THINGs, not 3 arguments"},
        /* a habit is never suggested for a typo */
        {ARGV("--remote-nam3"), "unknown option '--remote-nam3'"},
        {ARGV("-V"), "unknown option '-V'"},
    };
    char *ok[] = {"demo", "a.example", "+short", "-w", "2", "+time=0.5", "b", "+notcp", NULL};
    int brief, tcp, argi;
    int64_t wait_ms;
    struct nb_err e;

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(dig_parse(cases[i].argv, &argi, &brief, &wait_ms, &tcp, &e), -1);
        assert_int_equal(e.code, NB_E_INVALID);
        if (strncmp(e.msg, cases[i].msg, strlen(cases[i].msg)))
            fail_msg("got '%s', want '%s'", e.msg, cases[i].msg);
    }
    /* +words anywhere: read in order (the later wins), moved before the operands */
    assert_int_equal(dig_parse(ok, &argi, &brief, &wait_ms, &tcp, &e), 0);
    assert_int_equal(brief, 1);
    assert_true(wait_ms == 500);
    assert_int_equal(tcp, 0);
    assert_int_equal(argi, 6);
    assert_string_equal(ok[argi], "a.example");
    assert_string_equal(ok[argi + 1], "b");
    /* the rows of both kinds are not in --help */
    {
        const struct nb_option t[] = {NB_OPT_BOOL(0, "brief", &brief, "short lines"),
                                      NB_OPT_PLUS("short", "--brief"),
                                      NB_OPT_HABIT('O', NULL, "curl's -O"), NB_OPT_END};
        char help[256];
        nb_opts_help(t, help, sizeof help);
        assert_string_equal(help, "      --brief  short lines\n  -h, --help   this help\n");
    }
}

int main(void)
{
    /* clang-format off */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_closest),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_clusters_and_order),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_operand_count),
        cmocka_unit_test(test_help),
        cmocka_unit_test(test_habits_and_plus),
    };
    /* clang-format on */

    return cmocka_run_group_tests(tests, NULL, NULL);
}
