/* cli.c - spelling suggestions for unknown commands and options. */
#include <netbasics/cli.h>

#include <string.h>

/* Levenshtein distance of a and b, both at most 31 bytes (else a large value). */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), row[32];

    if (la > 31 || lb > 31)
        return 99;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            diag = up;
            row[j] = best;
        }
    }
    return row[lb];
}

const char *nb_closest(const char *w, const char *const *words, size_t n)
{
    const char *best = NULL, *prefixed = NULL;
    size_t bestd = 3, nprefix = 0, wl = strlen(w);

    for (size_t i = 0; i < n; i++) {
        size_t d = distance(w, words[i]);
        if (d < bestd) {
            bestd = d;
            best = words[i];
        }
        if (wl > 0 && !strncmp(words[i], w, wl)) {
            prefixed = words[i];
            nprefix++;
        }
    }
    if (best)
        return best;
    return nprefix == 1 ? prefixed : NULL;
}
