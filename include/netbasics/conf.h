/* conf.h - sans-IO parsing of resolv.conf(5) and hosts(5), so `resolve` can
 * read the machine's files, or the ones a test names, without any I/O here. */
#ifndef NETBASICS_CONF_H
#define NETBASICS_CONF_H

#include <stddef.h>
#include <stdint.h>

#include <netbasics/addr.h>
#include <netbasics/err.h>

#define NB_CONF_MAX_NS     3   /* nameservers kept, as glibc's MAXNS */
#define NB_CONF_MAX_SEARCH 32  /* search domains kept (glibc >= 2.26 has no limit; 6 before) */
#define NB_CONF_NAME_MAX   254 /* a domain name in text, with its NUL */

struct nb_nameserver {
    struct nb_addr addr; /* IPv4 or IPv6 (a %zone is kept) */
    uint16_t port;       /* 53 unless the line gave [addr]:port or addr#port */
};

struct nb_resolvconf {
    struct nb_nameserver ns[NB_CONF_MAX_NS];
    size_t nns;
    char search[NB_CONF_MAX_SEARCH][NB_CONF_NAME_MAX]; /* without trailing dot; "" the root */
    size_t nsearch;
    unsigned ndots;     /* options ndots:N, default 1, at most 15 */
    unsigned timeout_s; /* options timeout:N, default 5, at most 30 */
    unsigned attempts;  /* options attempts:N, default 2, at most 5 */
    int use_vc;         /* options use-vc / usevc: TCP always */
    unsigned ignored;   /* lines or words skipped as malformed or unknown */
};

/* Parses resolv.conf text text[0..len) (need not be NUL-terminated). Keeps
 * the first 3 valid nameserver lines; "domain" and the last "search" line
 * set the search list (the later one wins, as in glibc; the first 32 domains
 * are kept, more are counted in ignored; the root "." is kept as ""); "options" sets
 * ndots, timeout, attempts, use-vc; '#' and ';' start comments; unknown or
 * malformed lines are counted in ignored, never fatal. Lines longer than
 * 1024 bytes are ignored. Always returns 0 and fills *out with defaults
 * first. An empty text gives no nameserver (the caller then uses 127.0.0.1,
 * as glibc does). */
int nb_resolvconf_parse(const char *text, size_t len, struct nb_resolvconf *out);

/* One address of a hosts(5) match. */
struct nb_hosts_match {
    struct nb_addr addr;
    char canonical[NB_CONF_NAME_MAX]; /* the line's first name: the canonical name */
    unsigned line;                    /* 1-based line number in the file */
};

/* Finds name (case-insensitive, a trailing dot ignored) in hosts text
 * text[0..len): each line is ADDRESS NAME [ALIAS...] with '#' comments;
 * addresses are strict IPv4 or IPv6 (zone allowed). family 0 (any), 4 or 6
 * filters. Fills up to max matches in file order, duplicates of the same
 * address removed, and returns how many; 0 when none. Malformed lines are
 * skipped. Never fails. */
size_t nb_hosts_lookup(const char *text, size_t len, const char *name, int family,
                       struct nb_hosts_match *out, size_t max);

/* The names of addr in hosts text (for reverse lookups): fills up to max
 * canonical names (first name of each matching line), returns the count. */
size_t nb_hosts_reverse(const char *text, size_t len, const struct nb_addr *addr,
                        char (*names)[NB_CONF_NAME_MAX], size_t max);

#endif
