/* test_num.c - nb_parse_uint, nb_parse_uint_n and nb_parse_seconds: valid and hostile tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <netbasics/num.h>

/* One nb_parse_uint case: the text, the bounds, and either the value or a word
 * the error message must contain (NULL word: success expected). */
struct uint_case {
    const char *s;
    uint64_t min, max;
    uint64_t want;
    const char *word;
};

/* clang-format off */
#define OK(s, min, max, v) { s, min, max, v, NULL }
#define BAD(s, min, max, w) { s, min, max, 0, w }
/* clang-format on */

static const struct uint_case uint_cases[] = {
    OK("0", 0, 10, 0),
    OK("1", 1, 65535, 1),
    OK("80", 1, 65535, 80),
    OK("65535", 1, 65535, 65535),
    OK("10", 10, 10, 10),
    OK("4294967296", 0, UINT64_MAX, 4294967296u),
    OK("18446744073709551615", 0, UINT64_MAX, UINT64_MAX),
    OK("18446744073709551614", 0, UINT64_MAX, UINT64_MAX - 1),
    OK("9", 0, 9, 9),
    BAD("", 1, 65535, "empty"),
    BAD("+80", 1, 65535, "digit"),
    BAD("-80", 1, 65535, "digit"),
    BAD("-0", 0, 65535, "digit"),
    BAD(" 80", 1, 65535, "digit"),
    BAD("80 ", 1, 65535, "digit"),
    BAD("\t80", 1, 65535, "digit"),
    BAD("80\n", 1, 65535, "digit"),
    BAD("8_0", 1, 65535, "digit"),
    BAD("8,0", 1, 65535, "digit"),
    BAD("8.0", 1, 65535, "digit"),
    BAD("0x50", 1, 65535, "digit"),
    BAD("1e3", 1, 65535, "digit"),
    BAD("abc", 1, 65535, "digit"),
    BAD("080", 1, 65535, "leading zero"),
    BAD("00", 0, 65535, "leading zero"),
    BAD("0", 1, 65535, "1 to 65535"),
    BAD("65536", 1, 65535, "1 to 65535"),
    BAD("70000", 1, 65535, "1 to 65535"),
    BAD("9", 10, 20, "10 to 20"),
    BAD("21", 10, 20, "10 to 20"),
    BAD("18446744073709551616", 0, UINT64_MAX, "range"),
    BAD("18446744073709551616", 1, 65535, "1 to 65535"),
    BAD("99999999999999999999999", 1, 65535, "1 to 65535"),
    BAD("100000000000000000000", 0, UINT64_MAX, "range"),
    BAD("4294967296", 1, 65535, "1 to 65535"),
    BAD("\xd9\xa8\xd9\xa0", 1, 65535, "digit"),         /* Arabic-Indic 8 0 */
    BAD("\xef\xbc\x98\xef\xbc\x90", 1, 65535, "digit"), /* fullwidth 8 0 */
    BAD("8\xd9\xa0", 1, 65535, "digit"),
};

/* Number of table rows that failed; each failure is printed with its input. */
static int check_uint(size_t i, const struct uint_case *c)
{
    struct nb_err e;
    uint64_t v = 12345;
    int rc;

    nb_err_clear(&e);
    rc = nb_parse_uint(c->s, c->min, c->max, "port", &v, &e);
    if (c->word == NULL) {
        if (rc != 0 || v != c->want) {
            print_error("uint case %zu \"%s\" [%llu,%llu]: rc %d v %llu msg '%s', want %llu\n", i,
                        c->s, (unsigned long long)c->min, (unsigned long long)c->max, rc,
                        (unsigned long long)v, e.msg, (unsigned long long)c->want);
            return 1;
        }
        return 0;
    }
    if (rc != -1 || e.code != NB_E_INVALID || strstr(e.msg, c->word) == NULL) {
        print_error("uint case %zu \"%s\" [%llu,%llu]: rc %d code %d msg '%s', want failure "
                    "mentioning '%s'\n",
                    i, c->s, (unsigned long long)c->min, (unsigned long long)c->max, rc, e.code,
                    e.msg, c->word);
        return 1;
    }
    if (strchr(e.msg, '\n') != NULL || e.msg[0] == '\0' || e.msg[strlen(e.msg) - 1] == '.') {
        print_error("uint case %zu: message '%s' is not one line without a full stop\n", i, e.msg);
        return 1;
    }
    return 0;
}

static void test_uint_table(void **state)
{
    int nfail = 0;

    for (size_t i = 0; i < sizeof uint_cases / sizeof uint_cases[0]; i++)
        nfail += check_uint(i, &uint_cases[i]);
    assert_int_equal(nfail, 0);
}

/* A failure must leave *out alone and must name what the number is for. */
static void test_uint_failure_details(void **state)
{
    struct nb_err e;
    uint64_t v = 777;

    assert_int_equal(nb_parse_uint("65536", 1, 65535, "port", &v, &e), -1);
    assert_int_equal(v, 777);
    assert_non_null(strstr(e.msg, "port"));
    assert_int_equal(nb_parse_uint("x", 1, 99, "count", &v, &e), -1);
    assert_non_null(strstr(e.msg, "count"));
    assert_int_equal(v, 777);
}

/* e == NULL is allowed on success and on every kind of failure. */
static void test_uint_null_err(void **state)
{
    uint64_t v = 0;

    assert_int_equal(nb_parse_uint("443", 1, 65535, "port", &v, NULL), 0);
    assert_int_equal(v, 443);
    assert_int_equal(nb_parse_uint("", 1, 65535, "port", &v, NULL), -1);
    assert_int_equal(nb_parse_uint("080", 1, 65535, "port", &v, NULL), -1);
    assert_int_equal(nb_parse_uint("65536", 1, 65535, "port", &v, NULL), -1);
    assert_int_equal(nb_parse_uint("18446744073709551616", 0, UINT64_MAX, "n", &v, NULL), -1);
    assert_int_equal(nb_parse_uint_n("8\0", 2, 1, 65535, "port", &v, NULL), -1);
    assert_int_equal(v, 443);
}

/* The _n form reads exactly len bytes: no more, no less, and a NUL is a byte. */
static void test_uint_n(void **state)
{
    struct nb_err e;
    uint64_t v = 0;

    assert_int_equal(nb_parse_uint_n("8080xyz", 4, 1, 65535, "port", &v, &e), 0);
    assert_int_equal(v, 8080);
    assert_int_equal(nb_parse_uint_n("8080", 2, 1, 65535, "port", &v, &e), 0);
    assert_int_equal(v, 80);
    /* "\080" is a NUL and then '8': 8 is not an octal digit */
    assert_int_equal(nb_parse_uint_n("80\080", 5, 1, 65535, "port", &v, &e), -1);
    assert_int_equal(e.code, NB_E_INVALID);
    assert_int_equal(nb_parse_uint_n("\080", 3, 0, 65535, "port", &v, &e), -1);
    assert_int_equal(nb_parse_uint_n("80\0", 3, 1, 65535, "port", &v, &e), -1);
    assert_int_equal(nb_parse_uint_n("80", 0, 1, 65535, "port", &v, &e), -1);
    assert_non_null(strstr(e.msg, "empty"));
    /* a buffer that is not NUL-terminated at all */
    {
        char buf[3] = {'1', '2', '3'};

        assert_int_equal(nb_parse_uint_n(buf, sizeof buf, 0, 1000, "n", &v, &e), 0);
        assert_int_equal(v, 123);
    }
}

/* Exact messages for the commonest mistakes (checked against the implementation). */
static void test_uint_exact_messages(void **state)
{
    struct nb_err e;
    uint64_t v;

    assert_int_equal(nb_parse_uint("70000", 1, 65535, "port", &v, &e), -1);
    assert_string_equal(e.msg, "port 70000 is out of range: a port is 1 to 65535");
    assert_int_equal(nb_parse_uint("080", 1, 65535, "port", &v, &e), -1);
    assert_string_equal(e.msg, "port '080' has a leading zero: write it without");
    assert_int_equal(nb_parse_uint("0", 1, 65535, "port", &v, &e), -1);
    assert_string_equal(e.msg, "port 0 cannot be connected to: a port is 1 to 65535");
}

/* One nb_parse_seconds case: text, limit, zero allowed, then ms or a message word. */
struct sec_case {
    const char *s;
    uint64_t max_s;
    int allow_zero;
    int64_t want_ms;
    const char *word;
};

/* clang-format off */
#define SOK(s, max, z, ms) { s, max, z, ms, NULL }
#define SBAD(s, max, z, w) { s, max, z, 0, w }
/* clang-format on */

static const struct sec_case sec_cases[] = {
    SOK("5", 60, 0, 5000),
    SOK("0.5", 60, 0, 500),
    SOK("2.25", 60, 0, 2250),
    SOK("1.001", 60, 0, 1001),
    SOK("0.001", 60, 0, 1),
    SOK("60", 60, 0, 60000),
    SOK("60.000", 60, 0, 60000),
    SOK("0", 60, 1, 0),
    SOK("0.0", 60, 1, 0),
    SOK("3600", 86400, 0, 3600000),
    SOK("10.1", 60, 0, 10100),
    SBAD("0", 60, 0, "timeout 0"),
    SBAD("0.000", 60, 0, "timeout 0"),
    SBAD("0.0001", 60, 1, "1 to 3 digits after the point"),
    SBAD("1.2345", 60, 0, "1 to 3 digits after the point"),
    SBAD("5.", 60, 0, "1 to 3 digits after the point"),
    SBAD(".5", 60, 0, "digit"),
    SBAD("05", 60, 0, "leading zero"),
    SBAD("00.5", 60, 0, "leading zero"),
    SBAD("61", 60, 0, "60"),
    SBAD("60.001", 60, 0, "60"),
    SBAD("18446744073709551616", 60, 0, "60"),
    SBAD("99999999999999999999999999", 86400, 0, "86400"),
    SBAD("", 60, 0, "empty"),
    SBAD("-1", 60, 0, "digit"),
    SBAD("+1", 60, 0, "digit"),
    SBAD(" 1", 60, 0, "digit"),
    SBAD("1 ", 60, 0, "digit"),
    SBAD("1s", 60, 0, "digit"),
    SBAD("1e3", 60, 0, "digit"),
    SBAD("0x10", 60, 0, "digit"),
    SBAD("1,5", 60, 0, "number"),
    SBAD("1..5", 60, 0, "number"),
    SBAD("1.5.", 60, 0, "number"),
    SBAD("inf", 60, 0, "number"),
    SBAD("nan", 60, 0, "number"),
    SBAD("\xd9\xa5", 60, 0, "number"),
    SBAD("1.\xd9\xa5", 60, 0, "number"),
    SBAD("1.-5", 60, 0, "number"),
};

static int check_sec(size_t i, const struct sec_case *c)
{
    struct nb_err e;
    int64_t ms = -7;
    int rc;

    nb_err_clear(&e);
    rc = nb_parse_seconds(c->s, c->max_s, c->allow_zero, &ms, &e);
    if (c->word == NULL) {
        if (rc != 0 || ms != c->want_ms) {
            print_error("seconds case %zu \"%s\" max %llu zero %d: rc %d ms %lld msg '%s', "
                        "want %lld\n",
                        i, c->s, (unsigned long long)c->max_s, c->allow_zero, rc, (long long)ms,
                        e.msg, (long long)c->want_ms);
            return 1;
        }
        return 0;
    }
    if (rc != -1 || e.code != NB_E_INVALID || strstr(e.msg, c->word) == NULL) {
        print_error("seconds case %zu \"%s\" max %llu zero %d: rc %d ms %lld msg '%s', want "
                    "failure mentioning '%s'\n",
                    i, c->s, (unsigned long long)c->max_s, c->allow_zero, rc, (long long)ms, e.msg,
                    c->word);
        return 1;
    }
    return 0;
}

static void test_seconds_table(void **state)
{
    int nfail = 0;

    for (size_t i = 0; i < sizeof sec_cases / sizeof sec_cases[0]; i++)
        nfail += check_sec(i, &sec_cases[i]);
    assert_int_equal(nfail, 0);
}

static void test_seconds_null_err(void **state)
{
    int64_t ms = 0;

    assert_int_equal(nb_parse_seconds("1.5", 10, 0, &ms, NULL), 0);
    assert_int_equal(ms, 1500);
    assert_int_equal(nb_parse_seconds("11", 10, 0, &ms, NULL), -1);
    assert_int_equal(nb_parse_seconds("x", 10, 0, &ms, NULL), -1);
    assert_int_equal(ms, 1500);
}

/* Seconds that do not fit in int64_t milliseconds, or in uint64_t at all, are
 * refused even when the caller's limit is huge: they must never wrap. */
static void test_seconds_no_wrap(void **state)
{
    int64_t ms = 42;

    assert_int_equal(nb_parse_seconds("18446744073709551616", UINT64_MAX, 0, &ms, NULL), -1);
    assert_int_equal(nb_parse_seconds("18446744073709552", UINT64_MAX, 0, &ms, NULL), -1);
    assert_int_equal(nb_parse_seconds("9223372036854776", UINT64_MAX, 0, &ms, NULL), -1);
    assert_int_equal(ms, 42);
    assert_int_equal(nb_parse_seconds("9223372036854775", UINT64_MAX, 0, &ms, NULL), 0);
    assert_true(ms == INT64_C(9223372036854775000));
}

/* A refused number is quoted the one way (nb_quote: NB_ESC_C, cut at 24 bytes
 * with "..."), so no message carries a raw control byte, C1 or bidi control,
 * and the offending byte's position is named. */
struct msg_case {
    const char *s;
    int seconds; /* 1: nb_parse_seconds, else nb_parse_uint as a port */
    const char *want;
};

/* clang-format off */
static const struct msg_case msg_cases[] = {
    {"80\r", 0, "port '80\\r' has control byte 0x0d at position 3"},
    {"8\x1b[31m0", 0, "port '8\\x1b[31m0' has control byte 0x1b at position 2"},
    {"8\x7f", 0, "port '8\\x7f' has control byte 0x7f at position 2"},
    {"80 ", 0, "port '80 ' has a space at position 3"},
    {"\t80", 0, "port '\\t80' has a tab at position 1"},
    {"8\xc2\x9b" "0", 0, "port '8\\xc2\\x9b0' is not an ASCII number"},
    {"\x9b" "80", 0, "port '\\x9b80' is not an ASCII number"},
    {"8\xe2\x80\xae" "0", 0, "port '8\\xe2\\x80\\xae0' is not an ASCII number"},
    {"8\\0", 0, "port '8\\\\0' is not a number"},
    {"1234567890123456789012345x", 0, "port '123456789012345678901234...' is not a number"},
    {"1.2\x1b[31mX", 1, "timeout '1.2\\x1b[31mX' needs 1 to 3 digits after the point"},
    {"1.\xe2\x81\xa6", 1, "timeout '1.\\xe2\\x81\\xa6' is not a number of seconds"},
    {"1.\x07", 1, "timeout '1.\\x07' is not a number of seconds"},
    {"1\x1b[31mX", 1, "timeout '1\\x1b[31mX' has control byte 0x1b at position 2"},
};
/* clang-format on */

static void test_messages_quote_safely(void **state)
{
    int nfail = 0;

    for (size_t i = 0; i < sizeof msg_cases / sizeof msg_cases[0]; i++) {
        const struct msg_case *c = &msg_cases[i];
        struct nb_err e;
        uint64_t v;
        int64_t ms;
        int rc = c->seconds ? nb_parse_seconds(c->s, 60, 0, &ms, &e)
                            : nb_parse_uint(c->s, 1, 65535, "port", &v, &e);
        int raw = 0;

        for (const unsigned char *p = (const unsigned char *)e.msg; *p; p++)
            raw |= *p < 0x20 || *p >= 0x7f;
        if (rc != -1 || e.code != NB_E_INVALID || raw || !strstr(e.msg, c->want)) {
            print_error("message case %zu: got '%s', want it to contain '%s'%s\n", i, e.msg,
                        c->want, raw ? " (and it holds a raw byte)" : "");
            nfail++;
        }
    }
    assert_int_equal(nfail, 0);
}

int main(void)
{
    /* clang-format off */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uint_table),
        cmocka_unit_test(test_messages_quote_safely),
        cmocka_unit_test(test_uint_failure_details),
        cmocka_unit_test(test_uint_null_err),
        cmocka_unit_test(test_uint_n),
        cmocka_unit_test(test_uint_exact_messages),
        cmocka_unit_test(test_seconds_table),
        cmocka_unit_test(test_seconds_null_err),
        cmocka_unit_test(test_seconds_no_wrap),
    };
    /* clang-format on */

    return cmocka_run_group_tests(tests, NULL, NULL);
}
