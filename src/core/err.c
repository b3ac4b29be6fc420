/* err.c - filling struct nb_err and mapping it to exit statuses. */
#include <netbasics/err.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

NB_PRINTF(4, 0)
static void vset(struct nb_err *e, enum nb_errcode code, int errnum, const char *fmt, va_list ap)
{
    e->code = code;
    e->sys_errno = errnum;
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
}

int nb_err_set(struct nb_err *e, enum nb_errcode code, const char *fmt, ...)
{
    va_list ap;

    if (!e)
        return -1;
    va_start(ap, fmt);
    vset(e, code, 0, fmt, ap);
    va_end(ap);
    return -1;
}

int nb_err_sys(struct nb_err *e, enum nb_errcode code, int errnum, const char *fmt, ...)
{
    va_list ap;
    size_t n;

    if (!e)
        return -1;
    va_start(ap, fmt);
    vset(e, code, errnum, fmt, ap);
    va_end(ap);
    n = strlen(e->msg);
    if (n < sizeof e->msg)
        snprintf(e->msg + n, sizeof e->msg - n, ": %s", strerror(errnum));
    return -1;
}

void nb_err_clear(struct nb_err *e)
{
    if (!e)
        return;
    e->code = NB_E_NONE;
    e->sys_errno = 0;
    e->msg[0] = '\0';
}

int nb_exit_code(enum nb_errcode code)
{
    switch (code) {
    case NB_E_NONE:
        return NB_EXIT_OK;
    case NB_E_INVALID:
        return NB_EXIT_NEGATIVE;
    case NB_E_RESOLVE:
        return NB_EXIT_RESOLVE;
    case NB_E_CONNECT:
        return NB_EXIT_CONNECT;
    case NB_E_PROTO:
        return NB_EXIT_PROTO;
    case NB_E_SYS:
        return NB_EXIT_SYS;
    case NB_E_TIMEOUT:
        return NB_EXIT_TIMEOUT;
    case NB_E_NOTLS:
        return NB_EXIT_NOTLS;
    case NB_E_TLS:
        return NB_EXIT_TLS;
    }
    return NB_EXIT_SYS;
}
