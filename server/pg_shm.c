/* pg_shm.c -- shared regions with a robust process-shared mutex (pg_shm.h). */
#include "pg_shm.h"

#include <errno.h>
#include <sys/mman.h>

void *pg_shm_map(size_t size)
{
    pthread_mutexattr_t ma;
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
    pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init((pthread_mutex_t *)p, &ma);
    pthread_mutexattr_destroy(&ma);
    return p;
}

void pg_shm_unmap(void *region, size_t size)
{
    if (region)
        munmap(region, size);
}

void pg_shm_lock(pthread_mutex_t *mu)
{
    if (pthread_mutex_lock(mu) == EOWNERDEAD)
        pthread_mutex_consistent(mu);
}

void pg_shm_unlock(pthread_mutex_t *mu)
{
    pthread_mutex_unlock(mu);
}
