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
#include <netbasics/clock.h>
#include <netbasics/stream.h>

/* What the caller asks of a session. */
struct nb_tls_opts {
    const char *host;       /* the name or IP literal the user gave: verified against the
                             * certificate, and sent as SNI when it is a name */
    const char *servername; /* another SNI to send instead (send --servername); NULL: host */
    const char *cafile;     /* --cacert: trust the CA certificates in this file (only) */
    const char *capath;     /* --capath: trust the hashed certificate directory (only) */
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

/* Loads libssl.so.3 and libcrypto.so.3 (or the files named by NB_LIBSSL and
 * NB_LIBCRYPTO, which the tests use to simulate a machine without them) once
 * per process and checks they are OpenSSL 3.0 or later. Returns 0, or -1
 * with e set to NB_E_NOTLS and a message saying what to install. */
int nb_tls_load(struct nb_err *e);

/* The loaded library's version ("3.0.19"), or NULL when it cannot be loaded
 * (loading is tried here once, quietly). For --version. */
const char *nb_tls_version(void);

/* Runs a TLS handshake as a client over the connected socket fd within the
 * deadline d (NULL: none) and makes *s a stream over the session: reads and
 * writes are decrypted and encrypted, shutdown_write sends close_notify (TLS's
 * end of stream) and close frees the session and closes fd. Verification is
 * on unless o->insecure: o->cafile/capath when given, else the system trust
 * store (SSL_CERT_FILE and SSL_CERT_DIR work), the host name or IP literal
 * checked against the certificate, TLS 1.2 at least. Fills *info (may be
 * NULL). Returns 0; or -1 with e set - NB_E_NOTLS (no library), NB_E_TLS
 * (the handshake failed or the identity could not be verified: the message
 * says why in plain words), NB_E_TIMEOUT, NB_E_CONNECT, NB_E_SYS - and fd
 * still the caller's to close. Nothing of the caller's is sent before it
 * returns 0. */
int nb_tls_stream(struct nb_stream *s, int fd, const struct nb_tls_opts *o,
                  const struct nb_deadline *d, struct nb_tls_info *info, struct nb_err *e);

#endif
