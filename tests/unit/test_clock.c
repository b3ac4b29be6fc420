/* test_clock.c - deadlines on the monotonic clock and the one duration formatter. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <netbasics/clock.h>

#include <string.h>

static void test_deadline(void **state)
{
    struct nb_deadline d;
    int64_t t0, t1;
    int left;

    (void)state;
    nb_deadline_init(&d, -1);
    assert_int_equal(nb_deadline_left(&d), -1);
    assert_false(nb_deadline_passed(&d));

    nb_deadline_init(&d, 0);
    assert_int_equal(nb_deadline_left(&d), 0);
    assert_true(nb_deadline_passed(&d));

    nb_deadline_init(&d, 10000);
    left = nb_deadline_left(&d);
    assert_true(left > 9000 && left <= 10000);
    assert_false(nb_deadline_passed(&d));

    /* A huge timeout is clamped, never overflows into the past. */
    nb_deadline_init(&d, INT64_MAX);
    assert_false(nb_deadline_passed(&d));
    assert_true(nb_deadline_left(&d) > 0);

    t0 = nb_now_ms();
    t1 = nb_now_ms();
    assert_true(t1 >= t0);
}

/* A duration is shown as the person gave it: seconds, no trailing zeros. */
static void test_duration_format(void **state)
{
    static const struct {
        int64_t ms;
        const char *want;
    } cases[] = {
        {500, "0.5 s"},
        {10000, "10 s"},
        {1500, "1.5 s"},
        {250, "0.25 s"},
        {0, "0 s"},
        {1, "0.001 s"},
        {1001, "1.001 s"},
        {1010, "1.01 s"},
        {30000, "30 s"},
        {86400000, "86400 s"},
        {100, "0.1 s"},
        {-1500, "-1.5 s"},
        {INT64_MIN, "-9223372036854775.808 s"},
    };
    char buf[NB_DURATION_TEXT_MAX];

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_ptr_equal(nb_duration_format(cases[i].ms, buf, sizeof buf), buf);
        assert_string_equal(buf, cases[i].want);
    }
    /* a small buffer gets a cut, terminated text */
    nb_duration_format(1500, buf, 4);
    assert_string_equal(buf, "1.5");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deadline),
        cmocka_unit_test(test_duration_format),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
