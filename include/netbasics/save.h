/* save.h - atomic saves: a body goes to a temporary file created exclusively
 * in the target's directory and takes the target's name only when complete;
 * on any failure nothing is left behind, and nothing is clobbered silently. */
#ifndef NETBASICS_SAVE_H
#define NETBASICS_SAVE_H

#include <stddef.h>
#include <stdint.h>

#include <netbasics/err.h>

#define NB_SAVE_PATH_MAX 4096

struct nb_save {
    int fd;
    int force;
    uint64_t bytes;
    char tmp[NB_SAVE_PATH_MAX];
    char final[NB_SAVE_PATH_MAX];
};

/* Whether path may be saved to, before anything is fetched: never a
 * directory ("x is a directory"), an existing name only with force
 * ("index.html exists: ... --force overwrites it"). Returns 0, or -1 with e
 * set to NB_E_SYS. */
int nb_save_check(const char *path, int force, struct nb_err *e);

/* Opens a temporary file next to path (O_CREAT|O_EXCL|O_NOFOLLOW, so an
 * existing file or a planted symlink is never written through), after
 * nb_save_check. s remembers the temporary name until commit or abort, so
 * one nb_save_abort on the way out removes it whatever ended the transfer.
 * Returns 0, or -1 with e set to NB_E_SYS. */
int nb_save_begin(struct nb_save *s, const char *path, int force, struct nb_err *e);

/* Appends n bytes. Returns 0, or -1 with e set (a full disk says so). */
int nb_save_write(struct nb_save *s, const void *p, size_t n, struct nb_err *e);

/* Gives the complete file its name: a hard link that fails if the name was
 * taken meanwhile (rename with force), then the temporary name goes. Returns
 * 0, or -1 with e set; the temporary file is removed either way. */
int nb_save_commit(struct nb_save *s, struct nb_err *e);

/* Removes the temporary file (safe to call after commit or twice). */
void nb_save_abort(struct nb_save *s);

#endif
