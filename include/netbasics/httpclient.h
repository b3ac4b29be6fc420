/* httpclient.h - one HTTP/1.1 exchange over the socket layer: connect
 * (directly or through an http proxy), send the request, feed the reply to
 * the incremental parser until it is complete, with idle and total limits. */
#ifndef NETBASICS_HTTPCLIENT_H
#define NETBASICS_HTTPCLIENT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include <netbasics/err.h>
#include <netbasics/http.h>
#include <netbasics/out.h>
#include <netbasics/sock.h>
#include <netbasics/tls.h>
#include <netbasics/url.h>

struct nb_http_get_opts {
    int head;                   /* HEAD instead of GET */
    const char *const *headers; /* extra request headers, checked */
    size_t nheaders;
    int64_t connect_ms;                /* per address; -1 none */
    int64_t idle_ms;                   /* no byte for this long ends it; -1 none */
    const struct nb_deadline *total;   /* --max-time; NULL none */
    const struct nb_url *proxy;        /* connect here and ask for the absolute URL; NULL direct */
    int family;                        /* 0, 4 or 6 */
    const volatile sig_atomic_t *stop; /* a signal handler sets it: stop waiting; NULL none */
    const struct nb_tls_opts *tls;     /* https: what to trust (host, alpn and x are set here) */
    struct nb_tls_info *tls_info;      /* https: filled after the handshake; NULL not wanted */
    const struct nb_explain *x;
};

/* Fetches u once (no redirects followed) over http or https (TLS verified as
 * o->tls says; through a proxy, https goes in a CONNECT tunnel), every step
 * within o->total: the parser p (set up here) gets the reply and calls cb. Returns 0 when the reply
 * is complete, or -1 with e set: NB_E_RESOLVE, NB_E_CONNECT, NB_E_TIMEOUT (idle or total),
 * NB_E_NOTLS, NB_E_TLS (the server's identity could not be verified), NB_E_PROTO (the reply broke
 * HTTP), NB_E_SYS (on_body refused, or a local failure), or NB_E_NONE when *o->stop was set (a
 * signal asked to stop) while it waited for the reply. */
int nb_http_get(const struct nb_url *u, const struct nb_http_get_opts *o,
                const struct nb_http_cb *cb, struct nb_http_parser *p, struct nb_err *e);

#endif
