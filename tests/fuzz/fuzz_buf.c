/* fuzz_buf.c - libFuzzer target: the bounded reader and the capped builder driven by the input
 * as a program: each byte picks an operation and its argument, over the rest of the input as
 * data (a reader) and into a heap builder and a fixed one (the builders).
 *
 * Invariants, each checked with abort():
 * - a reader's offset never passes its length; a fetch that fails moves nothing; one that
 *   succeeds moves by exactly what it took, and the bytes it returns are the input's;
 * - a builder never holds more than its cap; want counts every byte appended; its text is a
 *   prefix of what a plain model of the appends holds, and all of it while no error. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netbasics/buf.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond, what)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_buf: %s\n", what);                                               \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#define MODEL_MAX 4096

struct model {
    char text[MODEL_MAX];
    size_t len; /* may pass MODEL_MAX: then only the first MODEL_MAX are kept */
};

static void model_put(struct model *m, const void *p, size_t n)
{
    size_t room = m->len < MODEL_MAX ? MODEL_MAX - m->len : 0;

    memcpy(m->text + (m->len < MODEL_MAX ? m->len : MODEL_MAX), p, n < room ? n : room);
    m->len += n;
}

static void check_builder(struct nb_builder *b, const struct model *m)
{
    const char *s = nb_builder_str(b);

    CHECK(b->len <= b->cap && b->len < MODEL_MAX, "a builder holds more than its cap");
    CHECK(s[b->len] == '\0', "the text is not NUL-terminated");
    CHECK(b->want == m->len, "want is not the bytes appended");
    CHECK(memcmp(s, m->text, b->len) == 0, "the text is not the appends");
    if (nb_builder_error(b) == NB_BUILDER_OK)
        CHECK(b->len == m->len, "text lost without an error");
    if (nb_builder_error(b) == NB_BUILDER_FULL)
        CHECK(b->len == b->cap, "a full builder did not keep what fit");
}

static void put_both(struct nb_builder *heap, struct nb_builder *fixed, struct model *m,
                     const void *p, size_t n)
{
    nb_builder_put(heap, p, n);
    nb_builder_put(fixed, p, n);
    model_put(m, p, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct nb_reader r;
    struct nb_builder heap, fixed;
    struct model m = {{0}, 0};
    char fbuf[64];
    size_t nops, i;

    if (size < 2)
        return 0;
    nops = data[0] % 32;
    if (nops + 1 > size)
        nops = size - 1;
    nb_reader_init(&r, data + 1 + nops, size - 1 - nops);
    nb_builder_init(&heap, data[1 % size] * 8u);
    nb_builder_init_fixed(&fixed, fbuf, 1 + data[1 % size] % sizeof fbuf);
    for (i = 0; i < nops; i++) {
        uint8_t op = data[1 + i], v8;
        size_t before = nb_reader_offset(&r), n = op >> 3, got;
        const uint8_t *p;
        uint16_t v16;
        uint32_t v32;
        uint64_t v64;
        char tmp[32];
        int rc = 0;

        switch (op & 7) {
        case 0:
            rc = nb_reader_u8(&r, &v8);
            n = 1;
            break;
        case 1:
            rc = nb_reader_u16(&r, &v16);
            n = 2;
            break;
        case 2:
            rc = nb_reader_u32(&r, &v32);
            n = 4;
            break;
        case 3:
            rc = nb_reader_take(&r, n, &p);
            if (rc == 0) {
                CHECK(p == r.p + before, "take points elsewhere");
                put_both(&heap, &fixed, &m, p, n);
            }
            break;
        case 4:
            rc = nb_reader_seek(&r, n);
            CHECK((rc == 0) == (n <= r.len), "seek judged the length wrongly");
            continue;
        case 5:
            got = nb_reader_take_until(&r, " \n:", &p);
            CHECK(nb_reader_offset(&r) == before + got, "take_until moved by another amount");
            put_both(&heap, &fixed, &m, p, got);
            continue;
        case 6:
            rc = nb_reader_uint(&r, op & 8 ? 16 : 10, n, &v64);
            if (rc == 0) {
                snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)v64);
                nb_builder_printf(&heap, "%llu", (unsigned long long)v64);
                nb_builder_printf(&fixed, "%llu", (unsigned long long)v64);
                model_put(&m, tmp, strlen(tmp));
                n = nb_reader_offset(&r) - before;
            }
            break;
        default:
            rc = nb_reader_line(&r, &p, &got);
            if (rc == 0) {
                n = nb_reader_offset(&r) - before;
                CHECK(n == got || (n == got + 1 && p[got] == '\n'), "a line's length is wrong");
                CHECK(!memchr(p, '\n', got), "a line holds a newline");
            }
            break;
        }
        CHECK(nb_reader_offset(&r) <= r.len, "the offset passed the end");
        if (rc < 0)
            CHECK(nb_reader_offset(&r) == before, "a failed fetch moved the reader");
        else
            CHECK(nb_reader_offset(&r) == before + n, "a fetch moved by another amount");
        check_builder(&heap, &m);
        check_builder(&fixed, &m);
    }
    free(nb_builder_take(&heap));
    nb_builder_free(&heap);
    return 0;
}
