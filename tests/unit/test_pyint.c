/* test_pyint.c - nb_py_int, the lesson's int(): the answers python3.11 gives, and its limit
 * of 4300 digits (sys.get_int_max_str_digits()), which underscores and spaces do not count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <netbasics/lesson.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct pycase {
    const char *text;
    int rc; /* 0, or -1: ValueError */
    int neg;
    uint64_t mag;
};

/* Each answer is what python3.11 -c 'print(int(TEXT))' gives. */
static const struct pycase CASES[] = {
    {"80", 0, 0, 80},
    {" 80 ", 0, 0, 80},
    {"\t+80\r\n", 0, 0, 80},
    {"-0", 0, 1, 0},
    {"8_0", 0, 0, 80},
    {"1_2_3", 0, 0, 123},
    {"\xd9\xa8\xd9\xa0", 0, 0, 80},         /* Arabic-Indic 80 */
    {"\xef\xbc\x98\xef\xbc\x90", 0, 0, 80}, /* fullwidth 80 */
    {"\xc2\xa0"
     "80\xe3\x80\x80",
     0, 0, 80}, /* NBSP 80 IDEOGRAPHIC SPACE */
    {"00080", 0, 0, 80},
    {"18446744073709551615", 0, 0, UINT64_MAX},
    {"", -1, 0, 0},
    {" ", -1, 0, 0},
    {"+", -1, 0, 0},
    {"- 5", -1, 0, 0},
    {"_80", -1, 0, 0},
    {"80_", -1, 0, 0},
    {"1__0", -1, 0, 0},
    {"8 0", -1, 0, 0},
    {"8_ 0", -1, 0, 0},
    {"80 x", -1, 0, 0},
    {"0x50", -1, 0, 0},
    {"1e3", -1, 0, 0},
    {"80\x1c", -1, 0, 0},
    {"\xff"
     "80",
     -1, 0, 0},
};

static void test_answers(void **state)
{
    (void)state;
    for (size_t i = 0; i < N(CASES); i++) {
        int neg = 7, big = 7;
        uint64_t mag = 7;
        int rc = nb_py_int(CASES[i].text, strlen(CASES[i].text), &neg, &mag, &big);
        if (rc != CASES[i].rc || (rc == 0 && (neg != CASES[i].neg || mag != CASES[i].mag)))
            fail_msg("int('%s'): rc %d neg %d mag %llu, wanted rc %d neg %d mag %llu",
                     CASES[i].text, rc, neg, (unsigned long long)mag, CASES[i].rc, CASES[i].neg,
                     (unsigned long long)CASES[i].mag);
    }
}

/* A text of count copies of unit, between before and after. */
static char *repeat(const char *before, const char *unit, size_t count, const char *after,
                    size_t *len)
{
    size_t ul = strlen(unit), bl = strlen(before), al = strlen(after);
    char *s = malloc(bl + ul * count + al + 1);

    assert_non_null(s);
    memcpy(s, before, bl);
    for (size_t i = 0; i < count; i++)
        memcpy(s + bl + i * ul, unit, ul);
    memcpy(s + bl + ul * count, after, al + 1);
    *len = bl + ul * count + al;
    return s;
}

struct limit_case {
    const char *before, *unit;
    size_t count;
    const char *after;
    int rc; /* as python3.11 answers: 0, or -2 for "Exceeds the limit (4300 digits)" */
    int big;
};

static const struct limit_case LIMITS[] = {
    {"", "1", 4300, "", 0, 1},
    {"", "1", 4301, "", -2, 0},
    {"", "0", 4300, "", 0, 0},
    {"", "0", 4301, "", -2, 0},
    {"-", "9", 4300, "  ", 0, 1},
    {"", "1_", 4299, "1", 0, 1},   /* 4300 digits and 4299 underscores */
    {"", "1_", 4300, "1", -2, 0},  /* 4301 digits */
    {"", " ", 100000, "80", 0, 0}, /* spaces do not count, however many */
    {"80", " ", 100000, "", 0, 0},
    {"", "\xd9\xa8", 4300, "", 0, 1}, /* digits of another script count as digits */
    {"", "\xd9\xa8", 4301, "", -2, 0},
    {"", "1", 4301, "x", -2, 0}, /* the limit is checked before what follows the digits */
    {"", "1", 4300, "x", -1, 0},
    {"", "1_", 4301, "_", -1, 0}, /* a double underscore is refused before the limit */
    {"", "1_", 4301, " ", -1, 0}, /* and so is a trailing one */
    {"", "1", 4301, " _", -2, 0},
    {"x", "1", 4301, "", -1, 0},
};

static void test_digit_limit(void **state)
{
    (void)state;
    for (size_t i = 0; i < N(LIMITS); i++) {
        const struct limit_case *c = &LIMITS[i];
        size_t len;
        char *s = repeat(c->before, c->unit, c->count, c->after, &len);
        int neg, big = 0;
        uint64_t mag = 0;
        int rc = nb_py_int(s, len, &neg, &mag, &big);
        if (rc != c->rc || (rc == 0 && big != c->big))
            fail_msg("case %zu ('%s' + %zu x '%s' + '%s'): rc %d big %d, wanted rc %d big %d", i,
                     c->before, c->count, c->unit, c->after, rc, big, c->rc, c->big);
        free(s);
    }
}

/* The lesson's isipandport on a 4300-digit port accepts it (with the range warning), and
 * on 4301 digits names Python's limit. */
static void test_isipandport_limit(void **state)
{
    struct nb_lesson_verdict v;
    size_t len;
    char *s;

    (void)state;
    s = repeat("1.2.3.4:", "7", 4300, "", &len);
    nb_lesson_isipandport(s, len, &v);
    assert_true(v.accepted);
    assert_true(v.port_warning);
    assert_true(v.port_big);
    free(s);
    s = repeat("1.2.3.4:", "7", 4301, "", &len);
    nb_lesson_isipandport(s, len, &v);
    assert_false(v.accepted);
    assert_non_null(strstr(v.why, "more than 4300 digits"));
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_answers),
        cmocka_unit_test(test_digit_limit),
        cmocka_unit_test(test_isipandport_limit),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
