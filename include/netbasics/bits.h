/* bits.h - the lesson's arithmetic: octets in binary, place values, repeated
 * division, reverse input (integer, binary), and the octet quiz. Sans-IO. */
#ifndef NETBASICS_BITS_H
#define NETBASICS_BITS_H

#include <stddef.h>
#include <stdint.h>

#include <netbasics/addr.h>
#include <netbasics/err.h>
#include <netbasics/out.h>

/* Writes v as 8 binary digits and a NUL into out[9]. Returns out. */
char *nb_octet_binary(uint8_t v, char out[9]);

/* Writes the place values that add up to v ("128+32+16+8+1", "0" for 0) into
 * buf of size n. Returns buf. */
char *nb_octet_sum(uint8_t v, char *buf, size_t n);

/* Writes the address's bits as dotted binary (IPv4: 4 groups of 8 separated by
 * '.'; IPv6: 8 groups of 16 separated by ':') with mark inserted after the
 * first `prefix` bits (no mark when prefix is negative). Returns buf; n must
 * be at least 160. */
char *nb_addr_binary(const struct nb_addr *a, int prefix, const char *mark, char *buf, size_t n);

/* How nb_reverse_parse read its input. */
enum nb_reverse_form {
    NB_REV_INTEGER = 1, /* a decimal 32-bit number: 3115099576 */
    NB_REV_HEX,         /* 0x followed by 1-8 hex digits: 0xb9aca5b8 */
    NB_REV_BINARY,      /* four dotted groups of 8 binary digits, or 32 digits */
};

/* Reads a reverse form of an IPv4 address. Returns 1 and fills *out and
 * *form; 0 when s does not look like one of the forms (so the caller can try
 * others); -1 when it does but breaks a rule (e.g. above 4294967295), with e set. */
int nb_reverse_parse(const char *s, size_t len, struct nb_addr *out, enum nb_reverse_form *form,
                     struct nb_err *e);

/* Narrates v -> binary by repeated division by 2 and back by the place-value
 * sum, in the lesson's words, one line per step. */
void nb_explain_octet(const struct nb_explain *x, int index, uint8_t v);

/* A small deterministic random generator (splitmix64). */
struct nb_rng {
    uint64_t s;
};
void nb_rng_seed(struct nb_rng *r, uint64_t seed);
uint64_t nb_rng_next(struct nb_rng *r);
/* A number in [0, n) without modulo bias; n > 0. */
uint32_t nb_rng_below(struct nb_rng *r, uint32_t n);

/* One question of the octet quiz. */
struct nb_quiz_q {
    char prompt[160]; /* the question, ending in '?' */
    char answer[40];  /* the expected answer as shown to the learner */
    char why[320];    /* the explanation shown after the answer */
    int kind;         /* 0: largest octet, 1: decimal->binary, 2: binary->decimal,
                         3: dotted quad -> 32-bit integer */
    uint32_t value;
};

/* Makes question number i (0-based): question 0 is always the lesson's "What
 * is the biggest number that fits in an octet?", the rest alternate kinds. */
void nb_quiz_make(struct nb_rng *r, int i, struct nb_quiz_q *q);

/* Reads a netmask (IPv4 255.255.255.0, as ipcalc takes it) as its prefix
 * length. Returns 0 and sets *prefix, or -1 with e set (NB_E_INVALID) when its
 * bits are not contiguous: the message names the first stray 1 bit, counted
 * from 1 at the left. */
int nb_netmask_prefix(const struct nb_addr *mask, unsigned *prefix, struct nb_err *e);

/* Whether answer[0..len) is right for q. Surrounding spaces are ignored; a
 * binary answer may drop leading zeros and may be written with a 0b prefix;
 * a decimal answer may be written in binary or hex (0x) only where the
 * question asks for a number, not for its binary form. */
int nb_quiz_check(const struct nb_quiz_q *q, const char *answer, size_t len);

#endif
