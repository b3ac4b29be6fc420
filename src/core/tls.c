/* tls.c - TLS client sessions over the system's OpenSSL 3, loaded at run time
 * (dlopen, dlsym): the only file of netbasics that knows OpenSSL. The few
 * declarations it needs are written here from the OpenSSL 3 manual pages, so
 * the build needs no OpenSSL headers. To add a function: declare its pointer
 * in struct ossl with the manual page's signature, add a row to SYMS, and
 * call it through O.name. OpenSSL keeps its ABI stable within 3.x. */
#include <netbasics/addr.h>
#include <netbasics/sock.h>
#include <netbasics/tls.h>

#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* --- what we use of OpenSSL 3, as its manual pages declare it --------------- */

typedef struct ssl_ctx_st SSL_CTX; /* opaque to us, as to every OpenSSL program */
typedef struct ssl_st SSL;
typedef struct ssl_method_st SSL_METHOD;
typedef struct ssl_cipher_st SSL_CIPHER;
typedef struct x509_st X509;
typedef struct x509_name_st X509_NAME;
typedef struct asn1_string_st ASN1_STRING;
typedef struct stack_st OPENSSL_STACK;
typedef struct X509_VERIFY_PARAM_st X509_VERIFY_PARAM;
typedef struct x509_store_ctx_st X509_STORE_CTX;

/* GENERAL_NAME (x509v3.h): a type and a union of pointers. */
struct general_name {
    int type;
    ASN1_STRING *d;
};

#define OSSL_INIT_LOAD_SSL_STRINGS                0x00200000L
#define OSSL_INIT_LOAD_CRYPTO_STRINGS             0x00000002L
#define OSSL_SSL_VERIFY_NONE                      0x00
#define OSSL_SSL_VERIFY_PEER                      0x01
#define OSSL_SSL_CTRL_SET_TLSEXT_HOSTNAME         55
#define OSSL_TLSEXT_NAMETYPE_host_name            0
#define OSSL_SSL_CTRL_SET_MIN_PROTO_VERSION       123
#define OSSL_TLS1_2_VERSION                       0x0303
#define OSSL_SSL_CTRL_MODE                        33
#define OSSL_SSL_MODE_ENABLE_PARTIAL_WRITE        0x1
#define OSSL_SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER  0x2
#define OSSL_SSL_ERROR_SSL                        1
#define OSSL_SSL_ERROR_WANT_READ                  2
#define OSSL_SSL_ERROR_WANT_WRITE                 3
#define OSSL_SSL_ERROR_SYSCALL                    5
#define OSSL_SSL_ERROR_ZERO_RETURN                6
#define OSSL_NID_subject_alt_name                 85
#define OSSL_GEN_DNS                              2
#define OSSL_GEN_IPADD                            7
#define OSSL_X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS 0x4

/* X509_V_ERR_* (x509_vfy.h) that get a sentence of their own. */
enum {
    V_OK = 0,
    V_UNABLE_TO_GET_ISSUER_CERT = 2,
    V_CERT_NOT_YET_VALID = 9,
    V_CERT_HAS_EXPIRED = 10,
    V_DEPTH_ZERO_SELF_SIGNED_CERT = 18,
    V_SELF_SIGNED_CERT_IN_CHAIN = 19,
    V_UNABLE_TO_GET_ISSUER_CERT_LOCALLY = 20,
    V_UNABLE_TO_VERIFY_LEAF_SIGNATURE = 21,
    V_HOSTNAME_MISMATCH = 62,
    V_IP_ADDRESS_MISMATCH = 64,
};

struct ossl {
    /* libcrypto */
    unsigned long (*OpenSSL_version_num)(void);
    unsigned long (*ERR_get_error)(void);
    void (*ERR_clear_error)(void);
    void (*ERR_error_string_n)(unsigned long e, char *buf, size_t len);
    const char *(*ERR_reason_error_string)(unsigned long e);
    const char *(*X509_verify_cert_error_string)(long n);
    void (*X509_free)(X509 *x);
    X509_NAME *(*X509_get_subject_name)(const X509 *x);
    X509_NAME *(*X509_get_issuer_name)(const X509 *x);
    char *(*X509_NAME_oneline)(const X509_NAME *a, char *buf, int size);
    const ASN1_STRING *(*X509_get0_notBefore)(const X509 *x);
    const ASN1_STRING *(*X509_get0_notAfter)(const X509 *x);
    int (*ASN1_TIME_to_tm)(const ASN1_STRING *s, struct tm *tm);
    void *(*X509_get_ext_d2i)(const X509 *x, int nid, int *crit, int *idx);
    const unsigned char *(*ASN1_STRING_get0_data)(const ASN1_STRING *x);
    int (*ASN1_STRING_length)(const ASN1_STRING *x);
    int (*OPENSSL_sk_num)(const OPENSSL_STACK *st);
    void *(*OPENSSL_sk_value)(const OPENSSL_STACK *st, int i);
    void (*GENERAL_NAMES_free)(OPENSSL_STACK *names);
    int (*X509_VERIFY_PARAM_set1_ip_asc)(X509_VERIFY_PARAM *param, const char *ipasc);
    X509 *(*X509_STORE_CTX_get_current_cert)(const X509_STORE_CTX *ctx);
    int (*X509_STORE_CTX_get_error_depth)(const X509_STORE_CTX *ctx);
    void *(*X509_STORE_CTX_get_ex_data)(const X509_STORE_CTX *ctx, int idx);
    /* libssl */
    int (*OPENSSL_init_ssl)(uint64_t opts, const void *settings);
    const SSL_METHOD *(*TLS_client_method)(void);
    SSL_CTX *(*SSL_CTX_new)(const SSL_METHOD *method);
    void (*SSL_CTX_free)(SSL_CTX *ctx);
    int (*SSL_CTX_set_default_verify_paths)(SSL_CTX *ctx);
    int (*SSL_CTX_load_verify_locations)(SSL_CTX *ctx, const char *file, const char *path);
    void (*SSL_CTX_set_verify)(SSL_CTX *ctx, int mode, int (*cb)(int, X509_STORE_CTX *));
    long (*SSL_CTX_ctrl)(SSL_CTX *ctx, int cmd, long larg, void *parg);
    int (*SSL_CTX_set_alpn_protos)(SSL_CTX *ctx, const unsigned char *protos, unsigned len);
    SSL *(*SSL_new)(SSL_CTX *ctx);
    void (*SSL_free)(SSL *ssl);
    int (*SSL_set_fd)(SSL *ssl, int fd);
    int (*SSL_set_ex_data)(SSL *ssl, int idx, void *data);
    void *(*SSL_get_ex_data)(const SSL *ssl, int idx);
    int (*SSL_get_ex_data_X509_STORE_CTX_idx)(void);
    long (*SSL_ctrl)(SSL *ssl, int cmd, long larg, void *parg);
    int (*SSL_set1_host)(SSL *ssl, const char *hostname);
    void (*SSL_set_hostflags)(SSL *ssl, unsigned int flags);
    X509_VERIFY_PARAM *(*SSL_get0_param)(SSL *ssl);
    int (*SSL_connect)(SSL *ssl);
    int (*SSL_get_error)(const SSL *ssl, int ret);
    int (*SSL_read_ex)(SSL *ssl, void *buf, size_t num, size_t *readbytes);
    int (*SSL_write_ex)(SSL *ssl, const void *buf, size_t num, size_t *written);
    int (*SSL_pending)(const SSL *ssl);
    int (*SSL_shutdown)(SSL *ssl);
    long (*SSL_get_verify_result)(const SSL *ssl);
    const char *(*SSL_get_version)(const SSL *ssl);
    const SSL_CIPHER *(*SSL_get_current_cipher)(const SSL *ssl);
    const char *(*SSL_CIPHER_get_name)(const SSL_CIPHER *c);
    X509 *(*SSL_get1_peer_certificate)(const SSL *ssl);
    OPENSSL_STACK *(*SSL_get_peer_cert_chain)(const SSL *ssl);
    OPENSSL_STACK *(*SSL_get0_verified_chain)(const SSL *ssl);
    const char *(*SSL_get0_peername)(SSL *ssl);
    void (*SSL_get0_alpn_selected)(const SSL *ssl, const unsigned char **data, unsigned *len);
};

enum lib { CRYPTO, SSLLIB };

#define SYM(lib, name)                                                                             \
    {                                                                                              \
        lib, #name, offsetof(struct ossl, name)                                                    \
    }
static const struct sym {
    enum lib lib;
    const char *name;
    size_t off;
} SYMS[] = {
    SYM(CRYPTO, OpenSSL_version_num),
    SYM(CRYPTO, ERR_get_error),
    SYM(CRYPTO, ERR_clear_error),
    SYM(CRYPTO, ERR_error_string_n),
    SYM(CRYPTO, ERR_reason_error_string),
    SYM(CRYPTO, X509_verify_cert_error_string),
    SYM(CRYPTO, X509_free),
    SYM(CRYPTO, X509_get_subject_name),
    SYM(CRYPTO, X509_get_issuer_name),
    SYM(CRYPTO, X509_NAME_oneline),
    SYM(CRYPTO, X509_get0_notBefore),
    SYM(CRYPTO, X509_get0_notAfter),
    SYM(CRYPTO, ASN1_TIME_to_tm),
    SYM(CRYPTO, X509_get_ext_d2i),
    SYM(CRYPTO, ASN1_STRING_get0_data),
    SYM(CRYPTO, ASN1_STRING_length),
    SYM(CRYPTO, OPENSSL_sk_num),
    SYM(CRYPTO, OPENSSL_sk_value),
    SYM(CRYPTO, GENERAL_NAMES_free),
    SYM(CRYPTO, X509_VERIFY_PARAM_set1_ip_asc),
    SYM(CRYPTO, X509_STORE_CTX_get_current_cert),
    SYM(CRYPTO, X509_STORE_CTX_get_error_depth),
    SYM(CRYPTO, X509_STORE_CTX_get_ex_data),
    SYM(SSLLIB, OPENSSL_init_ssl),
    SYM(SSLLIB, TLS_client_method),
    SYM(SSLLIB, SSL_CTX_new),
    SYM(SSLLIB, SSL_CTX_free),
    SYM(SSLLIB, SSL_CTX_set_default_verify_paths),
    SYM(SSLLIB, SSL_CTX_load_verify_locations),
    SYM(SSLLIB, SSL_CTX_set_verify),
    SYM(SSLLIB, SSL_CTX_ctrl),
    SYM(SSLLIB, SSL_CTX_set_alpn_protos),
    SYM(SSLLIB, SSL_new),
    SYM(SSLLIB, SSL_free),
    SYM(SSLLIB, SSL_set_fd),
    SYM(SSLLIB, SSL_set_ex_data),
    SYM(SSLLIB, SSL_get_ex_data),
    SYM(SSLLIB, SSL_get_ex_data_X509_STORE_CTX_idx),
    SYM(SSLLIB, SSL_ctrl),
    SYM(SSLLIB, SSL_set1_host),
    SYM(SSLLIB, SSL_set_hostflags),
    SYM(SSLLIB, SSL_get0_param),
    SYM(SSLLIB, SSL_connect),
    SYM(SSLLIB, SSL_get_error),
    SYM(SSLLIB, SSL_read_ex),
    SYM(SSLLIB, SSL_write_ex),
    SYM(SSLLIB, SSL_pending),
    SYM(SSLLIB, SSL_shutdown),
    SYM(SSLLIB, SSL_get_verify_result),
    SYM(SSLLIB, SSL_get_version),
    SYM(SSLLIB, SSL_get_current_cipher),
    SYM(SSLLIB, SSL_CIPHER_get_name),
    SYM(SSLLIB, SSL_get1_peer_certificate),
    SYM(SSLLIB, SSL_get_peer_cert_chain),
    SYM(SSLLIB, SSL_get0_verified_chain),
    SYM(SSLLIB, SSL_get0_peername),
    SYM(SSLLIB, SSL_get0_alpn_selected),
};

/* The library, the one process-wide state of this file (OpenSSL is loaded
 * once and never unloaded): found and its version read by probe(), its
 * functions resolved and OpenSSL started by nb_tls_load. */
static struct {
    int state; /* 0 not tried, 1 found (lib, version), 2 loaded (fn), -1 failed (why) */
    void *lib[2];
    struct ossl fn;
    char version[32];
    char why[NB_ERR_MSG_MAX];
} L;
#define O (L.fn)

/* The session behind a TLS stream (its impl). */
struct nb_tls {
    SSL_CTX *ctx;
    SSL *ssl;
    int fd;
    int verified;
    char leaf_names[400]; /* the names the server's certificate covers, seen while verifying */
    int held;             /* a read failed after bytes were returned: its result is next */
    ssize_t held_rc;      /* 0 (end of session) or -1 (held_err) */
    struct nb_err held_err;
};

/* --- loading ------------------------------------------------------------------ */

/* RTLD_LAZY: functions are bound when first called, so finding the library
 * (--version) costs its mapping, not the binding of all it exports. */
static void *open_lib(const char *env, const char *soname)
{
    const char *path = getenv(env);

    return dlopen(path && *path ? path : soname, RTLD_LAZY | RTLD_LOCAL);
}

/* Finds libcrypto and libssl and reads the version (3.0 or later): state 1,
 * or -1 with L.why set. */
static int probe(void)
{
    unsigned long (*version_num)(void);
    unsigned long v;
    void *p;

    L.lib[CRYPTO] = open_lib("NB_LIBCRYPTO", "libcrypto.so.3");
    L.lib[SSLLIB] = L.lib[CRYPTO] ? open_lib("NB_LIBSSL", "libssl.so.3") : NULL;
    if (!L.lib[CRYPTO] || !L.lib[SSLLIB]) {
        snprintf(L.why, sizeof L.why,
                 "https needs the system's OpenSSL 3 (libssl.so.3), which is not installed: "
                 "apt-get install libssl3");
        return -1;
    }
    p = dlsym(L.lib[CRYPTO], "OpenSSL_version_num");
    if (!p) {
        snprintf(L.why, sizeof L.why, "the system's libcrypto.so.3 has no OpenSSL_version_num");
        return -1;
    }
    memcpy(&version_num, &p, sizeof p); /* POSIX: a data pointer to a function */
    v = version_num();                  /* 0xMNN00PP0L */
    if (v < 0x30000000UL) {
        snprintf(L.why, sizeof L.why,
                 "the system's OpenSSL is %lu.%lu.%lu: https needs 3.0 or later "
                 "(apt-get install libssl3)",
                 v >> 28, (v >> 20) & 0xff, (v >> 4) & 0xff);
        return -1;
    }
    snprintf(L.version, sizeof L.version, "%lu.%lu.%lu", v >> 28, (v >> 20) & 0xff,
             (v >> 4) & 0xff);
    return 1;
}

/* Resolves every function of SYMS and starts OpenSSL: state 2, or -1. */
static int load(void)
{
    for (size_t i = 0; i < sizeof SYMS / sizeof SYMS[0]; i++) {
        void *p = dlsym(L.lib[SYMS[i].lib], SYMS[i].name);
        if (!p) {
            snprintf(L.why, sizeof L.why,
                     "the system's OpenSSL has no '%s': https needs OpenSSL 3.0 or later "
                     "(apt-get install libssl3)",
                     SYMS[i].name);
            return -1;
        }
        memcpy((char *)&L.fn + SYMS[i].off, &p, sizeof p);
    }
    if (O.OPENSSL_init_ssl(OSSL_INIT_LOAD_SSL_STRINGS | OSSL_INIT_LOAD_CRYPTO_STRINGS, NULL) != 1) {
        snprintf(L.why, sizeof L.why, "the system's OpenSSL failed to start");
        return -1;
    }
    /* the libraries stay loaded for the life of the process, as OpenSSL expects */
    return 2;
}

int nb_tls_load(struct nb_err *e)
{
    if (L.state == 0)
        L.state = probe();
    if (L.state == 1)
        L.state = load();
    if (L.state < 0)
        return nb_err_set(e, NB_E_NOTLS, "%s", L.why);
    return 0;
}

const char *nb_tls_version(void)
{
    if (L.state == 0)
        L.state = probe();
    return L.state > 0 ? L.version : NULL;
}

/* --- errors ------------------------------------------------------------------- */

/* OpenSSL's queue of errors as one message in e (the last reason is the
 * most telling), or fallback when the queue is empty. */
static int ossl_err(struct nb_err *e, enum nb_errcode code, const char *what, const char *fallback)
{
    unsigned long err, last = 0;
    const char *reason;

    while ((err = O.ERR_get_error()) != 0)
        last = err;
    reason = last ? O.ERR_reason_error_string(last) : NULL;
    if (reason)
        return nb_err_set(e, code, "%s: %s", what, reason);
    if (last) {
        char buf[160];
        O.ERR_error_string_n(last, buf, sizeof buf);
        return nb_err_set(e, code, "%s: %s", what, buf);
    }
    return nb_err_set(e, code, "%s: %s", what, fallback);
}

/* The DNS names and IP addresses a certificate covers, comma-separated. */
static void cert_names(X509 *cert, char *buf, size_t n)
{
    OPENSSL_STACK *names = O.X509_get_ext_d2i(cert, OSSL_NID_subject_alt_name, NULL, NULL);
    size_t used = 0;

    buf[0] = '\0';
    if (!names)
        return;
    for (int i = 0; i < O.OPENSSL_sk_num(names) && used + 1 < n; i++) {
        const struct general_name *g = O.OPENSSL_sk_value(names, i);
        const unsigned char *d;
        char item[300];
        int len;

        if (!g || (g->type != OSSL_GEN_DNS && g->type != OSSL_GEN_IPADD))
            continue;
        d = O.ASN1_STRING_get0_data(g->d);
        len = O.ASN1_STRING_length(g->d);
        if (g->type == OSSL_GEN_DNS) {
            nb_escape(d, (size_t)len, NB_ESC_C, item, sizeof item);
        } else if (len == 4) {
            snprintf(item, sizeof item, "%u.%u.%u.%u", d[0], d[1], d[2], d[3]);
        } else if (len == 16) {
            struct nb_addr a = {.family = 6};
            memcpy(a.b, d, 16);
            nb_addr_format(&a, item, sizeof item);
        } else {
            continue;
        }
        used += (size_t)snprintf(buf + used, n - used, "%s%s", used ? ", " : "", item);
        if (used >= n)
            used = n - 1;
    }
    O.GENERAL_NAMES_free(names);
}

/* The certificate check that failed, in plain words. */
static int verify_err(struct nb_tls *t, const struct nb_tls_opts *o, long v, struct nb_err *e)
{
    const char *names = t->leaf_names;
    char host[300];

    nb_escape(o->host, strlen(o->host), NB_ESC_C, host, sizeof host);
    switch (v) {
    case V_HOSTNAME_MISMATCH:
    case V_IP_ADDRESS_MISMATCH:
        return nb_err_set(e, NB_E_TLS, "the certificate is for %s, not %s",
                          names[0] ? names : "no name at all", host);
    case V_CERT_HAS_EXPIRED:
        return nb_err_set(e, NB_E_TLS, "the certificate of %s has expired", host);
    case V_CERT_NOT_YET_VALID:
        return nb_err_set(e, NB_E_TLS, "the certificate of %s is not valid yet", host);
    case V_DEPTH_ZERO_SELF_SIGNED_CERT:
        return nb_err_set(e, NB_E_TLS,
                          "the certificate of %s is self-signed: nobody we trust vouches for it "
                          "(--cacert FILE trusts it, -k skips the check)",
                          host);
    case V_SELF_SIGNED_CERT_IN_CHAIN:
    case V_UNABLE_TO_GET_ISSUER_CERT:
    case V_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case V_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
        return nb_err_set(e, NB_E_TLS,
                          "the certificate of %s is signed by an authority this machine does "
                          "not trust (--cacert FILE trusts a private one)",
                          host);
    default:
        return nb_err_set(e, NB_E_TLS, "the certificate of %s could not be verified: %s", host,
                          O.X509_verify_cert_error_string(v));
    }
}

/* --- waiting ------------------------------------------------------------------ */

/* After an SSL call returned ret: 1 to call it again once the socket is
 * ready (waited for here within d), 0 when the peer ended the session, -1
 * with e set. what names the call for the message. */
static int again(struct nb_tls *t, int ret, const struct nb_deadline *d, const char *what,
                 struct nb_err *e)
{
    int err = O.SSL_get_error(t->ssl, ret), saved = errno;
    struct pollfd pfd = {.fd = t->fd};
    int n;

    switch (err) {
    case OSSL_SSL_ERROR_WANT_READ:
        pfd.events = POLLIN;
        break;
    case OSSL_SSL_ERROR_WANT_WRITE:
        pfd.events = POLLOUT;
        break;
    case OSSL_SSL_ERROR_ZERO_RETURN:
        return 0;
    case OSSL_SSL_ERROR_SYSCALL:
        O.ERR_clear_error();
        if (saved == ECONNRESET || saved == EPIPE)
            return nb_err_set(e, NB_E_CONNECT, "%s: the peer reset the connection", what);
        if (saved == 0 || saved == EAGAIN)
            return nb_err_set(e, NB_E_CONNECT, "%s: the peer closed the connection", what);
        return nb_err_sys(e, NB_E_SYS, saved, "%s", what);
    default:
        return ossl_err(e, NB_E_TLS, what, "the TLS library failed");
    }
    n = nb_sock_poll(&pfd, 1, d, NULL, e);
    if (n < 0)
        return -1;
    if (n == 0)
        return nb_err_set(e, NB_E_TIMEOUT, "%s: no answer in time", what);
    return 1;
}

/* --- the handshake ------------------------------------------------------------ */

static int is_ip_literal(const char *host)
{
    struct nb_addr a;

    return nb_addr_parse(host, strlen(host), &a, NULL) == 0;
}

/* OpenSSL calls this for each certificate of the chain while it verifies:
 * the leaf's names are kept for the message of a failure (the session holds
 * no certificate after a failed handshake). The verdict is OpenSSL's. */
static int on_verify(int ok, X509_STORE_CTX *sctx)
{
    SSL *ssl = O.X509_STORE_CTX_get_ex_data(sctx, O.SSL_get_ex_data_X509_STORE_CTX_idx());
    struct nb_tls *t = ssl ? O.SSL_get_ex_data(ssl, 0) : NULL;
    X509 *cert = O.X509_STORE_CTX_get_current_cert(sctx);

    if (t && cert && O.X509_STORE_CTX_get_error_depth(sctx) == 0)
        cert_names(cert, t->leaf_names, sizeof t->leaf_names);
    return ok;
}

static int setup_ctx(struct nb_tls *t, const struct nb_tls_opts *o, struct nb_err *e)
{
    t->ctx = O.SSL_CTX_new(O.TLS_client_method());
    if (!t->ctx)
        return ossl_err(e, NB_E_SYS, "TLS setup failed", "out of memory");
    if (O.SSL_CTX_ctrl(t->ctx, OSSL_SSL_CTRL_SET_MIN_PROTO_VERSION, OSSL_TLS1_2_VERSION, NULL) != 1)
        return ossl_err(e, NB_E_SYS, "TLS setup failed", "cannot require TLS 1.2");
    /* a stream's write may take part of a buffer, and be called again with more */
    O.SSL_CTX_ctrl(t->ctx, OSSL_SSL_CTRL_MODE,
                   OSSL_SSL_MODE_ENABLE_PARTIAL_WRITE | OSSL_SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER,
                   NULL);
    if (o->alpn) {
        unsigned char proto[64];
        size_t n = strlen(o->alpn);
        if (n == 0 || n >= sizeof proto)
            return nb_err_set(e, NB_E_INVALID, "ALPN protocol name too long");
        proto[0] = (unsigned char)n;
        memcpy(proto + 1, o->alpn, n);
        if (O.SSL_CTX_set_alpn_protos(t->ctx, proto, (unsigned)n + 1) != 0) /* 0 is success */
            return ossl_err(e, NB_E_SYS, "TLS setup failed", "cannot offer ALPN");
    }
    if (o->insecure) {
        O.SSL_CTX_set_verify(t->ctx, OSSL_SSL_VERIFY_NONE, NULL);
        return 0;
    }
    O.SSL_CTX_set_verify(t->ctx, OSSL_SSL_VERIFY_PEER, on_verify);
    /* --cacert/--capath replace the system's store, as in curl: parsing the
     * system's bundle (about 150 certificates) took 20 ms of every fetch */
    if (!o->cafile && !o->capath) {
        if (O.SSL_CTX_set_default_verify_paths(t->ctx) != 1)
            return ossl_err(e, NB_E_SYS, "cannot read the system's trusted certificates",
                            "unknown");
    } else if (O.SSL_CTX_load_verify_locations(t->ctx, o->cafile, o->capath) != 1) {
        char what[600];
        snprintf(what, sizeof what, "cannot read the trusted certificates in '%.250s'",
                 o->cafile ? o->cafile : o->capath);
        return ossl_err(e, NB_E_SYS, what, "no certificate found");
    }
    return 0;
}

static int setup_ssl(struct nb_tls *t, const struct nb_tls_opts *o, struct nb_err *e)
{
    const char *sni = o->servername ? o->servername : o->host;
    int ip = is_ip_literal(o->host);

    t->ssl = O.SSL_new(t->ctx);
    if (!t->ssl || O.SSL_set_fd(t->ssl, t->fd) != 1 || O.SSL_set_ex_data(t->ssl, 0, t) != 1)
        return ossl_err(e, NB_E_SYS, "TLS setup failed", "out of memory");
    /* SNI carries names only: an IP literal is never sent as one (RFC 6066 §3) */
    if (sni && !is_ip_literal(sni) &&
        O.SSL_ctrl(t->ssl, OSSL_SSL_CTRL_SET_TLSEXT_HOSTNAME, OSSL_TLSEXT_NAMETYPE_host_name,
                   (void *)sni) != 1)
        return ossl_err(e, NB_E_INVALID, "cannot send that server name", "invalid name");
    if (o->insecure)
        return 0;
    if (ip) {
        char lit[NB_ADDR_TEXT_MAX];
        struct nb_addr a;
        nb_addr_parse(o->host, strlen(o->host), &a, NULL);
        a.zone[0] = '\0';
        nb_addr_format(&a, lit, sizeof lit);
        if (O.X509_VERIFY_PARAM_set1_ip_asc(O.SSL_get0_param(t->ssl), lit) != 1)
            return ossl_err(e, NB_E_INVALID, "cannot check that address", "invalid address");
    } else {
        O.SSL_set_hostflags(t->ssl, OSSL_X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        if (O.SSL_set1_host(t->ssl, o->host) != 1)
            return ossl_err(e, NB_E_INVALID, "cannot check that host name", "invalid name");
    }
    return 0;
}

static void get_info(const struct nb_tls *t, struct nb_tls_info *info)
{
    const SSL_CIPHER *c = O.SSL_get_current_cipher(t->ssl);

    snprintf(info->version, sizeof info->version, "%s", O.SSL_get_version(t->ssl));
    snprintf(info->cipher, sizeof info->cipher, "%s", c ? O.SSL_CIPHER_get_name(c) : "none");
    info->verified = t->verified;
}

/* "2026-11-29" from a certificate time, or "?" */
static void cert_date(const ASN1_STRING *at, char *buf, size_t n)
{
    struct tm tm;

    if (at && O.ASN1_TIME_to_tm(at, &tm) == 1)
        strftime(buf, n, "%Y-%m-%d %H:%M UTC", &tm);
    else
        snprintf(buf, n, "?");
}

static void explain_cert(const struct nb_explain *x, int depth, X509 *c)
{
    char subj[256], iss[256], from[32], until[32], names[400], esubj[400], eiss[400];

    O.X509_NAME_oneline(O.X509_get_subject_name(c), subj, sizeof subj);
    O.X509_NAME_oneline(O.X509_get_issuer_name(c), iss, sizeof iss);
    nb_escape(subj, strlen(subj), NB_ESC_C, esubj, sizeof esubj);
    nb_escape(iss, strlen(iss), NB_ESC_C, eiss, sizeof eiss);
    cert_date(O.X509_get0_notBefore(c), from, sizeof from);
    cert_date(O.X509_get0_notAfter(c), until, sizeof until);
    cert_names(c, names, sizeof names);
    nb_explainf(x, "  certificate %d: %s, issued by %s, valid %s to %s%s%s", depth, esubj, eiss,
                from, until, names[0] ? ", for " : "", names);
}

/* --explain: what the handshake showed and agreed, in the lesson's words. */
static void explain_done(struct nb_tls *t, const struct nb_tls_opts *o)
{
    const struct nb_explain *x = o->x;
    OPENSSL_STACK *chain = O.SSL_get_peer_cert_chain(t->ssl);
    OPENSSL_STACK *verified = t->verified ? O.SSL_get0_verified_chain(t->ssl) : NULL;
    const char *matched = t->verified ? O.SSL_get0_peername(t->ssl) : NULL;
    struct nb_tls_info info;

    if (!nb_explaining(x))
        return;
    nb_explainf(x, "the server shows %d certificate%s — who it is, and who vouches for it:",
                chain ? O.OPENSSL_sk_num(chain) : 0,
                chain && O.OPENSSL_sk_num(chain) == 1 ? "" : "s");
    for (int i = 0; chain && i < O.OPENSSL_sk_num(chain); i++)
        explain_cert(x, i, O.OPENSSL_sk_value(chain, i));
    if (matched) {
        char m[300];
        nb_escape(matched, strlen(matched), NB_ESC_C, m, sizeof m);
        nb_explainf(x, "the name %s matches the certificate", m);
    }
    if (verified && O.OPENSSL_sk_num(verified) > 0) {
        X509 *root = O.OPENSSL_sk_value(verified, O.OPENSSL_sk_num(verified) - 1);
        char subj[256], esubj[400];
        O.X509_NAME_oneline(O.X509_get_subject_name(root), subj, sizeof subj);
        nb_escape(subj, strlen(subj), NB_ESC_C, esubj, sizeof esubj);
        nb_explainf(x, "the chain ends at %s, trusted %s", esubj,
                    o->cafile || o->capath
                        ? "because --cacert/--capath names it (they replace the system's store)"
                        : "because the system's certificate store holds it");
    } else if (o->insecure) {
        nb_explainf(x, "-k: the certificate was NOT checked — anyone on the way could pose as "
                       "this server");
    }
    get_info(t, &info);
    nb_explainf(x,
                "agreed on %s with %s; from here on what is sent and received is encrypted: "
                "a listener on the wire sees only the server name and the sizes",
                info.version, info.cipher);
}

static void free_session(struct nb_tls *t)
{
    if (!t)
        return;
    if (t->ssl)
        O.SSL_free(t->ssl);
    if (t->ctx)
        O.SSL_CTX_free(t->ctx);
    free(t);
}

static void explain_hello(const struct nb_tls_opts *o, int fd)
{
    const char *sni = o->servername ? o->servername : o->host;
    char s[300];

    if (!nb_explaining(o->x))
        return;
    nb_escape(sni, strlen(sni), NB_ESC_C, s, sizeof s);
    if (is_ip_literal(sni))
        nb_explainf(o->x,
                    "TLS ClientHello on fd %d — no server name is sent for an IP address; TLS "
                    "1.2 or later, ALPN %s",
                    fd, o->alpn ? o->alpn : "none");
    else
        nb_explainf(o->x,
                    "TLS ClientHello on fd %d for the name %s (SNI, sent in clear) — TLS 1.2 or "
                    "later, ALPN %s",
                    fd, s, o->alpn ? o->alpn : "none");
}

/* Runs SSL_connect to its end within d. Returns 0, or -1 with e set. */
static int handshake(struct nb_tls *t, const struct nb_tls_opts *o, const struct nb_deadline *d,
                     struct nb_err *e)
{
    int r;

    while ((r = O.SSL_connect(t->ssl)) != 1) {
        long v = O.SSL_get_verify_result(t->ssl);
        int k;
        if (!o->insecure && v != V_OK)
            return verify_err(t, o, v, e);
        k = again(t, r, d, "TLS handshake failed", e);
        if (k > 0)
            continue;
        if (k == 0 || (e && e->code == NB_E_CONNECT && r == 0))
            return nb_err_set(e, NB_E_TLS,
                              "TLS handshake failed: the peer closed the connection (is it a TLS "
                              "server?)");
        if (e && e->code == NB_E_TIMEOUT)
            return nb_err_set(e, NB_E_TIMEOUT, "TLS handshake: no answer in time");
        return -1;
    }
    return 0;
}

/* --- the stream's operations ------------------------------------------------------ */

/* After an SSL call that did not complete: NB_STREAM_AGAIN with s->want set
 * to what the session waits for, 0 at the end of the session, or -1 with e
 * set. */
static ssize_t op_status(struct nb_stream *s, int ret, const char *what, struct nb_err *e)
{
    struct nb_tls *t = s->impl;
    int err = O.SSL_get_error(t->ssl, ret), saved = errno;

    switch (err) {
    case OSSL_SSL_ERROR_WANT_READ:
        s->want = POLLIN;
        return NB_STREAM_AGAIN;
    case OSSL_SSL_ERROR_WANT_WRITE:
        s->want = POLLOUT;
        return NB_STREAM_AGAIN;
    case OSSL_SSL_ERROR_ZERO_RETURN:
        return 0;
    case OSSL_SSL_ERROR_SYSCALL:
        O.ERR_clear_error();
        if (saved == ECONNRESET)
            return nb_err_set(e, NB_E_CONNECT, "%s: the peer reset the connection", what);
        if (saved == EPIPE)
            return nb_err_set(e, NB_E_CONNECT, "%s: the peer closed the connection", what);
        if (saved == 0)
            return 0; /* closed without close_notify: the protocol's framing decides */
        return nb_err_sys(e, NB_E_SYS, saved, "%s", what);
    default:
        return ossl_err(e, NB_E_TLS, what, "the TLS library failed");
    }
}

/* One SSL_read_ex or SSL_write_ex (writing) of up to n bytes: the count,
 * or what op_status makes of a call that did not complete. */
static ssize_t tls_io(struct nb_stream *s, void *buf, size_t n, int writing, struct nb_err *e)
{
    struct nb_tls *t = s->impl;
    size_t done = 0;
    ssize_t r;

    s->want = 0;
    errno = 0;
    r = writing ? O.SSL_write_ex(t->ssl, buf, n, &done) : O.SSL_read_ex(t->ssl, buf, n, &done);
    if (r == 1)
        return (ssize_t)done;
    r = op_status(s, (int)r, writing ? "TLS write failed" : "TLS read failed", e);
    if (r == 0 && writing)
        return nb_err_set(e, NB_E_CONNECT, "TLS write failed: the peer ended the session");
    return r;
}

/* TLS hands over one record (16 KiB at most) per SSL_read_ex. Reading on
 * while another whole record fits and the socket has bytes turns a burst into
 * one read of the caller's size (one poll and one write of it, not one per
 * record), and never leaves part of a record in OpenSSL for a caller that
 * polls the socket. A failure after bytes is held for the next call. */
#define TLS_RECORD_MAX 16384

static ssize_t tls_read(struct nb_stream *s, void *buf, size_t cap, struct nb_err *e)
{
    struct nb_tls *t = s->impl;
    size_t total = 0;

    if (t->held) {
        s->want = 0;
        t->held = 0;
        if (t->held_rc < 0)
            *e = t->held_err;
        return t->held_rc;
    }
    for (;;) {
        ssize_t n = tls_io(s, (char *)buf + total, cap - total, 0, e);
        if (n > 0) {
            total += (size_t)n;
            if (cap - total < TLS_RECORD_MAX)
                return (ssize_t)total;
            continue;
        }
        if (total == 0)
            return n;
        s->want = 0;
        if (n != NB_STREAM_AGAIN) {
            t->held = 1;
            t->held_rc = n;
            if (n < 0)
                t->held_err = *e;
        }
        return (ssize_t)total;
    }
}

static ssize_t tls_write(struct nb_stream *s, const void *buf, size_t len, struct nb_err *e)
{
    return tls_io(s, (void *)buf, len, 1, e); /* SSL_write_ex only reads it */
}

/* The end of our input. TLS's half-close is close_notify, but an https
 * server takes it for the end of the whole connection: nginx resets it with
 * the reply half sent (measured). So close_notify goes when the connection
 * closes, after the peer's reply, and here only the narration says so. */
static int tls_shutdown_write(struct nb_stream *s, struct nb_err *e)
{
    (void)e;
    nb_explainf(s->x,
                "end of input on fd %d — over TLS a half-close (close_notify) would end the "
                "whole connection on most servers, so it is sent at the close",
                s->fd);
    return 0;
}

/* close_notify (best effort: the socket may not take the alert now), then
 * the session and the socket go. */
static void tls_close(struct nb_stream *s)
{
    struct nb_tls *t = s->impl;

    if (t && t->ssl) {
        errno = 0;
        if (O.SSL_shutdown(t->ssl) >= 0)
            nb_explainf(s->x, "close_notify on fd %d — TLS's way to say 'I am done'", s->fd);
    }
    free_session(s->impl);
    s->impl = NULL;
    nb_sock_close(s->fd, s->x);
    s->fd = -1;
}

static int tls_pending(const struct nb_stream *s)
{
    const struct nb_tls *t = s->impl;

    return t->held || O.SSL_pending(t->ssl) > 0;
}

static const struct nb_stream_ops TLS_OPS = {tls_read, tls_write, tls_shutdown_write, tls_close,
                                             tls_pending};

int nb_tls_stream(struct nb_stream *s, int fd, const struct nb_tls_opts *o,
                  const struct nb_deadline *d, struct nb_tls_info *info, struct nb_err *e)
{
    struct nb_tls *t;

    if (nb_tls_load(e) < 0)
        return -1;
    t = calloc(1, sizeof *t);
    if (!t)
        return nb_err_set(e, NB_E_SYS, "out of memory");
    t->fd = fd;
    O.ERR_clear_error();
    if (setup_ctx(t, o, e) < 0 || setup_ssl(t, o, e) < 0 || nb_sock_set_nonblock(fd, 1, e) < 0) {
        free_session(t);
        return -1;
    }
    explain_hello(o, fd);
    if (handshake(t, o, d, e) < 0) {
        free_session(t);
        return -1;
    }
    t->verified = !o->insecure && O.SSL_get_verify_result(t->ssl) == V_OK;
    explain_done(t, o);
    if (info)
        get_info(t, info);
    *s = (struct nb_stream){.ops = &TLS_OPS, .fd = fd, .x = o->x, .impl = t};
    return 0;
}
