/* test_buf.c - the bounded reader and the capped builder, with hostile cases: reads past the
 * end, seeks outside, zero lengths, a builder's cap and a caller's array overflowed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <netbasics/buf.h>
#include <netbasics/num.h>

/* A heap copy of exactly n bytes, so a read past the end shows in ASan. */
static uint8_t *copy_of(const void *p, size_t n)
{
    uint8_t *c = malloc(n ? n : 1);

    assert_non_null(c);
    memcpy(c, p, n);
    return c;
}

static void test_reader_numbers(void **state)
{
    uint8_t *m = copy_of("\x12\x34\x56\x78\x9a\xbc\xde", 7);
    struct nb_reader r;
    uint8_t b;
    uint16_t h;
    uint32_t w;

    (void)state;
    nb_reader_init(&r, m, 7);
    assert_int_equal(nb_reader_u16(&r, &h), 0);
    assert_int_equal(h, 0x1234);
    assert_int_equal(nb_reader_u32(&r, &w), 0);
    assert_int_equal(w, 0x56789abcu);
    assert_int_equal(nb_reader_remaining(&r), 1);
    /* too few left: each fails and leaves the cursor where it was */
    assert_int_equal(nb_reader_u16(&r, &h), -1);
    assert_int_equal(nb_reader_u32(&r, &w), -1);
    assert_int_equal(nb_reader_offset(&r), 6);
    assert_int_equal(nb_reader_peek(&r, &b), 0);
    assert_int_equal(b, 0xde);
    assert_int_equal(nb_reader_u8(&r, &b), 0);
    assert_int_equal(b, 0xde);
    assert_int_equal(nb_reader_u8(&r, &b), -1);
    assert_int_equal(nb_reader_peek(&r, &b), -1);
    assert_int_equal(nb_reader_remaining(&r), 0);
    free(m);
}

static void test_reader_bytes_skip_seek(void **state)
{
    uint8_t *m = copy_of("abcdef", 6);
    struct nb_reader r;
    const uint8_t *p;
    char out[8] = "";

    (void)state;
    nb_reader_init(&r, m, 6);
    assert_int_equal(nb_reader_bytes(&r, out, 7), -1); /* one more than there is */
    assert_int_equal(nb_reader_offset(&r), 0);
    assert_int_equal(nb_reader_bytes(&r, out, 2), 0);
    assert_memory_equal(out, "ab", 2);
    assert_int_equal(nb_reader_take(&r, 0, &p), 0); /* zero bytes always succeed */
    assert_int_equal(nb_reader_skip(&r, 5), -1);
    assert_int_equal(nb_reader_skip(&r, 4), 0);
    assert_int_equal(nb_reader_take(&r, 1, &p), -1);
    assert_int_equal(nb_reader_seek(&r, 7), -1);
    assert_int_equal(nb_reader_offset(&r), 6);
    assert_int_equal(nb_reader_seek(&r, SIZE_MAX), -1);
    assert_int_equal(nb_reader_seek(&r, 6), 0); /* the end itself is a place */
    assert_int_equal(nb_reader_seek(&r, 3), 0);
    assert_int_equal(nb_reader_take(&r, 2, &p), 0);
    assert_memory_equal(p, "de", 2);
    /* a huge n must not wrap around the remaining length */
    assert_int_equal(nb_reader_skip(&r, SIZE_MAX), -1);
    assert_int_equal(nb_reader_offset(&r), 5);
    free(m);
}

static void test_reader_empty(void **state)
{
    struct nb_reader r;
    const uint8_t *p;
    uint8_t b;
    size_t n;
    uint64_t v;

    (void)state;
    nb_reader_init(&r, NULL, 5); /* no bytes, whatever the length says */
    assert_int_equal(nb_reader_remaining(&r), 0);
    assert_int_equal(nb_reader_u8(&r, &b), -1);
    assert_int_equal(nb_reader_line(&r, &p, &n), -1);
    assert_int_equal(nb_reader_take_until(&r, " ", &p), 0);
    assert_int_equal(nb_reader_skip_while(&r, " "), 0);
    assert_int_equal(nb_reader_uint(&r, 10, 20, &v), -1);
    assert_int_equal(nb_reader_take(&r, 0, &p), 0);
}

static void test_reader_lines_and_words(void **state)
{
    static const char text[] = "one two\r\n\nlast";
    uint8_t *m = copy_of(text, sizeof text - 1);
    struct nb_reader r, line;
    const uint8_t *p;
    size_t n;

    (void)state;
    nb_reader_init(&r, m, sizeof text - 1);
    assert_int_equal(nb_reader_line(&r, &p, &n), 0);
    assert_int_equal(n, 8); /* the \r is the caller's to judge */
    nb_reader_init(&line, p, n);
    assert_int_equal(nb_reader_take_until(&line, " \r", &p), 3);
    assert_memory_equal(p, "one", 3);
    assert_int_equal(nb_reader_skip_while(&line, " "), 1);
    assert_int_equal(nb_reader_take_until(&line, " \r", &p), 3);
    assert_int_equal(nb_reader_take_until(&line, " \r", &p), 0); /* stopped at the \r */
    assert_int_equal(nb_reader_remaining(&line), 1);
    assert_int_equal(nb_reader_line(&r, &p, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(nb_reader_line(&r, &p, &n), 0);
    assert_int_equal(n, 4); /* no '\n' at the end: the rest is the line */
    assert_memory_equal(p, "last", 4);
    assert_int_equal(nb_reader_line(&r, &p, &n), -1);
    free(m);
}

/* A NUL in the stop set never matches: the C string's terminator is not one of its bytes. */
static void test_reader_nul_bytes(void **state)
{
    uint8_t *m = copy_of("a\0b c", 5);
    struct nb_reader r;
    const uint8_t *p;

    (void)state;
    nb_reader_init(&r, m, 5);
    assert_int_equal(nb_reader_take_until(&r, " ", &p), 3);
    assert_int_equal(nb_reader_skip_while(&r, ""), 0);
    free(m);
}

static void test_reader_uint(void **state)
{
    uint8_t *m = copy_of("0100007F:1F90 99999999999999999999999 x", 39);
    struct nb_reader r;
    uint64_t v;

    (void)state;
    nb_reader_init(&r, m, 39);
    assert_int_equal(nb_reader_uint(&r, 16, 8, &v), 0);
    assert_int_equal(v, 0x0100007f);
    assert_int_equal(nb_reader_offset(&r), 8);           /* "digits then stop": at most 8 */
    assert_int_equal(nb_reader_uint(&r, 16, 8, &v), -1); /* ':' is no digit */
    nb_reader_skip(&r, 1);
    assert_int_equal(nb_reader_uint(&r, 16, 4, &v), 0);
    assert_int_equal(v, 0x1f90);
    nb_reader_skip(&r, 1);
    assert_int_equal(nb_reader_uint(&r, 10, 64, &v), 0);
    assert_true(v == UINT64_MAX); /* 23 nines saturate, never wrap */
    nb_reader_skip(&r, 1);
    assert_int_equal(nb_reader_uint(&r, 10, 64, &v), -1);
    assert_int_equal(nb_reader_remaining(&r), 1);
    free(m);
}

static void test_scan_uint(void **state)
{
    uint64_t v;

    (void)state;
    assert_int_equal(nb_scan_uint("1011x", 5, 2, 64, &v), 4);
    assert_int_equal(v, 11);
    assert_int_equal(nb_scan_uint("102", 3, 2, 64, &v), 2); /* 2 is no binary digit */
    assert_int_equal(nb_scan_uint("ffFF", 4, 16, 64, &v), 4);
    assert_int_equal(v, 0xffff);
    assert_int_equal(nb_scan_uint("ff", 2, 10, 64, &v), 0);
    assert_int_equal(nb_scan_uint("123", 0, 10, 64, &v), 0);
    assert_int_equal(nb_scan_uint("18446744073709551615", 20, 10, 20, &v), 20);
    assert_true(v == UINT64_MAX);
    assert_int_equal(nb_scan_uint("18446744073709551616", 20, 10, 20, &v), 20);
    assert_true(v == UINT64_MAX);
    assert_int_equal(nb_scan_uint("\xd9\xa3", 2, 10, 20, &v), 0); /* Arabic-Indic 3 */
}

static void test_builder_grows(void **state)
{
    struct nb_builder b;
    char *s;

    (void)state;
    nb_builder_init(&b, 1000);
    assert_string_equal(nb_builder_str(&b), "");
    for (int i = 0; i < 100; i++)
        nb_builder_printf(&b, "%d,", i % 10);
    assert_int_equal(b.len, 200);
    nb_builder_putc(&b, '!');
    nb_builder_hex(&b, 0xab, 2);
    nb_builder_hex(&b, 0x5, 4);
    assert_int_equal(nb_builder_error(&b), NB_BUILDER_OK);
    assert_string_equal(nb_builder_str(&b) + 196, "8,9,!ab0005");
    s = nb_builder_take(&b);
    assert_non_null(s);
    assert_int_equal(strlen(s), 207);
    free(s);
    assert_string_equal(nb_builder_str(&b), ""); /* emptied by take */
    s = nb_builder_take(&b);                     /* an empty text is "" */
    assert_string_equal(s, "");
    free(s);
    nb_builder_free(&b);
}

/* Memory stays bounded: past the cap nothing more is stored, and the error sticks. */
static void test_builder_cap(void **state)
{
    static char big[5000];
    struct nb_builder b;

    (void)state;
    memset(big, 'x', sizeof big);
    nb_builder_init(&b, 10);
    nb_builder_puts(&b, "0123456");
    nb_builder_printf(&b, "%s", "789AB");
    assert_int_equal(nb_builder_error(&b), NB_BUILDER_FULL);
    assert_string_equal(nb_builder_str(&b), "0123456789"); /* what fit is kept */
    assert_true(b.size <= 11);
    nb_builder_put(&b, big, sizeof big);
    nb_builder_printf(&b, "%.*s", 4000, big); /* longer than printf's small buffer */
    nb_builder_putc(&b, 'y');
    assert_int_equal(b.len, 10);
    assert_int_equal(b.want, 12 + 5000 + 4000 + 1);
    assert_int_equal(nb_builder_error(&b), NB_BUILDER_FULL);
    assert_null(nb_builder_take(&b)); /* an error gives no text, and frees */
    assert_null(b.p);
    nb_builder_reset(&b);
    nb_builder_puts(&b, "ok");
    assert_string_equal(nb_builder_str(&b), "ok");
    nb_builder_free(&b);

    nb_builder_init(&b, 0); /* a cap of 0 holds only the empty text */
    nb_builder_putc(&b, 'a');
    assert_int_equal(nb_builder_error(&b), NB_BUILDER_FULL);
    assert_string_equal(nb_builder_str(&b), "");
    nb_builder_free(&b);
}

/* In the caller's array it behaves as snprintf: cut, NUL-terminated, the full length counted,
 * never a byte past the array. */
static void test_builder_fixed(void **state)
{
    char buf[8];
    struct nb_builder b;

    (void)state;
    for (size_t size = 0; size <= 7; size++) {
        memset(buf, 'Z', sizeof buf);
        nb_builder_init_fixed(&b, buf, size);
        nb_builder_puts(&b, "abc");
        nb_builder_putc(&b, 'd');
        nb_builder_printf(&b, "%u", 42u);
        assert_int_equal(b.want, 6);
        if (size)
            assert_ptr_equal(nb_builder_str(&b), buf);
        else
            assert_string_equal(nb_builder_str(&b), "");
        if (size == 0) {
            assert_int_equal(buf[0], 'Z');
        } else {
            assert_int_equal(strlen(buf), size - 1 < 6 ? size - 1 : 6);
            assert_memory_equal(buf, "abcd42", strlen(buf));
            assert_int_equal(nb_builder_error(&b), size > 6 ? NB_BUILDER_OK : NB_BUILDER_FULL);
        }
        assert_int_equal(buf[size], 'Z');
        assert_null(nb_builder_take(&b)); /* the caller's array is not handed out */
    }
}

static void test_builder_escaped(void **state)
{
    struct nb_builder b;

    (void)state;
    nb_builder_init(&b, 100);
    nb_builder_escaped(&b, "a.b c\\\"\x00\x7f\xff", 10, ". ");
    assert_string_equal(nb_builder_str(&b), "a\\.b\\032c\\\\\"\\000\\127\\255");
    nb_builder_reset(&b);
    nb_builder_escaped(&b, "a b\"", 4, "\"");
    assert_string_equal(nb_builder_str(&b), "a b\\\"");
    nb_builder_reset(&b);
    nb_builder_escaped(&b, "", 0, "");
    assert_string_equal(nb_builder_str(&b), "");
    nb_builder_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reader_numbers),   cmocka_unit_test(test_reader_bytes_skip_seek),
        cmocka_unit_test(test_reader_empty),     cmocka_unit_test(test_reader_lines_and_words),
        cmocka_unit_test(test_reader_nul_bytes), cmocka_unit_test(test_reader_uint),
        cmocka_unit_test(test_scan_uint),        cmocka_unit_test(test_builder_grows),
        cmocka_unit_test(test_builder_cap),      cmocka_unit_test(test_builder_fixed),
        cmocka_unit_test(test_builder_escaped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
