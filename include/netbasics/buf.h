/* buf.h - the one bounded byte reader (every parser's cursor) and the one growable string
 * builder with a size cap (every piece of text the core composes). */
#ifndef NETBASICS_BUF_H
#define NETBASICS_BUF_H

#include <stddef.h>
#include <stdint.h>

#include <netbasics/err.h>

/* A read cursor over p[0..len): every fetch checks the bytes remaining first and either
 * succeeds and moves on, or fails (-1) and leaves the cursor where it was. */
struct nb_reader {
    const uint8_t *p;
    size_t len, off;
};

/* Starts a reader at the first of p[0..len) (p may be NULL when len is 0). */
void nb_reader_init(struct nb_reader *r, const void *p, size_t len);

/* Bytes left to read, and the offset of the next one from the start. */
size_t nb_reader_remaining(const struct nb_reader *r);
size_t nb_reader_offset(const struct nb_reader *r);

/* Moves to offset off (off == len is the end). Returns 0, or -1 when off is past the end. */
int nb_reader_seek(struct nb_reader *r, size_t off);

/* Reads one byte, or a 16/32-bit big-endian number. Return 0, or -1 when too few remain. */
int nb_reader_u8(struct nb_reader *r, uint8_t *v);
int nb_reader_u16(struct nb_reader *r, uint16_t *v);
int nb_reader_u32(struct nb_reader *r, uint32_t *v);

/* The next byte without moving. Returns 0, or -1 at the end. */
int nb_reader_peek(const struct nb_reader *r, uint8_t *v);

/* Copies the next n bytes to out; nb_reader_take points *p at them instead; nb_reader_skip
 * passes over them. Return 0, or -1 when fewer than n remain. */
int nb_reader_bytes(struct nb_reader *r, void *out, size_t n);
int nb_reader_take(struct nb_reader *r, size_t n, const uint8_t **p);
int nb_reader_skip(struct nb_reader *r, size_t n);

/* Takes the bytes before the first one in stop (a C string; NUL never matches) or before
 * the end, leaving that byte unread: points *p at them and returns how many (0 or more). */
size_t nb_reader_take_until(struct nb_reader *r, const char *stop, const uint8_t **p);

/* Passes over the bytes that are in set; returns how many. */
size_t nb_reader_skip_while(struct nb_reader *r, const char *set);

/* Takes the next line: *p and *n get the bytes before the next '\n' (or before the end), and
 * the '\n' is read too. Returns 0, or -1 when nothing is left. */
int nb_reader_line(struct nb_reader *r, const uint8_t **p, size_t *n);

/* Reads a number of digits in base 2, 10 or 16 (nb_scan_uint's rules: at most max_digits,
 * at least one). Returns 0 and sets *v, or -1 with the cursor unmoved. */
int nb_reader_uint(struct nb_reader *r, unsigned base, size_t max_digits, uint64_t *v);

/* Why a builder stopped storing; the first one sticks until nb_builder_reset. */
enum nb_builder_error {
    NB_BUILDER_OK = 0,
    NB_BUILDER_FULL,  /* the text would pass the cap (or the caller's array) */
    NB_BUILDER_NOMEM, /* growing failed */
};

/* A string being built: heap-grown up to a cap, or in the caller's fixed array. After an
 * error nothing more is stored, but want keeps counting, as snprintf's return does. */
struct nb_builder {
    char *p;
    size_t len;  /* bytes stored (p[len] is NUL once nb_builder_str is asked) */
    size_t want; /* bytes appended, stored or not */
    size_t size; /* bytes p holds */
    size_t cap;  /* most bytes of text, NUL not counted */
    int fixed;   /* p is the caller's: never grown or freed */
    enum nb_builder_error err;
};

/* A heap builder holding at most cap bytes of text. Free it with nb_builder_free. */
void nb_builder_init(struct nb_builder *b, size_t cap);

/* A builder writing into buf[0..size): at most size - 1 bytes and a NUL. */
void nb_builder_init_fixed(struct nb_builder *b, char *buf, size_t size);

/* Appends n bytes (as many as fit, when they do not all fit), one byte, a C string, a
 * printf-formatted text, or v as exactly digits lower-case hex digits. */
void nb_builder_put(struct nb_builder *b, const void *p, size_t n);
void nb_builder_puts(struct nb_builder *b, const char *s);
void nb_builder_printf(struct nb_builder *b, const char *fmt, ...) NB_PRINTF(2, 3);
void nb_builder_hex(struct nb_builder *b, unsigned long v, int digits);

/* Appends p[0..n) in DNS presentation form (RFC 1035 5.1): a byte outside 0x21-0x7e as
 * \DDD (a space kept as it is unless special holds one), and a backslash before '\\' and
 * before each byte of special. */
void nb_builder_escaped(struct nb_builder *b, const void *p, size_t n, const char *special);

static inline void nb_builder_putc(struct nb_builder *b, char c)
{
    if (!b->err && b->len + 1 < b->size) {
        b->p[b->len++] = c; /* the fast path: room without growing */
        b->want++;
    } else {
        nb_builder_put(b, &c, 1);
    }
}

/* The text so far, NUL-terminated ("" when empty). Valid until the next append. */
const char *nb_builder_str(struct nb_builder *b);

/* The first error (NB_BUILDER_OK when none). */
enum nb_builder_error nb_builder_error(const struct nb_builder *b);

/* Hands the heap text to the caller (free it with free), leaving b empty. Returns NULL on
 * an error (b is then freed) or for a fixed builder. */
char *nb_builder_take(struct nb_builder *b);

/* Empties b, keeping its memory and cap, and clears its error. */
void nb_builder_reset(struct nb_builder *b);

/* Frees a heap builder's memory (nothing for a fixed one); b may be used again after init. */
void nb_builder_free(struct nb_builder *b);

#endif
