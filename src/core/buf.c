/* buf.c - the bounded byte reader and the capped string builder. */
#include <netbasics/buf.h>
#include <netbasics/num.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

void nb_reader_init(struct nb_reader *r, const void *p, size_t len)
{
    static const uint8_t none[1];

    r->p = p ? p : none; /* never a null pointer to offset */
    r->len = p ? len : 0;
    r->off = 0;
}

size_t nb_reader_remaining(const struct nb_reader *r)
{
    return r->len - r->off;
}

size_t nb_reader_offset(const struct nb_reader *r)
{
    return r->off;
}

int nb_reader_seek(struct nb_reader *r, size_t off)
{
    if (off > r->len)
        return -1;
    r->off = off;
    return 0;
}

int nb_reader_take(struct nb_reader *r, size_t n, const uint8_t **p)
{
    if (r->len - r->off < n)
        return -1;
    *p = r->p + r->off;
    r->off += n;
    return 0;
}

int nb_reader_u8(struct nb_reader *r, uint8_t *v)
{
    const uint8_t *p;

    if (nb_reader_take(r, 1, &p) < 0)
        return -1;
    *v = p[0];
    return 0;
}

int nb_reader_u16(struct nb_reader *r, uint16_t *v)
{
    const uint8_t *p;

    if (nb_reader_take(r, 2, &p) < 0)
        return -1;
    *v = (uint16_t)(p[0] << 8 | p[1]);
    return 0;
}

int nb_reader_u32(struct nb_reader *r, uint32_t *v)
{
    const uint8_t *p;

    if (nb_reader_take(r, 4, &p) < 0)
        return -1;
    *v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    return 0;
}

int nb_reader_peek(const struct nb_reader *r, uint8_t *v)
{
    if (r->off == r->len)
        return -1;
    *v = r->p[r->off];
    return 0;
}

int nb_reader_bytes(struct nb_reader *r, void *out, size_t n)
{
    const uint8_t *p;

    if (nb_reader_take(r, n, &p) < 0)
        return -1;
    if (n)
        memcpy(out, p, n);
    return 0;
}

int nb_reader_skip(struct nb_reader *r, size_t n)
{
    const uint8_t *p;

    return nb_reader_take(r, n, &p);
}

/* Whether c is one of the bytes of set (a C string: its NUL is not one of them). */
static int in_set(uint8_t c, const char *set)
{
    return c != 0 && strchr(set, c) != NULL;
}

size_t nb_reader_take_until(struct nb_reader *r, const char *stop, const uint8_t **p)
{
    size_t start = r->off;

    while (r->off < r->len && !in_set(r->p[r->off], stop))
        r->off++;
    *p = r->p + start;
    return r->off - start;
}

size_t nb_reader_skip_while(struct nb_reader *r, const char *set)
{
    size_t start = r->off;

    while (r->off < r->len && in_set(r->p[r->off], set))
        r->off++;
    return r->off - start;
}

int nb_reader_line(struct nb_reader *r, const uint8_t **p, size_t *n)
{
    const uint8_t *nl;

    if (r->off == r->len)
        return -1;
    *p = r->p + r->off;
    nl = memchr(*p, '\n', r->len - r->off);
    *n = nl ? (size_t)(nl - *p) : r->len - r->off;
    r->off += *n + (nl != NULL);
    return 0;
}

int nb_reader_uint(struct nb_reader *r, unsigned base, size_t max_digits, uint64_t *v)
{
    size_t n = nb_scan_uint((const char *)r->p + r->off, r->len - r->off, base, max_digits, v);

    if (n == 0)
        return -1;
    r->off += n;
    return 0;
}

/* ---- the builder ------------------------------------------------------------------------ */

void nb_builder_init(struct nb_builder *b, size_t cap)
{
    memset(b, 0, sizeof *b);
    b->cap = cap < SIZE_MAX / 4 ? cap : SIZE_MAX / 4;
}

void nb_builder_init_fixed(struct nb_builder *b, char *buf, size_t size)
{
    memset(b, 0, sizeof *b);
    b->p = buf;
    b->size = size;
    b->cap = size ? size - 1 : 0;
    b->fixed = 1;
    if (size)
        buf[0] = '\0';
}

/* Makes room for need (at most cap) bytes of text and a NUL; 0, or -1 when memory runs out. */
static int grow(struct nb_builder *b, size_t need)
{
    size_t size;
    char *p;

    if (need < b->size)
        return 0;
    size = b->size ? b->size : 64;
    while (size <= need)
        size *= 2; /* cap is below SIZE_MAX / 2: no overflow */
    if (size > b->cap + 1)
        size = b->cap + 1;
    p = realloc(b->p, size);
    if (!p)
        return -1;
    b->p = p;
    b->size = size;
    return 0;
}

void nb_builder_put(struct nb_builder *b, const void *p, size_t n)
{
    size_t take = n;

    b->want += n;
    if (b->err || n == 0)
        return;
    if (n > b->cap - b->len) {
        /* store what fits, as snprintf does, so a cut text still shows its start */
        take = b->cap - b->len;
        b->err = NB_BUILDER_FULL;
    }
    if (take == 0)
        return;
    if (grow(b, b->len + take) < 0) {
        b->err = NB_BUILDER_NOMEM;
        return;
    }
    memcpy(b->p + b->len, p, take);
    b->len += take;
}

void nb_builder_puts(struct nb_builder *b, const char *s)
{
    nb_builder_put(b, s, strlen(s));
}

void nb_builder_printf(struct nb_builder *b, const char *fmt, ...)
{
    char small[128];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->err = b->err ? b->err : NB_BUILDER_FULL;
        return;
    }
    if ((size_t)n < sizeof small) {
        nb_builder_put(b, small, (size_t)n);
        return;
    }
    {
        char *big = malloc((size_t)n + 1);
        if (!big) {
            b->want += (size_t)n;
            b->err = b->err ? b->err : NB_BUILDER_NOMEM;
            return;
        }
        va_start(ap, fmt);
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        va_end(ap);
        nb_builder_put(b, big, (size_t)n);
        free(big);
    }
}

void nb_builder_hex(struct nb_builder *b, unsigned long v, int digits)
{
    static const char hex[] = "0123456789abcdef";

    while (digits-- > 0)
        nb_builder_putc(b, hex[(v >> (4 * digits)) & 15]);
}

void nb_builder_escaped(struct nb_builder *b, const void *p, size_t n, const char *special)
{
    const uint8_t *s = p;

    for (size_t i = 0; i < n; i++) {
        uint8_t c = s[i];

        if (c == ' ' && !in_set(c, special)) {
            nb_builder_putc(b, ' ');
        } else if (c < 0x21 || c > 0x7e) {
            nb_builder_putc(b, '\\');
            nb_builder_putc(b, (char)('0' + c / 100));
            nb_builder_putc(b, (char)('0' + c / 10 % 10));
            nb_builder_putc(b, (char)('0' + c % 10));
        } else if (c == '\\' || in_set(c, special)) {
            nb_builder_putc(b, '\\');
            nb_builder_putc(b, (char)c);
        } else {
            nb_builder_putc(b, (char)c);
        }
    }
}

const char *nb_builder_str(struct nb_builder *b)
{
    if (!b->size)
        return "";
    b->p[b->len] = '\0';
    return b->p;
}

enum nb_builder_error nb_builder_error(const struct nb_builder *b)
{
    return b->err;
}

char *nb_builder_take(struct nb_builder *b)
{
    char *s;

    if (b->fixed)
        return NULL;
    if (b->err) {
        nb_builder_free(b);
        return NULL;
    }
    if (grow(b, b->len) < 0) {
        nb_builder_free(b);
        return NULL;
    }
    b->p[b->len] = '\0';
    s = b->p;
    nb_builder_init(b, b->cap);
    return s;
}

void nb_builder_reset(struct nb_builder *b)
{
    b->len = 0;
    b->want = 0;
    b->err = NB_BUILDER_OK;
}

void nb_builder_free(struct nb_builder *b)
{
    if (b->fixed) {
        nb_builder_init_fixed(b, b->p, b->size);
        return;
    }
    free(b->p);
    nb_builder_init(b, b->cap);
}
