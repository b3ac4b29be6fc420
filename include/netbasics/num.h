/* num.h - the one strict number parser for ports, counts and timeouts. */
#ifndef NETBASICS_NUM_H
#define NETBASICS_NUM_H

#include <stddef.h>
#include <stdint.h>

#include <netbasics/err.h>

/* The value of the hex digit c (0-9, a-f, A-F), or -1 when it is none. */
int nb_hex_digit(int c);

/* Parses s[0..len) as an unsigned decimal number in [min, max]: ASCII digits
 * only, at least one, no sign, space, underscore or leading zero ("0" itself is
 * fine), no overflow. what names the number in the message ("port", "count").
 * Returns 0 and sets *out, or -1 with e (may be NULL) set to NB_E_INVALID and a
 * message naming the rule that was broken. */
int nb_parse_uint_n(const char *s, size_t len, uint64_t min, uint64_t max, const char *what,
                    uint64_t *out, struct nb_err *e);

/* nb_parse_uint_n over a NUL-terminated string. */
int nb_parse_uint(const char *s, uint64_t min, uint64_t max, const char *what, uint64_t *out,
                  struct nb_err *e);

/* "Digits then stop", for numbers inside a text (a /proc line, a resolv.conf option): reads
 * the run of base-2, 10 or 16 digits at the start of s[0..len), at most max_digits of them,
 * into *out, saturating at UINT64_MAX. Returns how many it read, 0 when s does not start
 * with one. A whole value a person gave goes through nb_parse_uint_n instead. */
size_t nb_scan_uint(const char *s, size_t len, unsigned base, size_t max_digits, uint64_t *out);

/* A timeout given in seconds on the command line ("5", "0.5", "2.25"; at most
 * 3 decimals, at most max_s seconds, 0 allowed only if allow_zero) converted to
 * milliseconds. Returns 0 and sets *ms, or -1 with e set to NB_E_INVALID. */
int nb_parse_seconds(const char *s, uint64_t max_s, int allow_zero, int64_t *ms, struct nb_err *e);

#endif
