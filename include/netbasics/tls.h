/* tls.h - TLS client sessions from the system's own OpenSSL 3, loaded at run
 * time with dlopen: nothing of OpenSSL is needed to build netbasics, and
 * nothing but https and send --tls ever loads it. src/core/tls.c is the only
 * file that knows OpenSSL (docs/design.md, "TLS at run time"). */
#ifndef NETBASICS_TLS_H
#define NETBASICS_TLS_H

#include <stddef.h>
#include <sys/types.h>

#include <netbasics/err.h>
#include <netbasics/out.h>
#include <netbasics/sock.h>

/* What the caller asks of a session. */
struct nb_tls_opts {
    const char *host;       /* the name or IP literal the user gave: verified against the
                             * certificate, and sent as SNI when it is a name */
    const char *servername; /* another SNI to send instead (send --servername); NULL: host */
    const char *cafile;     /* --cacert: trust the CA certificates in this file; NULL: none */
    const char *capath;     /* --capath: trust the hashed certificate directory; NULL: none */
    int insecure;           /* -k: no verification (the caller warns) */
    const char *alpn;       /* one protocol to offer with ALPN ("http/1.1"), or NULL */
    const struct nb_explain *x;
};

/* What a finished handshake agreed on, for --json and --explain. */
struct nb_tls_info {
    char version[16]; /* "TLSv1.3" */
    char cipher[64];  /* "TLS_AES_256_GCM_SHA384" */
    int verified;     /* the peer's identity was checked and held */
};

struct nb_tls;

/* Loads libssl.so.3 and libcrypto.so.3 (or the files named by NB_LIBSSL and
 * NB_LIBCRYPTO, which the tests use to simulate a machine without them) once
 * per process and checks they are OpenSSL 3.0 or later. Returns 0, or -1
 * with e set to NB_E_NOTLS and a message saying what to install. */
int nb_tls_load(struct nb_err *e);

/* The loaded library's version ("3.0.19"), or NULL when nb_tls_load has not
 * succeeded (it is tried here once, quietly). For --version. */
const char *nb_tls_version(void);

/* Runs a TLS handshake as a client over the connected socket fd (which the
 * session then uses; the caller still owns and closes fd), within the
 * deadline d (NULL: none). Verification is on unless o->insecure: the system
 * trust store (SSL_CERT_FILE and SSL_CERT_DIR work) plus o->cafile/capath,
 * the host name or IP literal checked against the certificate, TLS 1.2 at
 * least. Returns the session, or NULL with e set: NB_E_NOTLS (no library),
 * NB_E_TLS (the handshake failed or the identity could not be verified; the
 * message says why in plain words), NB_E_TIMEOUT, NB_E_CONNECT (the peer
 * reset or closed), NB_E_SYS. Nothing of the caller's is sent before it
 * returns a session. */
struct nb_tls *nb_tls_connect(int fd, const struct nb_tls_opts *o, const struct nb_deadline *d,
                              struct nb_err *e);

/* The version, cipher and verification of session t. */
void nb_tls_get_info(const struct nb_tls *t, struct nb_tls_info *info);

/* Reads up to cap decrypted bytes, waiting until the deadline d (NULL: none).
 * Returns the count, 0 when the peer ended the session (close_notify, or a
 * plain close, which is reported as end of stream too), or -1 with e set
 * (NB_E_TIMEOUT, NB_E_CONNECT, NB_E_TLS, NB_E_SYS). */
ssize_t nb_tls_read(struct nb_tls *t, void *buf, size_t cap, const struct nb_deadline *d,
                    struct nb_err *e);

/* Writes all len bytes, waiting for the peer until the deadline d (NULL:
 * none). Returns 0, or -1 with e set as for nb_tls_read. */
int nb_tls_write_all(struct nb_tls *t, const void *buf, size_t len, const struct nb_deadline *d,
                     struct nb_err *e);

/* Whether decrypted bytes are already buffered (a poll on the fd would not
 * show them). */
int nb_tls_pending(const struct nb_tls *t);

/* Sends close_notify (TLS's end of stream: the peer reads end of data).
 * Returns 0, or -1 with e set. */
int nb_tls_close_notify(struct nb_tls *t, const struct nb_deadline *d, struct nb_err *e);

/* Frees the session (not the fd). NULL is fine. */
void nb_tls_free(struct nb_tls *t);

#endif
