/* fuzz_lesson.c - libFuzzer target for the small parsers of the lesson's
 * commands: Python's int() and isipandport (checksock --lenient), reverse
 * input (octets), the one number parser and seconds, and the quiz's answers. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netbasics/bits.h>
#include <netbasics/lesson.h>
#include <netbasics/num.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond, what)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_lesson: %s\n", what);                                            \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    struct nb_lesson_verdict v;
    struct nb_addr a;
    enum nb_reverse_form form;
    struct nb_err e;
    struct nb_rng rng;
    struct nb_quiz_q q;
    char text[64];
    uint64_t u, mag;
    int64_t ms;
    int neg, big, r;

    if (size > 4096)
        return 0;

    /* isipandport: accepted means one ':' and a port int() reads; the warning
     * is exactly the lesson's range test */
    nb_lesson_isipandport(s, size, &v);
    if (v.accepted) {
        const char *colon = memchr(s, ':', size);
        CHECK(colon && !memchr(colon + 1, ':', size - (size_t)(colon + 1 - s)),
              "accepted without exactly one ':'");
        CHECK(v.addr.family == 4, "accepted with no IPv4 address");
        CHECK(v.port_warning == (v.port_neg || v.port_big || v.port < 7 || v.port > 65535),
              "the port warning is not the lesson's test");
    } else {
        CHECK(v.why[0] && !strchr(v.why, '\n'), "a refusal without a one-line reason");
    }

    /* int(): a result only from text with at least one digit; ASCII digits
     * alone read as their value */
    if (nb_py_int(s, size, &neg, &mag, &big) == 0) {
        size_t i = 0, digits = 0;
        for (; i < size; i++)
            if (s[i] >= '0' && s[i] <= '9')
                digits++;
        if (digits == size && size <= 19) {
            uint64_t want = 0;
            for (i = 0; i < size; i++)
                want = want * 10 + (uint64_t)(s[i] - '0');
            CHECK(!neg && !big && mag == want, "int() of plain digits reads another value");
        }
    }

    /* reverse input: a result is a 32-bit value the text really spells */
    r = nb_reverse_parse(s, size, &a, &form, &e);
    CHECK(r >= -1 && r <= 1, "reverse_parse returns something else");
    if (r == 1) {
        CHECK(a.family == 4, "reverse input gave no IPv4 address");
        if (form == NB_REV_INTEGER) {
            snprintf(text, sizeof text, "%u", nb_ip4_to_u32(&a));
            CHECK(strlen(text) == size && !memcmp(text, s, size),
                  "the integer form does not print back as itself");
        }
    } else if (r == -1) {
        CHECK(e.code == NB_E_INVALID && !strchr(e.msg, '\n'), "a bad reverse error");
    }

    /* the number parser: success only for plain digits without a leading zero */
    if (nb_parse_uint_n(s, size, 0, UINT64_MAX, "number", &u, &e) == 0) {
        CHECK(size > 0 && (size == 1 || s[0] != '0'), "a leading zero accepted");
        snprintf(text, sizeof text, "%llu", (unsigned long long)u);
        CHECK(strlen(text) == size && !memcmp(text, s, size), "a number that is not its text");
    } else {
        CHECK(e.code == NB_E_INVALID && e.msg[0] && !strchr(e.msg, '\n'), "a bad number error");
    }

    /* seconds: a NUL-terminated copy, in range and never negative */
    if (size < 64 && !memchr(s, '\0', size)) {
        memcpy(text, s, size);
        text[size] = '\0';
        if (nb_parse_seconds(text, 86400, 0, &ms, &e) == 0)
            CHECK(ms > 0 && ms <= 86400000, "seconds out of range");
    }

    /* the quiz: any answer is judged without harm; the right one is right */
    nb_rng_seed(&rng, size);
    for (int i = 0; i < 4; i++) {
        nb_quiz_make(&rng, i, &q);
        (void)nb_quiz_check(&q, s, size);
        CHECK(nb_quiz_check(&q, q.answer, strlen(q.answer)), "the quiz's own answer is wrong");
    }
    return 0;
}
