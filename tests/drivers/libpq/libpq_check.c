/* libpq_check.c -- libpq against one server: PQexecParams with text and binary parameters
 * and results, PQprepare/PQexecPrepared, PQdescribePrepared, single-row mode and an error
 * inside a transaction. Prints one line per check (binary values as hex) so a test can
 * compare lakeward with PostgreSQL. Usage: libpq_check CONNINFO */
#include <arpa/inet.h>
#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_result(const char *check, PGresult *r)
{
    ExecStatusType st = PQresultStatus(r);
    printf("%s\t%s", check, PQresStatus(st));
    if (st == PGRES_FATAL_ERROR)
        printf("\t%s", PQresultErrorField(r, PG_DIAG_SQLSTATE));
    if (st == PGRES_FATAL_ERROR && getenv("VERBOSE"))
        printf(" %s", PQresultErrorMessage(r));
    for (int i = 0; i < PQntuples(r); i++)
        for (int j = 0; j < PQnfields(r); j++) {
            printf("\t%u/%d:", PQftype(r, j), PQfformat(r, j));
            if (PQgetisnull(r, i, j))
                printf("NULL");
            else if (PQfformat(r, j) == 1)
                for (int k = 0; k < PQgetlength(r, i, j); k++)
                    printf("%02x", (unsigned char)PQgetvalue(r, i, j)[k]);
            else
                printf("%s", PQgetvalue(r, i, j));
        }
    printf("\n");
    PQclear(r);
}

int main(int argc, char **argv)
{
    PGconn *c;
    uint32_t i4 = htonl(41);
    const char *vals[2] = {(const char *)&i4, "text param"};
    int lens[2] = {4, 0}, fmts[2] = {1, 0};
    Oid types[2] = {23, 0};
    if (argc != 2) {
        fprintf(stderr, "usage: libpq_check CONNINFO\n");
        return 2;
    }
    c = PQconnectdb(argv[1]);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "connect: %s", PQerrorMessage(c));
        return 1;
    }
    print_result("params_text", PQexecParams(c, "select $1::int4 + 1, $2 || '!'", 2, types, vals,
                                             lens, fmts, 0));
    print_result("params_binary", PQexecParams(c, "select $1::int4 + 1, $2 || '!', 2.5::numeric, "
                                               "'2000-01-02'::date, array[1,2]::int4[]", 2,
                                               types, vals, lens, fmts, 1));
    print_result("prepare", PQprepare(c, "s1", "select $1::int8 * 2, $2::text", 0, NULL));
    {
        PGresult *d = PQdescribePrepared(c, "s1");
        printf("describe\t%d params %u %u, %d fields %u\n", PQnparams(d), PQparamtype(d, 0),
               PQparamtype(d, 1), PQnfields(d), PQftype(d, 0));
        PQclear(d);
    }
    for (int i = 0; i < 3; i++) {
        char n[16];
        const char *pv[2] = {n, NULL};
        snprintf(n, sizeof n, "%d", i * 10);
        print_result("exec_prepared", PQexecPrepared(c, "s1", 2, pv, NULL, NULL, 0));
    }
    print_result("prepare_dup", PQprepare(c, "s1", "select 1", 0, NULL));
    print_result("deallocate", PQexec(c, "deallocate s1"));
    if (PQsendQueryParams(c, "select g from generate_series(1, 3) g", 0, NULL, NULL, NULL, NULL,
                          0) && PQsetSingleRowMode(c)) {
        PGresult *r;
        while ((r = PQgetResult(c)))
            print_result("single_row", r);
    }
    print_result("begin", PQexec(c, "begin"));
    print_result("error_in_tx", PQexecParams(c, "select 1 / $1::int4", 1, NULL,
                                             (const char *[]){"0"}, NULL, NULL, 0));
    printf("tx_status\t%d\n", PQtransactionStatus(c));
    print_result("rollback", PQexec(c, "rollback"));
    PQfinish(c);
    return 0;
}
