/* save.c - atomic, non-clobbering saves through an exclusive temporary file. */
#include <netbasics/io.h>
#include <netbasics/random.h>
#include <netbasics/save.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int nb_save_check(const char *path, int force, struct nb_err *e)
{
    struct stat st;

    if (lstat(path, &st) < 0)
        return 0;
    if (S_ISDIR(st.st_mode))
        return nb_err_set(e, NB_E_SYS, "%s is a directory: name a file to save into", path);
    if (!force)
        return nb_err_set(e, NB_E_SYS, "%s exists: it is not overwritten (--force overwrites it)",
                          path);
    return 0;
}

int nb_save_begin(struct nb_save *s, const char *path, int force, struct nb_err *e)
{
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;

    memset(s, 0, sizeof *s);
    s->fd = -1;
    s->force = force;
    if (strlen(path) + 32 >= sizeof s->tmp)
        return nb_err_set(e, NB_E_SYS, "the file name is too long");
    snprintf(s->final, sizeof s->final, "%s", path);
    if (nb_save_check(path, force, e) < 0)
        return -1;
    for (int tries = 0; tries < 16; tries++) {
        snprintf(s->tmp, sizeof s->tmp, "%.*s.%s.part-%04x", (int)dirlen, path, path + dirlen,
                 nb_random_u16());
        s->fd = open(s->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (s->fd >= 0)
            return 0;
        if (errno != EEXIST)
            break;
    }
    {
        int err = errno;
        s->tmp[0] = '\0';
        return nb_err_sys(e, NB_E_SYS, err, "cannot create a file in %.*s",
                          dirlen ? (int)dirlen : 1, dirlen ? path : ".");
    }
}

int nb_save_write(struct nb_save *s, const void *p, size_t n, struct nb_err *e)
{
    if (nb_write_all(s->fd, p, n) < 0) {
        if (errno == ENOSPC || errno == EDQUOT)
            return nb_err_sys(e, NB_E_SYS, errno, "the disk is full after %llu bytes of %s",
                              (unsigned long long)s->bytes, s->final);
        return nb_err_sys(e, NB_E_SYS, errno, "cannot write %s", s->final);
    }
    s->bytes += n;
    return 0;
}

int nb_save_commit(struct nb_save *s, struct nb_err *e)
{
    int rc = 0;

    if (close(s->fd) < 0) {
        s->fd = -1;
        rc = nb_err_sys(e, NB_E_SYS, errno, "cannot write %s", s->final);
        nb_save_abort(s);
        return rc;
    }
    s->fd = -1;
    if (s->force) {
        if (rename(s->tmp, s->final) < 0)
            rc = nb_err_sys(e, NB_E_SYS, errno, "cannot name the file %s", s->final);
    } else if (link(s->tmp, s->final) < 0) {
        if (errno == EEXIST)
            rc = nb_err_set(e, NB_E_SYS,
                            "%s appeared while downloading: it is not overwritten "
                            "(--force overwrites it)",
                            s->final);
        else if (errno == EPERM || errno == EOPNOTSUPP || errno == ENOSYS) {
            /* no hard links here (FAT, some FUSE): check, then rename */
            struct stat st;
            if (lstat(s->final, &st) == 0)
                rc = nb_err_set(e, NB_E_SYS, "%s exists: it is not overwritten", s->final);
            else if (rename(s->tmp, s->final) < 0)
                rc = nb_err_sys(e, NB_E_SYS, errno, "cannot name the file %s", s->final);
        } else {
            rc = nb_err_sys(e, NB_E_SYS, errno, "cannot name the file %s", s->final);
        }
    }
    nb_save_abort(s); /* the temporary name (after rename it is gone already) */
    return rc;
}

void nb_save_abort(struct nb_save *s)
{
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
    if (s->tmp[0])
        unlink(s->tmp);
    s->tmp[0] = '\0';
}
