-- Window functions as tools use them.
SELECT x, row_number() OVER (ORDER BY x) FROM generate_series(1, 5) x ORDER BY x
SELECT x, row_number() OVER (ORDER BY x DESC) FROM generate_series(1, 5) x ORDER BY x
SELECT x, rank() OVER (ORDER BY x % 3), dense_rank() OVER (ORDER BY x % 3) FROM generate_series(1, 6) x ORDER BY x
SELECT x, sum(x) OVER (ORDER BY x) FROM generate_series(1, 5) x ORDER BY x
SELECT x, sum(x) OVER () FROM generate_series(1, 5) x ORDER BY x
SELECT x, count(*) OVER () FROM generate_series(1, 3) x ORDER BY x
SELECT x, avg(x) OVER (ORDER BY x ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM generate_series(1, 5) x ORDER BY x
SELECT x, sum(x) OVER (ORDER BY x ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM generate_series(1, 5) x ORDER BY x
SELECT x, max(x) OVER (ORDER BY x ROWS 2 PRECEDING) FROM generate_series(1, 5) x ORDER BY x
SELECT x, x % 2 AS p, row_number() OVER (PARTITION BY x % 2 ORDER BY x) FROM generate_series(1, 6) x ORDER BY x
SELECT x, sum(x) OVER (PARTITION BY x % 2) FROM generate_series(1, 6) x ORDER BY x
SELECT x, lag(x) OVER (ORDER BY x), lead(x) OVER (ORDER BY x) FROM generate_series(1, 4) x ORDER BY x
SELECT x, lag(x, 2, 0) OVER (ORDER BY x), lead(x, 1, -1) OVER (ORDER BY x) FROM generate_series(1, 4) x ORDER BY x
SELECT x, first_value(x) OVER (ORDER BY x), last_value(x) OVER (ORDER BY x) FROM generate_series(1, 4) x ORDER BY x
SELECT x, last_value(x) OVER (ORDER BY x ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM generate_series(1, 4) x ORDER BY x
SELECT x, nth_value(x, 2) OVER (ORDER BY x) FROM generate_series(1, 4) x ORDER BY x
SELECT x, ntile(2) OVER (ORDER BY x) FROM generate_series(1, 5) x ORDER BY x
SELECT x, percent_rank() OVER (ORDER BY x), cume_dist() OVER (ORDER BY x) FROM generate_series(1, 4) x ORDER BY x
SELECT x, sum(x) OVER w, count(*) OVER w FROM generate_series(1, 4) x WINDOW w AS (ORDER BY x) ORDER BY x
SELECT x, x - lag(x) OVER (ORDER BY x) AS delta FROM (VALUES (1), (4), (9), (16)) v(x) ORDER BY x
SELECT s, n, rank() OVER (PARTITION BY s ORDER BY n DESC) FROM (VALUES ('a', 1), ('a', 3), ('b', 2), ('a', 2)) v(s, n) ORDER BY s, n
SELECT * FROM (SELECT x, row_number() OVER (ORDER BY x DESC) AS rn FROM generate_series(1, 10) x) t WHERE rn <= 3 ORDER BY rn
SELECT x, sum(x) OVER (ORDER BY x RANGE BETWEEN 2 PRECEDING AND CURRENT ROW) FROM generate_series(1, 6) x ORDER BY x
SELECT t, sum(v) OVER (ORDER BY t) FROM (VALUES ('2024-01-01'::date, 1), ('2024-01-03', 2), ('2024-01-02', 3)) x(t, v) ORDER BY t
SELECT x % 3 AS g, sum(x), sum(sum(x)) OVER (ORDER BY x % 3) FROM generate_series(1, 9) x GROUP BY x % 3 ORDER BY g
SELECT x, row_number() OVER (PARTITION BY x % 2 ORDER BY x) AS attnum FROM generate_series(1, 4) x ORDER BY x % 2, attnum
SELECT x, avg(x) OVER (PARTITION BY x % 2 ORDER BY x ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING) FROM generate_series(1, 6) x ORDER BY x
