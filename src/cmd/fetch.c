/* fetch.c - `netbasics fetch`: the lesson's urlopen(...).read() and its local
 * copy, over HTTP/1.1, and https through the system's OpenSSL: redirects, atomic
 * saves that never clobber, safe file names, progress, timeouts, proxies. */
#include "cmd/cmd.h"

#include <netbasics/clock.h>
#include <netbasics/http.h>
#include <netbasics/httpclient.h>
#include <netbasics/io.h>
#include <netbasics/num.h>
#include <netbasics/out.h>
#include <netbasics/save.h>
#include <netbasics/sock.h>
#include <netbasics/stream.h>
#include <netbasics/tls.h>
#include <netbasics/url.h>

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_HEADERS 32
#define MAX_REDIRS  50 /* the most --max-redirs allows */

static const char USAGE[] =
    "usage: netbasics fetch [OPTIONS] URL\n"
    "\n"
    "Downloads URL over HTTP/1.1 (https:// over TLS, verified against this\n"
    "machine's trusted certificates) and saves a local copy, as the lesson does with\n"
    "urllib.request.urlopen(...).read(): by default into the current directory,\n"
    "named after the URL's last path segment (index.html for '/'), then prints\n"
    "the name, the size and a file:// URL to open in a browser. The body goes to a\n"
    "temporary file first and takes its name only when all of it has arrived: a\n"
    "failed download leaves nothing behind, and an existing file is never\n"
    "overwritten without --force. Redirects are followed (10 at most). A URL\n"
    "without a scheme is http://, as curl assumes (a note on stderr says so).\n"
    "\n"
    "With -o - (or -i) to a terminal the body is shown as text, every control\n"
    "byte escaped (\\x1b), and a binary body (a NUL byte in its first block) is\n"
    "refused with exit status 6 before any of it is written; --raw writes the\n"
    "bytes as they are. A pipe or a file always gets the bytes as they are.\n";

static const char EPILOG[] =
    "http_proxy (https_proxy for https URLs, through a CONNECT tunnel) and\n"
    "no_proxy are honoured as curl and wget do. https uses the system's OpenSSL 3\n"
    "(libssl3), loaded when an https URL is met; SSL_CERT_FILE and SSL_CERT_DIR\n"
    "work as for every OpenSSL program.\n"
    "\n"
    "Exit status: 0 saved, 1 the server answered with an error status (>= 400),\n"
    "2 usage error, 3 the host does not resolve, 4 connection failed, 5 the\n"
    "server broke HTTP (or redirected somewhere refused), 6 local file error\n"
    "(the file exists, the disk is full), 7 timed out, 8 https:// but no\n"
    "OpenSSL 3 on this machine, 9 TLS failed (the server's identity could not be\n"
    "verified, or the handshake failed), 128+N stopped by signal N.\n";

struct fetch_opts {
    const char *output;
    int force, head, include, keep_errors, quiet, json, family, raw;
    unsigned max_redirs;
    int64_t idle_ms, connect_ms, max_ms;
    const char *headers[MAX_HEADERS];
    size_t nheaders;
    struct nb_tls_opts tls; /* --cacert, --capath, -k */
    struct nb_explain explain;
};

/* The state of the exchange in progress, shared with the parser callbacks,
 * and its outcome, reported once at the end (report). */
struct fetch_run {
    const struct fetch_opts *o;
    struct nb_http_parser *p;
    int to_stdout;   /* the body goes to stdout (-o -, -i) */
    int on_tty;      /* stdout is a terminal */
    int as_text;     /* the body goes to a terminal escaped (not --raw) */
    uint8_t held[4]; /* as_text: a UTF-8 sequence or "\r" the last block cut short */
    size_t nheld;
    int saving;  /* the body goes to save */
    int discard; /* a redirect's or an error's body: thrown away */
    struct nb_save save;
    struct nb_err err; /* why on_body, or the start of the save, failed */
    struct nb_progress progress;
    uint64_t bytes;
    int status;
    int stdout_gone;   /* stdout's reader left (-o - | head): stop, quietly */
    int have_location; /* the response had a Location header, maybe an empty one */
    char reason[128];
    const char *path;                /* where the final body is saved */
    int saved;                       /* the body took its name */
    int exit;                        /* the exit status */
    struct nb_err fail;              /* why, when exit is not 0 */
    const struct nb_deadline *total; /* --max-time, NULL none */
    struct nb_tls_info tls;          /* the last https hop's TLS */
    int used_tls, warned_insecure;
    char first[NB_URL_MAX + 300], cur[NB_URL_MAX + 300]; /* asked for; fetched last ("" none) */
};

/* The signal that asked fetch to stop (SIGINT, SIGTERM or SIGHUP), 0 none:
 * set by the handler, seen by the wait for the reply, which then ends the
 * transfer the way every failure ends it (the temporary file removed). */
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
    stop_signal = sig;
}

/* Catches SIGINT, SIGTERM and SIGHUP without SA_RESTART, so a wait wakes and
 * sees the flag; a signal the caller ignores (nohup, a background job) stays
 * ignored. */
static void catch_stop_signals(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction act, old;

    memset(&act, 0, sizeof act);
    act.sa_handler = on_stop_signal;
    sigemptyset(&act.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        if (sigaction(sigs[i], &act, &old) == 0 && old.sa_handler == SIG_IGN)
            sigaction(sigs[i], &old, NULL);
}

static const char *signal_name(int sig)
{
    return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP";
}

/* Records the failure and its exit status; returns the status. */
NB_PRINTF(3, 4) static int fail(struct fetch_run *r, int status, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(r->fail.msg, sizeof r->fail.msg, fmt, ap);
    va_end(ap);
    r->exit = status;
    return status;
}

/* Records a failure of the core: its message and its kind's exit status. */
static int fail_err(struct fetch_run *r, const struct nb_err *e)
{
    return fail(r, nb_exit_code(e->code), "%s", e->msg);
}

/* FNV-1a over the whole URL: to notice a URL seen before, at any length. */
static uint64_t url_hash(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
    return h;
}

static int is_redirect(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

static void on_status(void *ctx, int status, const char *reason, size_t len)
{
    struct fetch_run *r = ctx;

    r->status = status;
    r->have_location = 0;
    nb_escape(reason, len > 100 ? 100 : len, NB_ESC_C, r->reason, sizeof r->reason);
    if (r->o->head || r->o->include)
        printf("HTTP/1.1 %d %s\r\n", status, r->reason);
}

static void on_header(void *ctx, const char *n, size_t nl, const char *v, size_t vl)
{
    struct fetch_run *r = ctx;

    if (nl == 8 && !strncasecmp(n, "location", 8))
        r->have_location = 1;
    if (r->o->head || r->o->include) {
        printf("%.*s: ", (int)nl, n);
        nb_escape_write(stdout, v, vl, NB_ESC_C);
        fputs("\r\n", stdout);
    }
}

static void on_headers_done(void *ctx)
{
    struct fetch_run *r = ctx;
    /* a redirect is followed or refused, never saved; a 304 keeps the copy there */
    int redirect = is_redirect(r->status) && r->o->max_redirs > 0;

    if (r->o->head || r->o->include) {
        fputs("\r\n", stdout);
        fflush(stdout);
    }
    r->discard = redirect || r->status == 304 ||
                 ((r->status >= 400 || r->status < 100) && !r->o->keep_errors && !r->o->include);
    if (r->discard || r->o->head)
        return;
    if (!r->to_stdout) {
        if (nb_save_begin(&r->save, r->path, r->o->force, &r->err) < 0)
            return; /* on_body, or the end of the exchange, reports it */
        r->saving = 1;
    }
    /* no progress line between the lines of a body shown on the same terminal */
    nb_progress_start(&r->progress, 2, !r->o->quiet && !r->o->json && !(r->to_stdout && r->on_tty),
                      r->p->framing == NB_HTTP_LENGTH ? r->p->length : 0, nb_now_ms());
}

/* The body to stdout; with --max-time, a reader that takes it too slowly
 * ends the transfer by then too. */
static int write_stdout(struct fetch_run *r, const uint8_t *p, size_t n)
{
    struct nb_stream out;
    int left;

    if (!r->total) {
        if (nb_write_all(1, p, n) == 0)
            return 0;
        nb_err_sys(&r->err, NB_E_SYS, errno, "cannot write to standard output");
    } else {
        left = nb_deadline_left(r->total);
        nb_io_stream(&out, 1, NULL); /* a view of stdout: never closed here */
        if (nb_stream_write_all(&out, p, n, left, &r->err) == 0)
            return 0;
        if (r->err.code == NB_E_TIMEOUT)
            nb_err_set(&r->err, NB_E_TIMEOUT,
                       "the transfer took longer than --max-time (standard output took the body "
                       "too slowly)");
    }
    if (r->err.code == NB_E_SYS && nb_io_reader_gone(1, r->err.sys_errno)) {
        nb_err_clear(&r->err); /* `| head`: end quietly with the status we had */
        r->stdout_gone = 1;
    }
    return -1;
}

/* How many bytes at the end of p[0..n) must wait for the next block: a "\r"
 * (the next may begin with "\n") or the start of a UTF-8 sequence cut short. */
static size_t cut_short(const uint8_t *p, size_t n)
{
    if (n && p[n - 1] == '\r')
        return 1;
    for (size_t k = 1; k <= 3 && k <= n; k++) {
        uint8_t b = p[n - k];
        size_t need = b >= 0xf0 && b <= 0xf7 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
        if (b >= 0x80 && b < 0xc0)
            continue; /* a continuation byte: its lead is further back */
        return b >= 0xc0 && b <= 0xf7 && need > k ? k : 0;
    }
    return 0;
}

/* The body to a terminal (as_text): a first block holding a NUL is binary and
 * refused before anything is written, as curl does; else the text escaped as
 * every byte from a peer is (NB_ESC_LINES), the bytes held back from the last
 * block first; last: the end of the body, nothing is held back. */
static int write_text(struct fetch_run *r, const uint8_t *p, size_t n, int last)
{
    size_t len = r->nheld + n, keep, need;
    uint8_t *all;
    char *esc;
    int rc;

    if (!r->bytes && !r->nheld && memchr(p, '\0', n))
        return nb_err_set(&r->err, NB_E_SYS,
                          "not writing binary content (a NUL byte) to a terminal: save it with "
                          "-o FILE (or without -o), or add --raw to write it anyway");
    all = malloc(len ? len : 1);
    if (!all)
        return nb_err_set(&r->err, NB_E_SYS, "out of memory");
    memcpy(all, r->held, r->nheld);
    memcpy(all + r->nheld, p, n);
    keep = last ? 0 : cut_short(all, len);
    memcpy(r->held, all + len - keep, keep);
    r->nheld = keep;
    need = nb_escape(all, len - keep, NB_ESC_LINES, NULL, 0);
    esc = malloc(need + 1);
    if (!esc) {
        free(all);
        return nb_err_set(&r->err, NB_E_SYS, "out of memory");
    }
    nb_escape(all, len - keep, NB_ESC_LINES, esc, need + 1);
    rc = write_stdout(r, (const uint8_t *)esc, need);
    free(esc);
    free(all);
    return rc;
}

static int on_body(void *ctx, const uint8_t *p, size_t n)
{
    struct fetch_run *r = ctx;

    if (r->discard)
        return 0;
    if (r->err.code)
        return -1;
    if (r->saving) {
        if (nb_save_write(&r->save, p, n, &r->err) < 0)
            return -1;
    } else if (r->to_stdout) {
        fflush(stdout);
        if ((r->as_text ? write_text(r, p, n, 0) : write_stdout(r, p, n)) < 0)
            return -1;
    }
    r->bytes += n;
    nb_progress_update(&r->progress, r->bytes, nb_now_ms());
    return 0;
}

/* Reads http_proxy / no_proxy as curl does: lower case only (HTTP_PROXY is
 * ignored: CGI programs get it from a request header, "httpoxy"). The
 * proxy's user-info, if any, becomes its Proxy-Authorization. */
static int proxy_for(const struct nb_url *u, struct nb_url *proxy, struct nb_err *e)
{
    int tls = !strcmp(u->scheme, "https");
    const char *var = tls ? "https_proxy" : "http_proxy";
    const char *env = getenv(var), *np = getenv("no_proxy");
    char buf[NB_URL_MAX];

    if (!np)
        np = getenv("NO_PROXY");
    if (tls && (!env || !*env))
        env = getenv(var = "HTTPS_PROXY"); /* a request header cannot set this one */
    if (!env || !*env || (np && nb_no_proxy_match(np, u->host)))
        return 0;
    snprintf(buf, sizeof buf, "%s%s", strstr(env, "://") ? "" : "http://", env);
    if (nb_url_parse(buf, proxy, e) < 0 || strcmp(proxy->scheme, "http")) {
        nb_err_set(e, NB_E_INVALID, "%s is not an http://[USER:PASSWORD@]HOST:PORT URL", var);
        return -1;
    }
    return 1;
}

/* The -H headers that go to a hop: all of them at the origin the user named
 * (own_origin); anywhere else none of the credentials, and no Host (it names
 * the first server, not this one). Returns the count. */
static size_t headers_for(const struct fetch_opts *o, int own_origin, const char **out)
{
    size_t n = 0;

    for (size_t i = 0; i < o->nheaders; i++)
        if (own_origin || (!nb_http_header_is_credential(o->headers[i]) &&
                           strncasecmp(o->headers[i], "Host:", 5)))
            out[n++] = o->headers[i];
    return n;
}

/* Before an https hop with -k: the warning, once per host, every run. */
static void warn_insecure(struct fetch_run *r, const struct nb_url *url)
{
    if (!r->o->tls.insecure || strcmp(url->scheme, "https") || r->warned_insecure)
        return;
    r->warned_insecure = 1;
    nb_errorf("fetch",
              "warning: -k: the certificate of %s is not checked; anyone on the way can pose "
              "as it",
              url->host);
}

/* Follows the redirect the response in p asks for: sets *next, or returns
 * the failure's status. */
static int redirect_to(struct fetch_run *r, const struct nb_url *url, unsigned hop,
                       struct nb_url *next)
{
    const char *loc = r->p->location;
    struct nb_err e;

    if (!r->have_location)
        return fail(r, NB_EXIT_PROTO, "HTTP %d %s without a Location header: nowhere to go",
                    r->status, r->reason);
    if (!loc[0])
        return fail(r, NB_EXIT_PROTO, "HTTP %d %s with an empty Location header: nowhere to go",
                    r->status, r->reason);
    if (hop + 1 > r->o->max_redirs)
        return fail(r, NB_EXIT_PROTO, "more than %u redirects (--max-redirs)", r->o->max_redirs);
    if (nb_url_resolve(url, loc, next, &e) < 0) {
        char shown[160];
        nb_escape(loc, strlen(loc) > 100 ? 100 : strlen(loc), NB_ESC_C, shown, sizeof shown);
        return fail(r, NB_EXIT_PROTO, "refused to follow the redirect to '%s': %s", shown, e.msg);
    }
    if (!strcmp(url->scheme, "https") && !strcmp(next->scheme, "http"))
        nb_notef("notice: redirect %u leaves https for plain http: what follows is not "
                 "encrypted, and no credential goes with it",
                 hop + 1);
    if (!r->o->quiet && !r->o->json) {
        char to[NB_URL_MAX + 300];
        nb_notef("redirect %u: HTTP %d %s -> %s", hop + 1, r->status, r->reason,
                 nb_url_format(next, to, sizeof to));
    }
    return NB_EXIT_OK;
}

/* After the last hop: a signal, a 304, the held-back text, the save, and an
 * error status, in that order. Returns the exit status. */
static int finish(struct fetch_run *r)
{
    struct nb_err e;

    if (stop_signal)
        return fail(r, 128 + stop_signal, "stopped by %s after %llu body bytes%s",
                    signal_name(stop_signal), (unsigned long long)r->bytes,
                    r->saving ? ": the partial file was removed" : "");
    if (r->status == 304)
        return NB_EXIT_OK; /* not modified: the copy there is kept */
    /* what the last block held back, while stdout is still read */
    if (r->nheld && !r->stdout_gone && write_text(r, NULL, 0, 1) < 0)
        return fail_err(r, &r->err);
    if (r->saving) {
        if (nb_save_commit(&r->save, &e) < 0)
            return fail_err(r, &e);
        r->saved = 1;
    }
    if (r->status >= 400 || r->status < 100) /* outside 100-599: as a 5xx (RFC 9110 15) */
        return fail(r, NB_EXIT_NEGATIVE, "HTTP %03d %s from %.200s%s", r->status, r->reason, r->cur,
                    r->saved ? " (the body was kept: --keep-errors)" : ": nothing saved");
    return NB_EXIT_OK;
}

/* One exchange with url (a hop of the redirect chain): the credentials go
 * only to the origin of first. Returns NB_EXIT_OK with the response in r,
 * or the failure's status. */
static int hop_once(struct fetch_run *r, struct nb_url *url, const struct nb_url *first,
                    struct nb_http_parser *p)
{
    const struct fetch_opts *o = r->o;
    const char *headers[MAX_HEADERS];
    int own = nb_url_same_origin(url, first);
    struct nb_http_get_opts go = {
        .head = o->head,
        .headers = headers,
        .nheaders = headers_for(o, own, headers),
        .connect_ms = o->connect_ms,
        .idle_ms = o->idle_ms,
        .total = r->total,
        .family = o->family,
        .stop = &stop_signal,
        .tls = &o->tls,
        .tls_info = &r->tls,
        .x = &o->explain,
    };
    struct nb_http_cb cb = {r, on_status, on_header, on_headers_done, on_body, NULL};
    struct nb_url proxy;
    struct nb_err e;
    int use_proxy, rc;

    if (own && !url->userinfo[0])
        memcpy(url->userinfo, first->userinfo, sizeof url->userinfo);
    nb_url_format(url, r->cur, sizeof r->cur);
    r->used_tls = !strcmp(url->scheme, "https");
    warn_insecure(r, url);
    use_proxy = proxy_for(url, &proxy, &e);
    if (use_proxy < 0)
        return fail(r, NB_EXIT_USAGE, "%s", e.msg);
    go.proxy = use_proxy ? &proxy : NULL;
    nb_err_clear(&r->err);
    r->status = 0;
    rc = nb_http_get(url, &go, &cb, p, &e);
    nb_progress_end(&r->progress);
    if (stop_signal || r->stdout_gone)
        return NB_EXIT_OK;
    if (r->err.code) /* our side failed: the file (even for an empty body), or stdout */
        return fail_err(r, &r->err);
    return rc < 0 ? fail_err(r, &e) : NB_EXIT_OK;
}

/* The download itself, in the order a failure should be found: the URL and
 * its scheme, then the destination, then the network. Returns the exit
 * status; a failure is in r->fail. It never removes the temporary file
 * itself: run does, once, whatever ended it. */
static int transfer(struct fetch_run *r, const char *url_text)
{
    const struct fetch_opts *o = r->o;
    struct nb_url first, url, next;
    struct nb_http_parser p;
    struct nb_err e;
    struct nb_deadline total;
    char name[256];
    uint64_t seen[MAX_REDIRS + 1]; /* a hash of every URL visited: the whole URL counts */
    size_t nseen = 0;
    int rc;

    if (nb_url_parse(url_text, &first, &e) < 0)
        return fail(r, NB_EXIT_USAGE, "%s", e.msg);
    nb_url_format(&first, r->first, sizeof r->first);
    if (!strcmp(first.scheme, "https") && nb_tls_load(&e) < 0)
        return fail_err(r, &e);
    r->to_stdout = o->include || (o->output && !strcmp(o->output, "-"));
    r->on_tty = isatty(1);
    r->as_text = r->to_stdout && r->on_tty && !o->raw;
    if (!r->to_stdout && !o->head)
        r->path = o->output ? o->output : nb_url_filename(&first, name, sizeof name);
    /* refused before downloading; the save checks again at the end */
    if (r->path && nb_save_check(r->path, o->force, &e) < 0)
        return fail_err(r, &e);
    r->p = &p;
    url = first;
    nb_deadline_init(&total, o->max_ms);
    r->total = o->max_ms >= 0 ? &total : NULL;
    for (unsigned hop = 0;; hop++) {
        char cur[NB_URL_MAX + 300];
        uint64_t h = url_hash(nb_url_format(&url, cur, sizeof cur));
        for (size_t k = 0; k < nseen; k++)
            if (seen[k] == h)
                return fail(r, NB_EXIT_PROTO, "redirect loop: %.200s was visited already", cur);
        if (nseen < sizeof seen / sizeof seen[0])
            seen[nseen++] = h;
        if ((rc = hop_once(r, &url, &first, &p)) != NB_EXIT_OK)
            return rc;
        if (stop_signal || r->stdout_gone || !is_redirect(r->status) || o->max_redirs == 0)
            break;
        if ((rc = redirect_to(r, &url, hop, &next)) != NB_EXIT_OK)
            return rc;
        url = next;
    }
    return finish(r);
}

/* The outcome once, whatever it was: with --json one object on stdout (the
 * exit status and the error beside the transfer's facts), else the summary
 * or the error line on stderr. */
static void report(const struct fetch_run *r, const char *url_text, double secs)
{
    char abs[PATH_MAX], size[32];
    struct stat st;
    /* the file there: the one saved, or the copy a 304 kept */
    int have_file = r->path && (r->saved || (r->status == 304 && lstat(r->path, &st) == 0));
    int have_abs = have_file && realpath(r->path, abs) != NULL;

    if (r->o->json) {
        struct nb_json j;
        nb_json_begin(&j, stdout);
        nb_json_str(&j, "url", r->first[0] ? r->first : url_text);
        if (r->cur[0])
            nb_json_str(&j, "final_url", r->cur);
        else
            nb_json_null(&j, "final_url");
        if (r->status)
            nb_json_int(&j, "status", r->status);
        else
            nb_json_null(&j, "status");
        nb_json_uint(&j, "bytes", r->bytes);
        nb_json_double(&j, "seconds", secs, 3);
        if (have_file)
            nb_json_str(&j, "file", have_abs ? abs : r->path);
        else
            nb_json_null(&j, "file");
        if (r->used_tls && r->tls.version[0]) {
            nb_json_str(&j, "tls_version", r->tls.version);
            nb_json_str(&j, "tls_cipher", r->tls.cipher);
            nb_json_bool(&j, "verified", r->tls.verified);
        } else {
            nb_json_null(&j, "tls_version");
        }
        nb_json_int(&j, "exit", r->exit);
        if (r->exit)
            nb_json_str(&j, "error", r->fail.msg);
        else
            nb_json_null(&j, "error");
        nb_json_end(&j);
    }
    if (r->exit) {
        nb_errorf("fetch", "%s", r->fail.msg);
        return;
    }
    if (r->o->json || r->o->quiet || !r->path)
        return;
    if (r->status == 304) {
        nb_notef("Not modified (HTTP 304 %s): %s%s", r->reason, r->path,
                 have_file ? " is kept as it is" : " is not there, and nothing was saved");
        return;
    }
    nb_notef("Saved %s: %s (%llu bytes) in %.2f s, HTTP %d %s", r->path,
             nb_human_bytes((double)r->bytes, size, sizeof size), (unsigned long long)r->bytes,
             secs, r->status, r->reason);
    if (have_abs) {
        char url[3 * PATH_MAX + 8];
        size_t n = 0;
        for (const char *c = abs; *c && n + 4 < sizeof url; c++) {
            unsigned char b = (unsigned char)*c;
            if (b <= 0x20 || b >= 0x7f || b == '%' || b == '#' || b == '?')
                n += (size_t)snprintf(url + n, sizeof url - n, "%%%02X", b);
            else
                url[n++] = (char)b;
        }
        url[n] = '\0';
        nb_notef("Open it in a browser: file://%s", url);
    }
}

static int run(const char *url_text, const struct fetch_opts *o)
{
    struct fetch_run *r = calloc(1, sizeof *r);
    int64_t start = nb_now_ms();
    int status;

    if (!r)
        return nb_errorf("fetch", "out of memory"), NB_EXIT_SYS;
    r->o = o;
    r->save.fd = -1;
    catch_stop_signals();
    status = transfer(r, url_text);
    /* the one way out: whatever ended the transfer (an error, a signal, a
     * response that is not saved), the temporary file goes here */
    nb_progress_end(&r->progress);
    nb_save_abort(&r->save);
    report(r, url_text, (double)(nb_now_ms() - start) / 1000.0);
    free(r);
    return status;
}

/* -H: one more request header, checked as it is given. */
static int add_header(void *dest, const char *value, struct nb_err *e)
{
    struct fetch_opts *o = dest;

    if (o->nheaders == MAX_HEADERS)
        return nb_err_set(e, NB_E_INVALID, "at most %d headers", MAX_HEADERS);
    if (nb_http_header_check(value, e) < 0)
        return -1;
    o->headers[o->nheaders++] = value;
    return 0;
}

int cmd_fetch(int argc, char **argv)
{
    struct fetch_opts o = {.max_redirs = 10, .idle_ms = 30000, .connect_ms = 10000, .max_ms = -1};
    const struct nb_option options[] = {
        NB_OPT_STRING('o', "output", &o.output, "FILE",
                      "save as FILE; '-' writes the body to stdout"),
        NB_OPT_BOOL('f', "force", &o.force, "overwrite FILE if it exists"),
        NB_OPT_BOOL('I', "head", &o.head, "ask with HEAD and print the response headers"),
        NB_OPT_BOOL('i', "include", &o.include, "print the headers and the body to stdout"),
        NB_OPT_CALLBACK('H', "header", &o, "'N: V'", add_header,
                        "send an extra request header (up to 32); Host, User-Agent or Accept "
                        "replace the built-in ones"),
        NB_OPT_UINT(0, "max-redirs", &o.max_redirs, "N", 0, MAX_REDIRS, "redirect count",
                    "follow at most N redirects (default 10; 0: none)"),
        NB_OPT_SECONDS(0, "timeout", &o.idle_ms, "S", 86400,
                       "give up after S seconds without a byte (default 30)"),
        NB_OPT_SECONDS(0, "connect-timeout", &o.connect_ms, "S", 3600,
                       "give up connecting after S seconds (default 10)"),
        NB_OPT_SECONDS(0, "max-time", &o.max_ms, "S", 86400 * 7, "give up after S seconds in all"),
        NB_OPT_STRING(0, "cacert", &o.tls.cafile, "FILE",
                      "https: trust the CA certificates in FILE (PEM), not the system's"),
        NB_OPT_STRING(0, "capath", &o.tls.capath, "DIR",
                      "https: trust the hashed CA certificates in DIR, not the system's"),
        NB_OPT_BOOL('k', "insecure", &o.tls.insecure,
                    "https: do not check the server's certificate (warns every time)"),
        NB_OPT_BOOL(0, "keep-errors", &o.keep_errors,
                    "save the body of an error response (status >= 400)"),
        NB_OPT_BOOL(0, "raw", &o.raw,
                    "with -o - or -i: the body's bytes to a terminal as they are (binary, "
                    "escape sequences)"),
        NB_OPT__FAMILY(&o.family, "IPv4 or IPv6 addresses only"),
        NB_OPT__QUIET(&o.quiet, "no progress, no summary"),
        NB_OPT__JSON(&o.json, "a JSON summary on stdout"),
        NB_OPT__EXPLAIN(&o.explain, "the request, the response headers and each framing step "
                                    "(chunk sizes) on stderr; -xx adds both heads byte for byte"),
        NB_OPT_CLASH("--json --head --include"),
        NB_OPT_ARGS(1, 1, "one URL"),
        /* curl's and wget's letters, answered with ours */
        NB_OPT_HABIT('O', "remote-name",
                     "curl's: fetch saves under the URL's name by default (wget's -O FILE "
                     "is -o FILE here)"),
        NB_OPT_HABIT(0, "output-document", "wget's: here -o FILE"),
        NB_OPT_HABIT('L', "location",
                     "curl's: fetch follows redirects by default (--max-redirs N limits them)"),
        NB_OPT_HABIT('s', "silent", "curl's: here -q (--quiet)"),
        NB_OPT_HABIT('v', "verbose",
                     "curl's: here -x (--explain) shows the request and the "
                     "response's headers"),
        NB_OPT_HABIT('C', "continue-at",
                     "curl's: resuming a download is not supported; fetch starts again (a "
                     "failed one leaves nothing behind)"),
        NB_OPT_HABIT('c', "continue",
                     "wget's: resuming a download is not supported; fetch starts again (a "
                     "failed one leaves nothing behind)"),
        NB_OPT_END,
    };
    char with_scheme[NB_URL_MAX + 8], quoted[80];
    const char *url;
    int argi, rc;

    if ((rc = cmd_options(options, USAGE, EPILOG, argc, argv, &argi)) != CMD_GO)
        return rc;
    if (o.json && o.output && !strcmp(o.output, "-"))
        return cmd_usage("fetch", "cannot use --json with -o -");
    url = argv[argi];
    if (!strstr(url, "://") && strlen(url) < NB_URL_MAX) {
        /* www.python.org: http://, as curl assumes */
        snprintf(with_scheme, sizeof with_scheme, "http://%s", url);
        if (!o.quiet)
            nb_notef("no scheme in '%s': fetching http://%s, as curl does",
                     nb_quote(url, strlen(url), 60, quoted, sizeof quoted), quoted);
        url = with_scheme;
    }
    return run(url, &o);
}
