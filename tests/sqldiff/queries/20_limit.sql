-- LIMIT / OFFSET / FETCH FIRST.
SELECT x FROM generate_series(1, 10) x ORDER BY x LIMIT 3
SELECT x FROM generate_series(1, 10) x ORDER BY x DESC LIMIT 3 OFFSET 2
SELECT x FROM generate_series(1, 10) x ORDER BY x OFFSET 8
SELECT x FROM generate_series(1, 10) x ORDER BY x LIMIT 0
SELECT x FROM generate_series(1, 10) x ORDER BY x LIMIT ALL
SELECT x FROM generate_series(1, 10) x ORDER BY x LIMIT NULL
SELECT x FROM generate_series(1, 10) x ORDER BY x OFFSET 20
SELECT x FROM generate_series(1, 10) x ORDER BY x FETCH FIRST 2 ROWS ONLY
SELECT x FROM generate_series(1, 10) x ORDER BY x OFFSET 1 ROW FETCH NEXT 1 ROW ONLY
SELECT x FROM generate_series(1, 10) x ORDER BY x LIMIT 2 + 1
SELECT x % 3 AS k FROM generate_series(1, 10) x ORDER BY k FETCH FIRST 4 ROWS WITH TIES
SELECT count(*) FROM (SELECT x FROM generate_series(1, 10) x LIMIT 4) s
SELECT x FROM generate_series(1, 10) x WHERE x > 5 ORDER BY x LIMIT 1
SELECT * FROM (VALUES (3, 'c'), (1, 'a'), (2, 'b')) v(n, s) ORDER BY n LIMIT 2
SELECT x FROM generate_series(1, 10) x ORDER BY x LIMIT 1000
