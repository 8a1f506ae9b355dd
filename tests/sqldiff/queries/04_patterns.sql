-- LIKE, ILIKE, SIMILAR TO and POSIX regular expressions.
SELECT 'abc' LIKE 'a%'
SELECT 'abc' LIKE 'A%'
SELECT 'abc' ILIKE 'A%'
SELECT 'abc' NOT LIKE '%c'
SELECT 'abc' NOT ILIKE '%C'
SELECT 'abc' LIKE 'a_c', 'abbc' LIKE 'a_c'
SELECT 'a%c' LIKE 'a\%c', 'abc' LIKE 'a\%c'
SELECT 'a_c' LIKE 'a#_c' ESCAPE '#'
SELECT 'abc' LIKE 'abc', 'abc' LIKE ''
SELECT '' LIKE '%', '' LIKE '_'
SELECT 'pg_class' LIKE 'pg\_%', 'pgxclass' LIKE 'pg\_%'
SELECT 'pg_class' NOT LIKE E'pg\\_%'
SELECT 'abc' ~~ 'a%', 'abc' !~~ 'a%', 'ABC' ~~* 'a%', 'ABC' !~~* 'a%'
SELECT 'abc' ~ '^a', 'abc' ~ '^b'
SELECT 'abc' ~* '^A', 'abc' !~ 'z', 'abc' !~* 'B'
SELECT 'metrics' ~ '^(metrics)$', 'metrics2' ~ '^(metrics)$'
SELECT 'pg_toast_1' ~ '^pg_toast', 'public' !~ '^pg_'
SELECT 'foo123' ~ '[0-9]+$', 'foo' ~ '[0-9]+$'
SELECT 'a.b' ~ 'a\.b', 'axb' ~ 'a\.b'
SELECT 'abc' SIMILAR TO 'a%', 'abc' SIMILAR TO '(a|b)%', 'abc' SIMILAR TO 'b%'
SELECT 'abc' NOT SIMILAR TO '%z%'
SELECT regexp_replace('foobar', 'o+', '0')
SELECT regexp_replace('foo bar baz', 'a', 'A', 'g')
SELECT regexp_replace('Hello', '(l+)', '[\1]')
SELECT regexp_match('foo123bar', '[0-9]+')
SELECT regexp_match('key=value', '(\w+)=(\w+)')
SELECT regexp_matches('a1b22c333', '[0-9]+', 'g')
SELECT regexp_split_to_array('a,b;;c', '[,;]')
SELECT regexp_split_to_table('a b  c', '\s+')
SELECT substring('foo123bar' from '[0-9]+')
SELECT substring('foobar' from 'o(.)b')
SELECT s FROM (VALUES ('apple'), ('banana'), ('cherry'), ('avocado')) v(s) WHERE s LIKE 'a%' ORDER BY s
SELECT s FROM (VALUES ('Apple'), ('banana'), ('APRICOT')) v(s) WHERE s ILIKE 'ap%' ORDER BY s
SELECT s FROM (VALUES ('x1'), ('y22'), ('z')) v(s) WHERE s ~ '\d' ORDER BY s
SELECT s, s ~ '^[a-c]' FROM (VALUES ('apple'), ('date'), (NULL)) v(s) ORDER BY s
SELECT 'abc' LIKE ANY (ARRAY['x%', 'a%'])
SELECT 'abc' LIKE ALL (ARRAY['%b%', 'a%'])
SELECT 'Straße' ILIKE 'STRASSE', upper('straße')
SELECT 'x' ~ ''

-- Regular expressions glibc would read differently or expand without bound (sql_func_ops.c
-- ere_check): PostgreSQL's refusals, same SQLSTATE and message.
SELECT 'a' ~ '*'
SELECT 'a' ~ '^*a'
SELECT 'ab' ~ 'a|*b'
SELECT 'ab' ~ '(*a)'
SELECT 'aaa' ~ 'a{256}'
SELECT 'aaa' ~ 'a{3,2}'
SELECT 'aaa' ~ 'a{2}', 'aaa' ~ 'a{2,}', 'aaa' ~ 'a{1,3}$', 'aaa' ~* 'A{4}'
SELECT 'abc' ~ '[]a]b', 'a+b' ~ 'a\+b', 'ab' ~ '(a|b)+', 'x' ~ '[[:alpha:]]+x*'
