/* An LD_PRELOAD shim for the fault tests (tests/cli_faults_test.sh): makes
 * the file system fail where and how a test says, to prove that retsim's
 * commits are all or nothing and that it reports the system's reason.
 *
 *   RETSIM_SHIM_FAIL_RENAME=N  the N-th rename/renameat/renameat2 call (counted
 *                              together, from 1) fails with EIO
 *   RETSIM_SHIM_NO_EXCHANGE=1  renameat2(RENAME_EXCHANGE) fails with EINVAL (as
 *                              on a file system without it); not counted
 *   RETSIM_SHIM_WRITE_LIMIT=B  write() to regular files fails with ENOSPC once
 *                              B bytes have been written (stdio's own writes to
 *                              stdout and stderr do not pass through here)
 * Test-only code: state is process-wide, which the library itself never is. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static long env_long(const char *name)
{
    const char *v = getenv(name);
    return v != NULL ? strtol(v, NULL, 10) : -1;
}

static long renames;
static long long written;

/* true when this rename call is the one that must fail */
static int fail_this_rename(void)
{
    long n = env_long("RETSIM_SHIM_FAIL_RENAME");
    return ++renames == n;
}

int rename(const char *from, const char *to)
{
    static int (*real)(const char *, const char *);
    if (real == NULL) {
        real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
    }
    if (fail_this_rename()) {
        errno = EIO;
        return -1;
    }
    return real(from, to);
}

int renameat(int fd1, const char *from, int fd2, const char *to)
{
    static int (*real)(int, const char *, int, const char *);
    if (real == NULL) {
        real = (int (*)(int, const char *, int, const char *))dlsym(RTLD_NEXT, "renameat");
    }
    if (fail_this_rename()) {
        errno = EIO;
        return -1;
    }
    return real(fd1, from, fd2, to);
}

int renameat2(int fd1, const char *from, int fd2, const char *to, unsigned int flags)
{
    static int (*real)(int, const char *, int, const char *, unsigned int);
    if (real == NULL) {
        real = (int (*)(int, const char *, int, const char *, unsigned int))dlsym(RTLD_NEXT, "renameat2");
    }
    if ((flags & RENAME_EXCHANGE) && env_long("RETSIM_SHIM_NO_EXCHANGE") == 1) {
        errno = EINVAL;
        return -1;
    }
    if (fail_this_rename()) {
        errno = EIO;
        return -1;
    }
    return real(fd1, from, fd2, to, flags);
}

ssize_t write(int fd, const void *buf, size_t size)
{
    static ssize_t (*real)(int, const void *, size_t);
    if (real == NULL) {
        real = (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    }
    long long limit = env_long("RETSIM_SHIM_WRITE_LIMIT");
    struct stat st;
    if (limit >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        if (written + (long long)size > limit) {
            errno = ENOSPC;
            return -1;
        }
        written += (long long)size;
    }
    return real(fd, buf, size);
}
