/* err.h - the error the core fills in and never prints, and its exit code. */
#ifndef NETBASICS_ERR_H
#define NETBASICS_ERR_H

#include <stddef.h>

/* Exit statuses of the command-line contract (docs/exit-codes.md). */
enum nb_exit {
    NB_EXIT_OK = 0,       /* success */
    NB_EXIT_NEGATIVE = 1, /* invalid input, name not found, HTTP error status */
    NB_EXIT_USAGE = 2,    /* bad command line */
    NB_EXIT_RESOLVE = 3,  /* name resolution failed */
    NB_EXIT_CONNECT = 4,  /* connection failed */
    NB_EXIT_PROTO = 5,    /* protocol error from the peer */
    NB_EXIT_SYS = 6,      /* local file or system error */
    NB_EXIT_TIMEOUT = 7,  /* timed out */
    NB_EXIT_NOTLS = 8,    /* TLS is not available: the system has no OpenSSL 3 */
    NB_EXIT_TLS =
        9, /* TLS failed: the server's identity could not be verified, or the handshake failed */
};

/* What kind of failure: each kind maps to exactly one exit status. */
enum nb_errcode {
    NB_E_NONE = 0,
    NB_E_INVALID, /* input broke a rule (address, port, URL, ...) */
    NB_E_RESOLVE, /* no name server or resolver answered usefully */
    NB_E_CONNECT, /* refused, unreachable, no address worked */
    NB_E_PROTO,   /* the peer broke its protocol */
    NB_E_SYS,     /* a local system call or file failed */
    NB_E_TIMEOUT, /* a wait ran out */
    NB_E_NOTLS,   /* https needs the system's OpenSSL 3, which is missing */
    NB_E_TLS,     /* the TLS handshake failed or the peer's identity could not be verified */
};

#define NB_ERR_MSG_MAX 256

/* Whether e may be NULL, one rule per layer:
 * - the sans-IO parsers and conversions (addr, num, bits, lesson, conf, dns, url,
 *   http, procnet, and nb_sockaddr_to_addr/from_addr) accept e == NULL: they fail
 *   the same way but format no message, which is what keeps filters fast;
 * - every core call that does I/O (sockets, files, processes, clocks, TLS: sock,
 *   tls, pump, serve, dnsclient, resolver, httpclient, save, spawn, procscan,
 *   lines) needs a real e, and may read it back (e->code, e->sys_errno);
 * - commands always pass their own struct nb_err.
 * nb_err_set and nb_err_sys ignore a NULL e, for the first layer. */

struct nb_err {
    enum nb_errcode code;
    int sys_errno;            /* errno saved at the failure, or 0 */
    char msg[NB_ERR_MSG_MAX]; /* one line, no trailing full stop or newline */
};

#if defined(__GNUC__)
#define NB_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define NB_PRINTF(fmt, args)
#endif

/* Fills *e (when e is not NULL) with code and the formatted message; returns -1
 * so a caller can write `return nb_err_set(e, ...)`. */
int nb_err_set(struct nb_err *e, enum nb_errcode code, const char *fmt, ...) NB_PRINTF(3, 4);

/* Like nb_err_set, and appends ": strerror(errnum)" and saves errnum. */
int nb_err_sys(struct nb_err *e, enum nb_errcode code, int errnum, const char *fmt, ...)
    NB_PRINTF(4, 5);

/* Clears *e to "no error". */
void nb_err_clear(struct nb_err *e);

/* The exit status for an error kind (NB_EXIT_OK for NB_E_NONE). */
int nb_exit_code(enum nb_errcode code);

#endif
